"""The worker keeps the statistics' summary current (CMP-S2)."""

from __future__ import annotations

from django.conf import settings
from django_tasks import task

from xiaobao.kernel.actors import SYSTEM
from xiaobao.ops import clock
from xiaobao.reports import actions
from xiaobao.reports.domain.periods import months_before


@task()
def refresh_figures() -> int:
    """Recompute the months in which a complaint may still change: a decision within 60 days, a review asked
    within 30 days of it and decided within 30 more (CMP-T3, CMP-N2) — ``XIAOBAO_REPORT_REFRESH_MONTHS``."""
    return actions.figures_refresh(
        actor=SYSTEM, months=months_before(clock.today(), settings.XIAOBAO_REPORT_REFRESH_MONTHS)
    )
