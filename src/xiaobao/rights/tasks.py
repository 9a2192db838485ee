"""The retention sweep (PIPL Art.19, Art.47): run daily by the periodic scheduler (settings.XIAOBAO_PERIODIC_TASKS)."""

from __future__ import annotations

from django_tasks import task

from xiaobao.kernel.actors import SYSTEM
from xiaobao.rights.actions import retention_sweep


@task()
def erase_after_retention() -> int:
    """Anonymise every person whose every record is past its retention period and under no legal hold."""
    return retention_sweep(actor=SYSTEM)
