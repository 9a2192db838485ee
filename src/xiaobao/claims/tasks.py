"""Background tasks of the claims desk."""

from __future__ import annotations

from dataclasses import asdict

from django_tasks import task

from xiaobao.claims.actions import claims_sweep


@task()
def sweep_deadlines() -> dict[str, int]:
    """Run by the periodic scheduler (settings.XIAOBAO_PERIODIC_TASKS)."""
    return asdict(claims_sweep())
