"""What /healthz reports: the database, the background worker and, on the Redis queue, Redis."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from xiaobao.ops.models import WorkerHeartbeat
from xiaobao.ops.tasks_lease import running_and_orphaned

PARTS: dict[str, Callable[[], dict[str, Any] | None]] = {}
"""More of the report, registered by the apps that know it (intake: the complaint mailboxes); a part that
returns None is left out."""


def register_part(name: str, report: Callable[[], dict[str, Any] | None]) -> None:
    PARTS[name] = report


def health() -> tuple[dict[str, Any], bool]:
    """(report, database_ok). ``status`` is ok only when the database answers, a worker is alive and no task is
    stuck (RUNNING with no live worker: ``ops.tasks_lease`` takes it back within a heartbeat or two)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return {"status": "down", "database": {"status": "down", "error": error.__class__.__name__}}, False

    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    stale_after = timedelta(seconds=settings.XIAOBAO_WORKER_STALE_SECONDS)
    latest = WorkerHeartbeat.objects.order_by("-last_seen").first()
    alive = WorkerHeartbeat.objects.filter(last_seen__gte=now - stale_after).count()
    redis = None
    if settings.XIAOBAO_TASK_QUEUE == "redis":
        from xiaobao.ops.task_queue import queue_report  # RQ is loaded only where it is used

        redis = queue_report()
    if redis is None:
        running, stuck = running_and_orphaned(now)
        tasks = {"queued": DBTaskResult.objects.ready().count(), "running": running, "stuck": stuck}
    else:  # RQ takes back the jobs of dead workers itself (ops.task_queue)
        stuck = 0
        tasks = {key: redis[key] for key in ("queued", "running") if key in redis}
    if latest is None:
        worker = {"status": "absent", "alive": 0, **tasks}
    else:
        worker = {
            "status": "ok" if alive else "stale",
            "alive": alive,
            "last_seen_seconds_ago": round((now - latest.last_seen).total_seconds(), 1),
            **tasks,
        }
    redis_ok = redis is None or redis["status"] == "ok"
    report: dict[str, Any] = {
        "status": "ok" if alive and not stuck and redis_ok else "degraded",
        "database": {"status": "ok", "vendor": connection.vendor},
        "worker": worker,
    }
    if redis is not None:
        report["redis"] = redis
    for name, part in PARTS.items():
        shown = part()
        if shown is not None:
            report[name] = shown
    return report, True
