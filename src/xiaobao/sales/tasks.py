"""Background tasks of sales."""

from __future__ import annotations

from django_tasks import task

from xiaobao.sales.actions import recording_uploads_expire


@task()
def expire_recording_uploads() -> int:
    """Run daily by the periodic scheduler (settings.XIAOBAO_PERIODIC_TASKS)."""
    return recording_uploads_expire()
