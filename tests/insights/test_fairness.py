"""INC-4 over stored complaints: a month's decided complaints compared across consumer groups, the planted
disparity flagged on the page, and the monthly report put in compliance's inbox once."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pytest
from django.test import Client

from tests.conftest import World
from tests.insights.conftest import complaint
from tests.support.clock import SHANGHAI, SettableClock
from xiaobao.audit.models import AuditEvent
from xiaobao.insights.actions import fairness_monthly
from xiaobao.insights.domain.fairness import Measure
from xiaobao.insights.models import FairnessReportSent
from xiaobao.insights.selectors import fairness_report
from xiaobao.kernel.actors import Role
from xiaobao.notifications.models import Notification

pytestmark = pytest.mark.django_db


def decided_month(world: World, *, seed: int, late_disabled: float, n: int = 160) -> None:
    """February 2026: ``n`` complaints decided in about 12 days (noise sd ≈ 5), upheld 40 %; those of people with
    disabilities (about one in five) decided ``late_disabled`` days later."""
    rng = random.Random(seed)
    people = [world.ours.consumer(birth_year=year, preferred_language=lang)
              for year in (1950, 1975, 1995) for lang in ("zh-hans", "ko")]  # fmt: skip
    for i in range(n):
        disabled = rng.random() < 0.2
        days = rng.gammavariate(6.0, 2.0) + (late_disabled if disabled else 0)
        decided = datetime(2026, 2, 1, 9, 0, tzinfo=SHANGHAI) + timedelta(hours=i * 4)
        complaint(world.ours, people[i % len(people)], "理赔被拒", decided - timedelta(days=days), decided_at=decided,
                  outcome="upheld" if rng.random() < 0.4 else "not_upheld", disabled=disabled)  # fmt: skip


def test_a_disparity_planted_in_stored_complaints_is_flagged(world: World, clock: SettableClock) -> None:
    decided_month(world, seed=11, late_disabled=5)
    _, officer = world.ours.staff(Role.COMPLIANCE_OFFICER)
    report = fairness_report(officer, world.ours.insurer.pk, date(2026, 2, 1))
    assert report.cases == 160
    assert {(t.dimension, t.group, t.measure) for t in report.tests if t.flagged} == {
        ("disability", "yes", Measure.TIME)
    }


def test_a_fair_month_is_not_flagged(world: World, clock: SettableClock) -> None:
    decided_month(world, seed=12, late_disabled=0)
    _, officer = world.ours.staff(Role.COMPLIANCE_OFFICER)
    assert fairness_report(officer, world.ours.insurer.pk, date(2026, 2, 1)).flagged == 0


def test_the_page_shows_the_flag_with_its_confidence_for_the_chosen_month(world: World, clock: SettableClock) -> None:
    decided_month(world, seed=11, late_disabled=5)
    staff, _ = world.ours.staff(Role.COMPLIANCE_OFFICER)
    client = Client()
    client.force_login(staff.user)
    page = client.get("/workbench/fairness/", {"month": "2026-02"}).content.decode()
    assert 'class="flagged"' in page
    assert page.count('class="flagged"') == 1
    assert "160" in page
    # the other insurer's compliance sees its own (empty) month: none of our figures
    theirs, _ = world.theirs.staff(Role.COMPLIANCE_OFFICER)
    client.force_login(theirs.user)
    other = client.get("/workbench/fairness/", {"month": "2026-02"}).content.decode()
    assert 'class="flagged"' not in other


def test_the_monthly_report_reaches_compliance_once(world: World, clock: SettableClock) -> None:
    # given February's complaints with the planted disparity, and compliance officers of both insurers
    decided_month(world, seed=11, late_disabled=5)
    officer, _ = world.ours.staff(Role.COMPLIANCE_OFFICER)
    handler, _ = world.ours.staff(Role.HANDLER)
    theirs, _ = world.theirs.staff(Role.COMPLIANCE_OFFICER)
    # when the task runs in March, twice
    assert fairness_monthly(today=date(2026, 3, 2)) == 2
    assert fairness_monthly(today=date(2026, 3, 3)) == 0
    # then our compliance officer has one notice saying a group was flagged, the handler none
    (notice,) = Notification.objects.filter(staff=officer, purpose="fairness_monthly")
    assert "FAIR-2026-02" in notice.subject
    assert not Notification.objects.filter(staff=handler, purpose="fairness_monthly").exists()
    assert Notification.objects.filter(staff=theirs, purpose="fairness_monthly").count() == 1
    sent = FairnessReportSent.objects.get(insurer=world.ours.insurer)
    assert sent.flagged == 1
    assert AuditEvent.objects.filter(event_type="insights.fairness_reported").count() == 2


def test_a_month_that_is_not_one_is_refused_and_kept_on_the_form(world: World, clock: SettableClock) -> None:
    staff, _ = world.ours.staff(Role.COMPLIANCE_OFFICER)
    client = Client()
    client.force_login(staff.user)
    answer = client.get("/workbench/fairness/", {"month": "2026-13"})
    assert answer.status_code == 400
    assert 'value="2026-13"' in answer.content.decode()
    assert 'role="alert"' in answer.content.decode()
