"""Claims: the appraisal pause, the life-insurance notice clock, home visits, reminders, retried reports,
and the permission matrix for every step."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from tests.support.claims import HOSPITAL_ITEMS, PDF, clock_of, new_claim, report, send_all
from tests.support.clock import SettableClock
from tests.support.desk import Desk
from tests.support.matrix import Cast, assert_matrix
from xiaobao.audit.models import AuditEvent
from xiaobao.claims import actions
from xiaobao.claims.domain.green_channel import HomeVisitDay, HomeVisitNotOffered
from xiaobao.claims.models import Claim, ClaimDocument, ClaimReminderSent
from xiaobao.demo.data import ELDER_RESIDENT_ID
from xiaobao.kernel.actors import Actor, ActorKind, Role
from xiaobao.kernel.errors import InvalidInput
from xiaobao.notifications.models import Notification
from xiaobao.ops.idempotency import IdempotencyKeyReused

pytestmark = pytest.mark.django_db


def events_of(claim: Claim) -> list[str]:
    return list(
        AuditEvent.objects.filter(subject_type="claims.claim", subject_id=str(claim.pk))
        .order_by("sequence")
        .values_list("event_type", flat=True)
    )


def assessing(desk: Desk) -> Claim:
    claim = report(desk)
    send_all(desk, claim, HOSPITAL_ITEMS)
    actions.claim_assess(actor=desk.handler, claim_id=claim.pk)
    return claim


def test_an_appraisal_pause_stops_the_decision_clock_and_moves_its_date(desk: Desk, clock: SettableClock) -> None:
    claim = assessing(desk)
    before = clock_of(claim, "decision").due
    with pytest.raises(InvalidInput):
        actions.claim_pause(actor=desk.handler, claim_id=claim.pk, reason="  ")

    actions.claim_pause(actor=desk.handler, claim_id=claim.pk, reason="等待伤残鉴定结论")
    assert clock_of(claim, "decision").state == "paused"
    clock.advance(days=12)
    actions.claim_resume(actor=desk.handler, claim_id=claim.pk)

    decision = clock_of(claim, "decision")
    assert (decision.state, decision.paused_days, decision.due) == ("running", 12, before + timedelta(days=12))
    assert events_of(claim)[-2:] == ["claim.paused", "claim.resumed"]
    assert Notification.objects.filter(about_id=str(claim.pk), purpose="claim_paused").exists()


def test_a_life_claim_gets_its_one_time_notice_within_five_working_days(desk: Desk) -> None:
    claim = report(desk, product_line="ordinary_life", claim_type="death")
    notice = clock_of(claim, "documents_notice")
    assert (notice.rule_id, notice.due) == ("CLM-T6", date(2026, 3, 9))
    actions.claim_request_documents(actor=desk.handler, claim_id=claim.pk)
    assert clock_of(claim, "documents_notice").state == "met"
    assert not report(desk).deadlines.filter(clock="documents_notice").exists()  # other lines: "promptly"


def test_home_visits_are_for_open_green_channel_claims_on_a_day_ahead(desk: Desk, clock: SettableClock) -> None:
    me = Actor(kind=ActorKind.CONSUMER, consumer_id=desk.complainant.pk)
    ordinary = report(desk)
    with pytest.raises(HomeVisitNotOffered):
        actions.claim_book_home_visit(actor=me, claim_id=ordinary.pk, day=date(2026, 3, 5))

    elder = desk.world.ours.consumer(name="赵大爷", resident_id=ELDER_RESIDENT_ID)
    claim = actions.claim_report(
        actor=desk.handler, insurer_id=desk.world.ours.insurer.pk, claimant_id=elder.pk, data=new_claim()
    )
    elder_actor = Actor(kind=ActorKind.CONSUMER, consumer_id=elder.pk)
    for day in (date(2026, 3, 2), date(2026, 6, 1)):
        with pytest.raises(HomeVisitDay):
            actions.claim_book_home_visit(actor=elder_actor, claim_id=claim.pk, day=day)

    actions.claim_book_home_visit(actor=elder_actor, claim_id=claim.pk, day=date(2026, 3, 4), note="三楼，先打电话")
    claim.refresh_from_db()
    assert (claim.home_visit_on, claim.home_visit_note) == (date(2026, 3, 4), "三楼，先打电话")
    assert events_of(claim)[-1] == "claim.home_visit_booked"
    purposes = set(Notification.objects.filter(about_id=str(claim.pk)).values_list("purpose", flat=True))
    assert {"claim_home_visit"} <= purposes  # the claimant, and the supervisors while no adjuster is assigned
    assert Notification.objects.filter(about_id=str(claim.pk), purpose="claim_home_visit").count() >= 2


def test_the_sweep_reminds_before_a_date_and_escalates_after_each_once(desk: Desk, clock: SettableClock) -> None:
    claim = assessing(desk)  # decision due 2026-04-01
    clock.advance(days=25)  # 5 days left
    assert actions.claims_sweep(reminder_days=(5, 2)).reminded == 1
    assert actions.claims_sweep(reminder_days=(5, 2)).reminded == 0
    clock.advance(days=3)
    assert actions.claims_sweep(reminder_days=(5, 2)).reminded == 1
    clock.advance(days=3)  # one day late
    result = actions.claims_sweep(reminder_days=(5, 2))
    assert (result.reminded, result.escalated) == (0, 1)
    assert actions.claims_sweep(reminder_days=(5, 2)).escalated == 0
    kinds = set(ClaimReminderSent.objects.filter(deadline__claim=claim).values_list("kind", flat=True))
    assert kinds == {"5d", "2d", "overdue"}
    assert events_of(claim).count("claim.escalated") == 1
    escalations = Notification.objects.filter(about_id=str(claim.pk), purpose="claim_deadline_overdue")
    assert escalations.count() == 3  # the city and province supervisors, and compliance


def test_a_retried_report_returns_the_same_claim(desk: Desk) -> None:
    def send(**overrides: object) -> Claim:
        return actions.claim_report(
            actor=desk.handler,
            insurer_id=desk.world.ours.insurer.pk,
            claimant_id=desk.complainant.pk,
            data=new_claim(**overrides),
            idempotency_key="app-7d1e",
        )

    first, again = send(), send()
    assert first.pk == again.pk
    assert Claim.objects.count() == 1
    with pytest.raises(IdempotencyKeyReused):
        send(amount_claimed=Decimal("99.00"))
    assert Claim.objects.count() == 1


def test_a_spoofed_document_is_refused_and_nothing_is_kept(desk: Desk) -> None:
    claim = report(desk)
    with pytest.raises(InvalidInput):
        actions.claim_receive_document(
            actor=desk.handler, claim_id=claim.pk, item_code="invoice", name="发票.pdf", content=b"MZ\x90\x00binary"
        )
    assert not ClaimDocument.objects.exists()
    assert "claim.document_received" not in events_of(claim)


def _ready(desk: Desk, state: str) -> Callable[[], Claim]:
    def make() -> Claim:
        claim = report(desk)
        if state == "reported":
            return claim
        send_all(desk, claim, HOSPITAL_ITEMS)
        actions.claim_assess(actor=desk.handler, claim_id=claim.pk)
        if state == "paused":
            actions.claim_pause(actor=desk.handler, claim_id=claim.pk, reason="鉴定")
        if state == "amount_agreed":
            actions.claim_agree_amount(actor=desk.handler, claim_id=claim.pk, amount=Decimal(100))
        return claim

    return make


STEPS: dict[str, tuple[str, Callable[[Actor, int], object]]] = {
    "request_documents": ("reported", lambda a, pk: actions.claim_request_documents(actor=a, claim_id=pk)),
    "receive_document": (
        "reported",
        lambda a, pk: actions.claim_receive_document(
            actor=a, claim_id=pk, item_code="invoice", name="i.pdf", content=PDF
        ),
    ),
    "assess": ("documents_complete", lambda a, pk: actions.claim_assess(actor=a, claim_id=pk)),
    "pause": ("assessing", lambda a, pk: actions.claim_pause(actor=a, claim_id=pk, reason="鉴定")),
    "resume": ("paused", lambda a, pk: actions.claim_resume(actor=a, claim_id=pk)),
    "agree_amount": (
        "assessing",
        lambda a, pk: actions.claim_agree_amount(actor=a, claim_id=pk, amount=Decimal(100)),
    ),
    "advance_payment": (
        "assessing",
        lambda a, pk: actions.claim_advance_payment(actor=a, claim_id=pk, amount=Decimal(100)),
    ),
    "pay": ("amount_agreed", lambda a, pk: actions.claim_pay(actor=a, claim_id=pk)),
    "refuse": (
        "assessing",
        lambda a, pk: actions.claim_refuse(actor=a, claim_id=pk, reasons="等待期内出险，不属保险责任", basis="第七条"),
    ),
}


@pytest.mark.parametrize("step", sorted(STEPS))
def test_every_claim_step_follows_the_matrix(desk: Desk, step: str) -> None:
    state, attempt = STEPS[step]
    cast = Cast.build(desk.world, Role.HANDLER)
    make = _ready(desk, "assessing" if state == "documents_complete" else state)

    assert_matrix(
        cast,
        lambda actor, claim: attempt(actor, claim.pk),
        {"staff_with_role"},
        given=lambda: make() if state != "documents_complete" else _complete(desk),
    )


def _complete(desk: Desk) -> Claim:
    claim = report(desk)
    send_all(desk, claim, HOSPITAL_ITEMS)
    return claim


def test_a_date_in_a_year_without_a_calendar_is_provisional_until_the_year_is_loaded(
    desk: Desk, clock: SettableClock
) -> None:
    from xiaobao.calendars.models import CalendarDay, CalendarYear
    from xiaobao.calendars.selectors import business_calendar

    clock.advance(days=268)  # 2026-11-25: the 60-day advance clock ends in 2027, not yet published
    claim = report(desk)
    advance = clock_of(claim, "advance_payment")
    assert (advance.due, advance.provisional) == (date(2027, 1, 24), True)  # the earliest it can be
    assert actions.claims_sweep().confirmed == 0

    year = CalendarYear.objects.create(year=2027, source="国务院办公厅通知（测试）")
    CalendarDay.objects.create(calendar_year=year, date=date(2027, 1, 1), kind=CalendarDay.HOLIDAY, name="元旦")
    business_calendar.cache_clear()
    try:
        assert actions.claims_sweep().confirmed == 1
        advance.refresh_from_db()
        assert (advance.due, advance.provisional) == (date(2027, 1, 25), False)  # 01-24 is a Sunday: rolled on
        assert "claim.deadline_confirmed" in events_of(claim)
    finally:
        CalendarYear.objects.filter(year=2027).delete()
        business_calendar.cache_clear()


def test_the_same_document_sent_twice_is_kept_once(desk: Desk) -> None:
    claim = report(desk)
    first = actions.claim_receive_document(
        actor=desk.handler, claim_id=claim.pk, item_code="invoice", name="发票.pdf", content=PDF
    )
    again = actions.claim_receive_document(
        actor=desk.handler, claim_id=claim.pk, item_code="invoice", name="发票(1).pdf", content=PDF
    )
    assert first.pk == again.pk
    assert ClaimDocument.objects.filter(claim=claim).count() == 1
    assert events_of(claim).count("claim.document_received") == 1


def test_booking_a_home_visit_follows_the_matrix(desk: Desk) -> None:
    cast = Cast.build(desk.world, Role.HANDLER)
    elder = desk.world.ours.consumer(name="赵大爷", resident_id=ELDER_RESIDENT_ID)

    def reported() -> object:
        return actions.claim_report(
            actor=desk.handler, insurer_id=desk.world.ours.insurer.pk, claimant_id=elder.pk, data=new_claim()
        )

    def attempt(actor: Actor, claim: Any) -> object:
        return actions.claim_book_home_visit(actor=actor, claim_id=claim.pk, day=date(2026, 3, 5))

    # The cast's consumer is not the claimant: refused like everyone outside the insurer's claims staff.
    assert_matrix(cast, attempt, {"staff_with_role"}, given=reported)
    assert actions.claim_book_home_visit(
        actor=Actor(kind=ActorKind.CONSUMER, consumer_id=elder.pk),
        claim_id=Claim.objects.filter(claimant=elder).first().pk,  # type: ignore[union-attr]
        day=date(2026, 3, 5),
    )
