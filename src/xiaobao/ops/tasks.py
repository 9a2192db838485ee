"""The platform's own housekeeping, run by the worker's periodic scheduler (settings.XIAOBAO_PERIODIC_TASKS)."""

from __future__ import annotations

from django_tasks import task

from xiaobao.ops import ratelimit


@task()
def prune_rate_limit_hits() -> int:
    """Counted attempts older than every rate-limit window are deleted, hourly."""
    return ratelimit.prune()
