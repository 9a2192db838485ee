"""The platform's own housekeeping, run by the worker's periodic scheduler (settings.XIAOBAO_PERIODIC_TASKS)."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from xiaobao.ops import ratelimit
from xiaobao.ops.limits import stale_spooled_uploads

SPOOLED_UPLOADS_KEPT = timedelta(hours=1)


@task()
def prune_rate_limit_hits() -> int:
    """Counted attempts older than every rate-limit window are deleted, hourly."""
    return ratelimit.prune()


@task()
def sweep_spooled_uploads() -> int:
    """Uploads spooled to FILE_UPLOAD_TEMP_DIR by a worker killed mid-request (plaintext), deleted hourly once
    older than an hour: no request runs that long (gunicorn's timeout ends it first)."""
    stale = stale_spooled_uploads(SPOOLED_UPLOADS_KEPT)
    for path in stale:
        path.unlink(missing_ok=True)
    return len(stale)


@task()
def push_lost_jobs() -> int:
    """On the Redis queue, every job PostgreSQL knows and Redis lost is pushed again (ADR 0022 addendum); on
    the database queue nothing is ever lost, and this does nothing."""
    from xiaobao.ops import task_queue  # RQ is loaded only where it is used

    if not task_queue.uses_redis():
        return 0
    return task_queue.push_lost_jobs()
