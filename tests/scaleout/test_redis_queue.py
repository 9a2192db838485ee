"""The Redis task queue (issue #20 item 3, ADR 0022): jobs pushed only on commit, run by the RQ worker; every job
known to PostgreSQL, so one a Redis restart lost is pushed again (each notice still sent once); a dead worker's job
taken up within seconds, a live worker's long job not."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from tests.scaleout.conftest import RedisServer
from xiaobao.kernel.actors import SYSTEM

pytestmark = pytest.mark.django_db(transaction=True)


def _queued_jobs() -> int:
    import django_rq

    return int(django_rq.get_queue("default").count)


def _queue_notice(purpose: str = "scale-out") -> Any:
    from xiaobao.notifications.actions import notification_queue

    with transaction.atomic():
        return notification_queue(
            actor=SYSTEM, channel="sms", to_address="+8613800138000", body="您的投诉已受理", purpose=purpose
        )


def _work_until_empty() -> None:
    from xiaobao.ops.task_queue import run_rq_worker

    run_rq_worker("test-worker", burst=True)


def _sent_events(notification_id: Any) -> int:
    from xiaobao.audit.models import AuditEvent
    from xiaobao.notifications import events

    return AuditEvent.objects.filter(event_type=events.NOTIFICATION_SENT.code, subject_id=str(notification_id)).count()


def test_a_job_reaches_redis_only_when_its_transaction_commits(redis_queue: RedisServer) -> None:
    from xiaobao.notifications.actions import notification_queue

    # given a notice queued inside a transaction, then when the transaction commits
    with transaction.atomic():
        notification_queue(actor=SYSTEM, channel="sms", to_address="+8613800138000", body="x", purpose="p")
        # then nothing is in Redis while the row is not committed (a worker would find no notice)
        assert _queued_jobs() == 0
    assert _queued_jobs() == 1


def test_a_rolled_back_change_enqueues_nothing(redis_queue: RedisServer) -> None:
    from xiaobao.notifications.actions import notification_queue
    from xiaobao.notifications.models import Notification

    # when the transaction that queued a notice is rolled back
    def failing_action() -> None:
        with transaction.atomic():
            notification_queue(actor=SYSTEM, channel="sms", to_address="+8613800138000", body="x", purpose="p")
            raise RuntimeError("the action failed")

    with pytest.raises(RuntimeError):
        failing_action()

    # then there is neither a notice nor a job
    assert not Notification.objects.exists()
    assert _queued_jobs() == 0


def test_the_rq_worker_delivers_a_notice_once(redis_queue: RedisServer) -> None:
    from xiaobao.notifications.models import Notification, Status

    # given a notice queued on the Redis queue
    notice = _queue_notice()

    # when the RQ worker works the queue
    _work_until_empty()

    # then the notice is sent, once
    notice = Notification.objects.get(pk=notice.pk)
    assert notice.status == Status.SENT
    assert notice.attempts == 1
    assert _sent_events(notice.pk) == 1
    assert _queued_jobs() == 0


def _verification(world: Any) -> Any:
    from xiaobao.audit.actions import insurer_verification_request
    from xiaobao.kernel.actors import Role

    _, auditor = world.ours.staff(Role.AUDITOR)
    with transaction.atomic():
        return insurer_verification_request(actor=auditor)


def test_jobs_a_redis_restart_lost_are_pushed_again_from_postgresql_and_run_once(
    redis_queue: RedisServer, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xiaobao.audit.models import Verification
    from xiaobao.notifications.models import Notification, Status
    from xiaobao.ops import task_queue, tasks
    from xiaobao.ops.models import PushedJob

    monkeypatch.setattr(task_queue, "LOST_GRACE_SECONDS", 0)
    # given two notices and an audit verification whose jobs are in Redis, when Redis restarts without its data
    lost = [_queue_notice("lost-1"), _queue_notice("lost-2")]
    verification = _verification(world)
    assert _queued_jobs() == 3
    redis_queue.restart()
    assert _queued_jobs() == 0
    # and a notice is queued after the restart (its job is in Redis)
    kept = _queue_notice("kept")

    # when the periodic sweep runs
    pushed = tasks.push_lost_jobs.call()

    # then exactly the three lost jobs are pushed again (PostgreSQL knew them; Redis did not), none twice
    assert pushed == 3
    assert _queued_jobs() == 4
    assert tasks.push_lost_jobs.call() == 0
    # and once the worker has run, every notice is sent exactly once and the verification is done
    _work_until_empty()
    for queued in [*lost, kept]:
        notice = Notification.objects.get(pk=queued.pk)
        assert notice.status == Status.SENT
        assert notice.attempts == 1
        assert _sent_events(notice.pk) == 1
    assert Verification.objects.get(pk=verification.pk).finished_at is not None
    # and a finished job leaves no row behind
    assert not PushedJob.objects.exists()


def test_a_job_whose_retries_are_spent_is_kept_marked_failed_and_not_pushed_again(
    redis_queue: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xiaobao.ops import task_queue, tasks
    from xiaobao.ops.models import PushedJob
    from xiaobao.ops.tasks import prune_rate_limit_hits

    monkeypatch.setattr(task_queue, "RETRY_INTERVALS", [])  # no retry: the first failure is the last
    monkeypatch.setattr(task_queue, "LOST_GRACE_SECONDS", 0)
    monkeypatch.setattr("xiaobao.ops.ratelimit.prune", _fail)
    # given a job that fails
    with transaction.atomic():
        prune_rate_limit_hits.enqueue()

    # when the worker runs it
    _work_until_empty()

    # then its row is kept, marked failed, for the operators; the sweep does not push it again
    job = PushedJob.objects.get()
    assert job.failed_at is not None
    assert tasks.push_lost_jobs.call() == 0
    assert _queued_jobs() == 0


def _fail() -> int:
    raise RuntimeError("the task failed")


def test_the_sweep_does_nothing_on_the_database_queue(settings: Any) -> None:
    from xiaobao.ops import tasks

    settings.XIAOBAO_TASK_QUEUE = "database"
    _queue_notice()

    assert tasks.push_lost_jobs.call() == 0


def test_healthz_reports_redis(redis_queue: RedisServer, client: Any) -> None:
    # given a job waiting in Redis
    _queue_notice()

    body = client.get("/healthz").json()

    assert body["redis"]["status"] == "ok"
    assert body["redis"]["queued"] == 1


def test_healthz_says_when_redis_is_down(redis_queue: RedisServer, client: Any) -> None:
    from django.utils import timezone

    from xiaobao.ops.management.commands.run_worker import beat

    beat("worker-1", timezone.now())  # a live worker: only Redis is wrong
    redis_queue.stop()
    try:
        response = client.get("/healthz")
    finally:
        redis_queue.start()

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["redis"]["status"] == "down"


def test_a_job_whose_worker_died_is_taken_up_three_heartbeats_later_and_its_notice_sent_once(
    redis_queue: RedisServer, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    import time

    import django_rq
    from django_tasks_rq.backend import Job

    from xiaobao.notifications.models import Notification, Status
    from xiaobao.ops import task_queue

    monkeypatch.setattr(task_queue, "RETRY_INTERVALS", [0, 0, 0])  # retried at once rather than in 5 s
    settings.XIAOBAO_RQ_HEARTBEAT_SECONDS = 1
    # given a notice whose job a worker took and then died with, beating no more
    notice = _queue_notice()
    queue = django_rq.get_queue("default", job_class=Job)
    job = Job.fetch(queue.pop_job_id(), connection=queue.connection)
    dead = task_queue.DjangoWorker([queue], name="dead-worker", connection=queue.connection, job_class=Job)
    dead.prepare_execution(job)  # in the started registry, as RQ's worker does before a job
    dead.prepare_job_execution(job)  # marked started
    assert _queued_jobs() == 0
    _work_until_empty()  # a live worker at once: the job is still the dead worker's (its last beat is recent)
    assert Notification.objects.get(pk=notice.pk).status == Status.PENDING

    # when three heartbeats and a second have passed (4 s here; 31 s by default, not the job's 600 s timeout)
    # and a live worker cleans the registries and works the queue
    time.sleep(4.2)
    _work_until_empty()

    # then the job ran again, and the notice is sent once
    notice = Notification.objects.get(pk=notice.pk)
    assert notice.status == Status.SENT
    assert notice.attempts == 1
    assert _sent_events(notice.pk) == 1


def test_a_live_workers_long_job_is_not_taken_from_it(redis_queue: RedisServer, settings: Any, tmp_path: Any) -> None:
    import threading
    import time

    import django_rq
    from django_tasks_rq.backend import Job
    from rq.registry import StartedJobRegistry

    from tests.scaleout.jobs import slow_mark

    settings.XIAOBAO_RQ_HEARTBEAT_SECONDS = 0.1
    marks = tmp_path / "marks"
    # given a job that runs longer than its worker's heartbeat lapse (2 s) and a cleaning's interval
    with transaction.atomic():
        slow_mark.enqueue(str(marks), 3.0)
    queue = django_rq.get_queue("default", job_class=Job)
    registry = StartedJobRegistry(queue=queue)
    seen: list[int] = []

    def clean_meanwhile() -> None:  # another worker's maintenance, while the job runs
        for _ in range(4):
            time.sleep(0.6)
            registry.cleanup()
            seen.append(_queued_jobs() + len(registry.get_job_ids()))

    cleaner = threading.Thread(target=clean_meanwhile)
    cleaner.start()
    # when a worker runs it while the registries are cleaned four times
    _work_until_empty()
    cleaner.join()

    # then the running job was never taken for abandoned (it stayed in the started registry, nothing was queued
    # again) and ran once
    assert seen == [1, 1, 1, 1]
    assert marks.read_text() == "ran\n"
