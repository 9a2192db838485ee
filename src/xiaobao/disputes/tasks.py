"""Background tasks of mediation (DSP-1, DSP-3)."""

from __future__ import annotations

from django_tasks import task

from xiaobao.disputes.actions import disputes_sweep


@task()
def sweep_deadlines() -> dict[str, int]:
    """Run by the periodic scheduler (settings.XIAOBAO_PERIODIC_TASKS)."""
    return disputes_sweep()
