"""Background tasks of policy service."""

from __future__ import annotations

from dataclasses import asdict

from django_tasks import task

from xiaobao.sales.policies.actions import refunds_sweep


@task()
def sweep_refund_deadlines() -> dict[str, int]:
    """Run by the periodic scheduler (settings.XIAOBAO_PERIODIC_TASKS)."""
    return asdict(refunds_sweep())
