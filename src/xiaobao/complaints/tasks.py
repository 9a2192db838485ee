"""Background tasks of the complaint desk."""

from __future__ import annotations

from dataclasses import asdict

from django_tasks import task

from xiaobao.complaints.actions import complaints_sweep, receipts_sweep


@task()
def sweep_deadlines() -> dict[str, int]:
    """Run by the periodic scheduler (settings.XIAOBAO_PERIODIC_TASKS)."""
    return asdict(complaints_sweep())


@task()
def sweep_receipts() -> dict[str, int]:
    """Receipts whose intake worker died between the two halves go back to pending (ADR 0023)."""
    return asdict(receipts_sweep())
