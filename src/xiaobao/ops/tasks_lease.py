"""A lease on running tasks: a task whose worker died is taken up again.

django-tasks-db marks a claimed task RUNNING and appends the worker's id to ``worker_ids``, but
has no lease: a worker killed in the middle of a task leaves it RUNNING for ever. Here each
worker's heartbeat row (``WorkerHeartbeat``, written every few seconds by ``run_worker``) is its
lease. A RUNNING task whose last worker has no heartbeat younger than
``XIAOBAO_WORKER_STALE_SECONDS`` is orphaned; any live worker's heartbeat loop puts it back to
READY so that it runs again. Tasks are idempotent (the outbox locks its row and skips what was
sent; the channel gets the notice id as idempotency key), so running one twice changes nothing.

A task that took its worker down ``MAX_ATTEMPTS`` times is failed instead of run again, so one
poisonous task cannot kill worker after worker.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Now
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from xiaobao.ops.models import WorkerHeartbeat

logger = logging.getLogger("xiaobao.ops.worker")

MAX_ATTEMPTS = 10
"""Claims of one task (its ``worker_ids``) after which a lost or failing task is failed, not run again."""

FORGET_AFTER_STALE_LIMITS = 10
"""A dead worker's heartbeat row is deleted once it is this many stale limits old (5 minutes by default)."""

CONNECTION_ERRORS = frozenset(
    {
        "django.db.utils.OperationalError",
        "django.db.utils.InterfaceError",
        "psycopg.OperationalError",
        "psycopg.InterfaceError",
    }
)
"""Exception classes (as django-tasks-db records them) of a task that failed because the database went away."""


class WorkerLost(Exception):  # the name says what happened, as recorded on the task
    """The task's worker stopped while running it, too many times."""


def stale_limit() -> timedelta:
    return timedelta(seconds=settings.XIAOBAO_WORKER_STALE_SECONDS)


def live_worker_ids(now: datetime | None = None) -> set[str]:
    """Workers whose heartbeat is younger than the stale limit — by the database's clock, which wrote the
    heartbeats, so hosts whose own clocks drift apart never take each other's running tasks (review)."""
    since: Any = (now - stale_limit()) if now is not None else Now() - stale_limit()
    return set(WorkerHeartbeat.objects.filter(last_seen__gte=since).values_list("worker_id", flat=True))


def is_orphaned(worker_ids: Iterable[str] | None, live: set[str]) -> bool:
    """A RUNNING task is orphaned when the worker that claimed it last is not alive."""
    claimed_by = list(worker_ids or [])
    return not claimed_by or claimed_by[-1] not in live


def running_and_orphaned(now: datetime | None = None) -> tuple[int, int]:
    """(RUNNING tasks, those of them whose worker is not alive) — what /healthz reports."""
    live = live_worker_ids(now)
    claims = list(DBTaskResult.objects.running().order_by().values_list("worker_ids", flat=True))
    return len(claims), sum(1 for worker_ids in claims if is_orphaned(worker_ids, live))


def recover_orphaned_tasks(now: datetime | None = None) -> list[str]:
    """Put RUNNING tasks of dead workers back to READY (or FAILED after ``MAX_ATTEMPTS``); their ids.

    Candidates are found without locks, then taken one by one under ``select_for_update(skip_locked=True)``
    and checked again: two workers recovering at once take different rows, and a row another
    transaction holds (its worker finishing it) is left for the next beat.
    """
    now = now or timezone.now()
    live = live_worker_ids(now)
    candidates = [
        pk
        for pk, worker_ids in DBTaskResult.objects.running().order_by().values_list("pk", "worker_ids")
        if is_orphaned(worker_ids, live)
    ]
    recovered = []
    for pk in candidates:
        with transaction.atomic():
            task = DBTaskResult.objects.select_for_update(skip_locked=True).order_by().filter(pk=pk).first()
            if task is None or task.status != TaskResultStatus.RUNNING or not is_orphaned(task.worker_ids, live):
                continue
            lost_by = task.worker_ids[-1] if task.worker_ids else "?"
            if len(task.worker_ids) >= MAX_ATTEMPTS:
                task.status = TaskResultStatus.FAILED
                task.finished_at = now
                task.exception_class_path = f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"
                task.traceback = f"its worker stopped while running it {len(task.worker_ids)} times"
                task.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
                logger.error("task %s (%s) failed: lost with %s, %d claims", pk, task.task_path, lost_by, MAX_ATTEMPTS)
            else:
                task.status = TaskResultStatus.READY
                task.save(update_fields=["status"])
                logger.warning("task %s (%s) recovered: its worker %s is gone", pk, task.task_path, lost_by)
            recovered.append(str(pk))
    return recovered


def release_task(task_id: str, worker_id: str) -> bool:
    """Put a task this worker was running when the database went away back to READY; True if it did."""
    with transaction.atomic():
        task = DBTaskResult.objects.select_for_update().order_by().filter(pk=task_id).first()
        if task is None or task.status != TaskResultStatus.RUNNING or task.worker_ids[-1:] != [worker_id]:
            return False
        task.status = TaskResultStatus.READY
        task.save(update_fields=["status"])
    logger.warning("task %s (%s) released after a database error: it will run again", task_id, task.task_path)
    return True


def retry_after_connection_error(task: DBTaskResult[Any, Any]) -> bool:
    """A task failed because the database went away: make it READY again, a little later; True if it did.

    Only while it has had fewer than ``MAX_ATTEMPTS`` claims, and only if it is still the failed row
    this worker wrote.
    """
    if task.exception_class_path not in CONNECTION_ERRORS or len(task.worker_ids) >= MAX_ATTEMPTS:
        return False
    delay = timedelta(seconds=min(2 ** len(task.worker_ids), 60))
    with transaction.atomic():
        current = DBTaskResult.objects.select_for_update().order_by().filter(pk=task.pk).first()
        if current is None or current.status != TaskResultStatus.FAILED or current.worker_ids != task.worker_ids:
            return False
        current.status = TaskResultStatus.READY
        current.run_after = timezone.now() + delay
        current.finished_at = None
        current.exception_class_path = ""
        current.traceback = ""
        current.save(update_fields=["status", "run_after", "finished_at", "exception_class_path", "traceback"])
    logger.warning(
        "task %s (%s) failed with %s: it runs again in %d s",
        task.pk,
        task.task_path,
        task.exception_class_path,
        delay.total_seconds(),
    )
    return True


def forget_dead_workers(now: datetime | None = None) -> int:
    """Delete heartbeat rows of workers silent for ``FORGET_AFTER_STALE_LIMITS`` stale limits; how many."""
    since = (now or timezone.now()) - FORGET_AFTER_STALE_LIMITS * stale_limit()
    deleted, _ = WorkerHeartbeat.objects.filter(last_seen__lt=since).delete()
    if deleted:
        logger.info("forgot %d dead worker(s)", deleted)
    return deleted
