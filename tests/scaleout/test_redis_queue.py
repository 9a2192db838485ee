"""The Redis task queue (issue #20 item 3, ADR 0022): jobs pushed only on commit, run by the RQ worker, and the
outbox's notices sent again after a Redis restart lost their jobs — each notice sent once."""

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


def test_notices_a_redis_restart_lost_are_sent_again_once(
    redis_queue: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xiaobao.notifications import tasks
    from xiaobao.notifications.models import Notification, Status

    monkeypatch.setattr(tasks, "RESEND_GRACE_SECONDS", 0)
    # given two notices whose jobs are in Redis, when Redis restarts without its data
    lost = [_queue_notice("lost-1"), _queue_notice("lost-2")]
    assert _queued_jobs() == 2
    redis_queue.restart()
    assert _queued_jobs() == 0
    # and a third notice is queued after the restart (its job is in Redis)
    kept = _queue_notice("kept")

    # when the outbox's sweep runs
    resent = tasks.resend_lost_notifications.call()

    # then only the two lost notices are enqueued again (PostgreSQL knew them; Redis did not)
    assert resent == 2
    assert _queued_jobs() == 3
    # and once the worker has run, every notice is sent exactly once
    _work_until_empty()
    for queued in [*lost, kept]:
        notice = Notification.objects.get(pk=queued.pk)
        assert notice.status == Status.SENT
        assert notice.attempts == 1
        assert _sent_events(notice.pk) == 1
    # and a second sweep finds nothing lost
    assert tasks.resend_lost_notifications.call() == 0


def test_the_sweep_does_nothing_on_the_database_queue(settings: Any) -> None:
    from xiaobao.notifications import tasks

    settings.XIAOBAO_TASK_QUEUE = "database"
    _queue_notice()

    assert tasks.resend_lost_notifications.call() == 0


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


def test_a_job_whose_worker_died_runs_again_and_its_notice_is_sent_once(
    redis_queue: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import django_rq
    from django_tasks_rq.backend import Job
    from rq.registry import StartedJobRegistry

    from xiaobao.notifications.models import Notification, Status
    from xiaobao.ops import task_queue

    monkeypatch.setattr(task_queue, "RETRY_INTERVALS", [0, 0, 0])  # retried at once rather than in 5 s
    # given a notice whose job a worker took and then died with (its entry in the started registry expired)
    notice = _queue_notice()
    queue = django_rq.get_queue("default", job_class=Job)
    job = Job.fetch(queue.pop_job_id(), connection=queue.connection)
    dead = task_queue.DjangoWorker([queue], name="dead-worker", connection=queue.connection, job_class=Job)
    dead.prepare_execution(job)  # in the started registry, as RQ's worker does before a job
    dead.prepare_job_execution(job)  # marked started
    registry = StartedJobRegistry(queue=queue)
    for member in queue.connection.zrange(registry.key, 0, -1):
        queue.connection.zadd(registry.key, {member: 1})  # long expired
    assert _queued_jobs() == 0

    # when a live worker cleans the registries and works the queue
    _work_until_empty()

    # then the job ran again, and the notice is sent once
    notice = Notification.objects.get(pk=notice.pk)
    assert notice.status == Status.SENT
    assert notice.attempts == 1
    assert _sent_events(notice.pk) == 1
