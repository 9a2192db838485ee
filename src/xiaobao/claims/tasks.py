"""Background tasks of the claims desk."""

from __future__ import annotations

from dataclasses import asdict

from django_tasks import task

from xiaobao.claims.actions import claim_receipts_sweep, claims_sweep


@task()
def sweep_deadlines() -> dict[str, int]:
    """Run by the periodic scheduler (settings.XIAOBAO_PERIODIC_TASKS)."""
    return asdict(claims_sweep())


@task()
def sweep_receipts() -> dict[str, dict[str, int]]:
    """Claim and document receipts whose intake worker died between the two halves go back to pending (ADR 0023)."""
    return {name: asdict(result) for name, result in claim_receipts_sweep().items()}
