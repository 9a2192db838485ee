"""Background tasks of root causes and fairness (CMP-S1, INC-4), run by the periodic scheduler
(settings.XIAOBAO_PERIODIC_TASKS) — and, for the grouping, on demand from the root-causes page."""

from __future__ import annotations

from django_tasks import task

from xiaobao.insights import access
from xiaobao.insights.actions import complaints_group, fairness_monthly, remediation_sweep
from xiaobao.kernel.actors import SYSTEM


@task()
def group_complaints(insurer_id: int | None = None, requested_by: int | None = None) -> int:
    """Group one insurer's complaints (on demand), or every insurer's (daily). How many groups were found."""
    ids = [insurer_id] if insurer_id is not None else access.insurer_ids()
    return sum(complaints_group(actor=SYSTEM, insurer_id=i, requested_by=requested_by).groups for i in ids)


@task()
def sweep_remediation() -> int:
    return remediation_sweep()


@task()
def report_fairness() -> int:
    return fairness_monthly()
