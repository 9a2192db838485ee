"""The task lease: a RUNNING task whose worker died is taken back and runs again, once; a live worker's is not."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import OperationalError, transaction
from django.utils import timezone
from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME, TaskResultStatus
from django_tasks_db.models import DBTaskResult

from xiaobao.kernel.actors import SYSTEM
from xiaobao.notifications.actions import notification_deliver, notification_queue
from xiaobao.notifications.models import Notification, RecordedSms, Status
from xiaobao.ops import tasks_lease
from xiaobao.ops.management.commands.run_worker import LeasedWorker, beat
from xiaobao.ops.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def _queued_notice() -> tuple[Notification, DBTaskResult[Any, Any]]:
    with transaction.atomic():
        notification = notification_queue(
            actor=SYSTEM, channel="sms", to_address="+8613800138000", body="您的投诉已受理。", purpose="test"
        )
    return notification, DBTaskResult.objects.get()  # the one task of a fresh database


def _claimed_by(worker_id: str) -> tuple[Notification, DBTaskResult[Any, Any]]:
    notification, task = _queued_notice()
    task.claim(worker_id)
    return notification, task


def _heartbeat(worker_id: str, seconds_ago: float) -> None:
    beat(worker_id, timezone.now())
    WorkerHeartbeat.objects.filter(worker_id=worker_id).update(
        last_seen=timezone.now() - timedelta(seconds=seconds_ago)
    )


def _run_ready_tasks() -> None:
    """What a worker does: claim each READY task and run it (db_worker's own loop, in batch mode)."""
    LeasedWorker(
        queue_names=[DEFAULT_TASK_QUEUE_NAME],
        interval=0,
        batch=True,
        backend_name=DEFAULT_TASK_BACKEND_ALIAS,
        startup_delay=False,
        max_tasks=None,
        worker_id="live-worker",
        excluded_queue_names=[],
    ).run()


@pytest.mark.django_db(transaction=True)
def test_a_task_of_a_worker_whose_heartbeat_is_stale_is_recovered_and_then_delivers_once() -> None:
    # given a notice whose delivery was claimed by a worker silent for a minute (killed with -9)
    notification, task = _claimed_by("dead-worker")
    _heartbeat("dead-worker", seconds_ago=60)

    # when a live worker's heartbeat recovers orphaned tasks, and the queue is worked
    recovered = tasks_lease.recover_orphaned_tasks()
    task.refresh_from_db()
    status_after_recovery = task.status
    _run_ready_tasks()

    # then it was put back to READY, ran, and the SMS went out exactly once
    assert recovered == [str(task.pk)]
    assert status_after_recovery == TaskResultStatus.READY
    task.refresh_from_db()
    notification.refresh_from_db()
    assert (task.status, task.worker_ids) == (TaskResultStatus.SUCCESSFUL, ["dead-worker", "live-worker"])
    assert notification.status == Status.SENT
    assert RecordedSms.objects.filter(idempotency_key=str(notification.pk)).count() == 1


def test_a_task_of_a_live_worker_is_left_alone() -> None:
    _, task = _claimed_by("busy-worker")
    _heartbeat("busy-worker", seconds_ago=2)

    assert tasks_lease.recover_orphaned_tasks() == []

    task.refresh_from_db()
    assert (task.status, task.worker_ids) == (TaskResultStatus.RUNNING, ["busy-worker"])


def test_a_task_of_a_worker_without_a_heartbeat_row_is_recovered() -> None:
    _, task = _claimed_by("forgotten-worker")

    assert tasks_lease.recover_orphaned_tasks() == [str(task.pk)]

    task.refresh_from_db()
    assert task.status == TaskResultStatus.READY


def test_a_task_that_lost_its_worker_too_often_is_failed_not_run_again() -> None:
    _, task = _queued_notice()
    DBTaskResult.objects.filter(pk=task.pk).update(
        status=TaskResultStatus.RUNNING, worker_ids=[f"w{n}" for n in range(tasks_lease.MAX_ATTEMPTS)]
    )

    tasks_lease.recover_orphaned_tasks()

    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    assert task.exception_class_path == "xiaobao.ops.tasks_lease.WorkerLost"


def test_a_notice_sent_before_the_kill_is_not_sent_again_when_its_task_reruns() -> None:
    # given the worker committed the delivery and was killed before it marked the task successful
    notification, task = _claimed_by("dead-worker")
    assert notification_deliver(str(notification.pk)) == "sent"

    # when the task is recovered and runs again
    assert tasks_lease.recover_orphaned_tasks() == [str(task.pk)]
    assert notification_deliver(str(notification.pk)) == "skipped"

    # then the outbox and the gateway still hold one delivery
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Status.SENT, 1)
    assert RecordedSms.objects.filter(idempotency_key=str(notification.pk)).count() == 1


def test_a_kill_before_the_delivery_commits_leaves_neither_a_sent_sms_nor_a_sent_notice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The recording gateway writes in the outbox's transaction: what did not commit was not sent."""
    notification, _ = _queued_notice()

    class Killed(BaseException):
        """Stands for kill -9 between the gateway's write and the commit (the transaction never commits)."""

    def killed_on_save(self: Notification, *args: object, **kwargs: object) -> None:
        raise Killed

    monkeypatch.setattr(Notification, "save", killed_on_save)
    with pytest.raises(Killed):
        notification_deliver(str(notification.pk))
    monkeypatch.undo()

    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Status.PENDING, 0)
    assert not RecordedSms.objects.filter(idempotency_key=str(notification.pk)).exists()
    assert notification_deliver(str(notification.pk)) == "sent"
    assert RecordedSms.objects.filter(idempotency_key=str(notification.pk)).count() == 1


def test_a_task_failed_by_a_lost_connection_is_made_ready_again_a_little_later() -> None:
    _, task = _claimed_by("worker-1")
    task.set_failed(OperationalError("terminating connection due to administrator command"))

    assert tasks_lease.retry_after_connection_error(task)

    task.refresh_from_db()
    assert (task.status, task.exception_class_path) == (TaskResultStatus.READY, "")
    assert task.run_after > timezone.now()


def test_a_task_failed_by_its_own_error_stays_failed() -> None:
    _, task = _claimed_by("worker-1")
    task.set_failed(ValueError("bad input"))

    assert not tasks_lease.retry_after_connection_error(task)

    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED


def test_a_task_the_worker_was_running_when_the_database_went_away_is_released() -> None:
    _, task = _claimed_by("worker-1")

    assert tasks_lease.release_task(str(task.pk), "worker-1")
    assert not tasks_lease.release_task(str(task.pk), "worker-1")  # only once, only RUNNING ones

    task.refresh_from_db()
    assert task.status == TaskResultStatus.READY


def test_heartbeats_of_long_dead_workers_are_forgotten_and_recent_ones_kept(settings: Any) -> None:
    settings.XIAOBAO_WORKER_STALE_SECONDS = 30
    _heartbeat("long-dead", seconds_ago=30 * tasks_lease.FORGET_AFTER_STALE_LIMITS + 1)
    _heartbeat("just-stale", seconds_ago=60)

    assert tasks_lease.forget_dead_workers() == 1

    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["just-stale"]
