"""The worker's recount of the statistics' summary (CMP-S2, ADR 0019)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import World
from tests.reports.generated import Generated
from xiaobao.kernel.actors import Role
from xiaobao.kernel.errors import PermissionDenied
from xiaobao.reports import actions, tasks
from xiaobao.reports.models import MonthFigure


def test_a_recount_replaces_a_months_figures_and_adds_none_twice(world: World, generated: Generated) -> None:
    from xiaobao.kernel.actors import SYSTEM

    before = MonthFigure.objects.filter(month=date(2026, 8, 1)).count()
    actions.figures_refresh(actor=SYSTEM, months=[date(2026, 8, 1)])
    assert MonthFigure.objects.filter(month=date(2026, 8, 1)).count() == before
    received = sum(f.received for f in MonthFigure.objects.filter(month=date(2026, 8, 1), dimension="all"))
    assert received == sum(1 for c in generated.complaints if c.received_on.strftime("%Y-%m") == "2026-08")


def test_staff_cannot_recount(world: World) -> None:
    _staff, compliance = world.ours.staff(Role.COMPLIANCE_OFFICER)
    with pytest.raises(PermissionDenied):
        actions.figures_refresh(actor=compliance, months=[date(2026, 8, 1)])
    assert not MonthFigure.objects.exists()


def test_the_periodic_task_recounts_the_recent_months(world: World, generated: Generated, settings) -> None:  # type: ignore[no-untyped-def]
    MonthFigure.objects.all().delete()
    settings.XIAOBAO_REPORT_REFRESH_MONTHS = 3  # the clock stands at 2026-10-15: August to October
    tasks.refresh_figures.call()
    assert sorted({f.month for f in MonthFigure.objects.all()}) == [
        date(2026, 8, 1),
        date(2026, 9, 1),
        date(2026, 10, 1),
    ]
