"""Claims: one complete request, clocks from RULES.md, refusals with reasons, green channel, permissions, tenancy."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.support.claims import HOSPITAL_ITEMS, PDF, clock_of, new_claim, report, send_all
from tests.support.clock import SettableClock
from tests.support.desk import Desk
from tests.support.matrix import Cast, assert_matrix
from xiaobao.audit.models import AuditEvent
from xiaobao.claims import actions
from xiaobao.claims.domain.clocks import RefusalNeedsReasons
from xiaobao.claims.domain.documents import SecondRequestNeedsNewFact
from xiaobao.claims.models import Claim, DocumentRequest
from xiaobao.demo.data import ELDER_RESIDENT_ID
from xiaobao.kernel.actors import SYSTEM, Actor, ActorKind, Role
from xiaobao.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_the_first_request_lists_every_missing_item_once(desk: Desk) -> None:
    claim = report(desk)
    send_all(desk, claim, ["claim_form"])

    request = actions.claim_request_documents(actor=desk.handler, claim_id=claim.pk)

    assert request.items == ["id_card", "invoice", "discharge_summary", "bank_card"]
    notice = Notification.objects.get(about_id=str(claim.pk), purpose="claim_documents_requested")
    for name in ("被保险人身份证", "医疗费用发票", "出院小结", "收款银行卡"):
        assert name in notice.body
    assert "理赔申请书" not in notice.body


def test_a_first_request_that_leaves_something_out_is_refused(desk: Desk) -> None:
    claim = report(desk)
    from xiaobao.kernel.errors import InvalidInput

    with pytest.raises(InvalidInput):
        actions.claim_request_documents(actor=desk.handler, claim_id=claim.pk, items=["invoice"])
    assert not DocumentRequest.objects.exists()


def test_a_second_request_without_a_stated_new_fact_is_refused_and_audited_when_allowed(desk: Desk) -> None:
    claim = report(desk)
    actions.claim_request_documents(actor=desk.handler, claim_id=claim.pk)

    with pytest.raises(SecondRequestNeedsNewFact):
        actions.claim_request_documents(actor=desk.handler, claim_id=claim.pk, items=["police_report"])
    second = actions.claim_request_documents(
        actor=desk.handler,
        claim_id=claim.pk,
        items=["police_report"],
        new_fact="出院小结显示受伤系交通事故所致，需交警事故认定书。",
    )

    assert second.new_fact.startswith("出院小结显示")
    event = AuditEvent.objects.filter(subject_id=str(claim.pk), event_type="claim.documents_requested").last()
    assert event is not None
    assert event.new_values["request"] == 2
    assert "交通事故" in event.new_values["new_fact"]


def test_complete_documents_start_the_30_day_decision_clock_then_payment_within_10_days(
    desk: Desk, clock: SettableClock
) -> None:
    claim = report(desk)
    send_all(desk, claim, HOSPITAL_ITEMS)
    claim.refresh_from_db()
    assert claim.state == "documents_complete"
    decision = clock_of(claim, "decision")
    assert (decision.rule_id, decision.start, decision.due) == ("CLM-T2", date(2026, 3, 2), date(2026, 4, 1))

    actions.claim_assess(actor=desk.handler, claim_id=claim.pk)
    clock.advance(days=5)
    actions.claim_agree_amount(actor=desk.handler, claim_id=claim.pk, amount=Decimal("12000.00"))
    payment = clock_of(claim, "payment")
    assert (payment.rule_id, payment.due) == ("CLM-T3", date(2026, 3, 17))
    assert clock_of(claim, "decision").state == "met"
    actions.claim_pay(actor=desk.handler, claim_id=claim.pk)
    claim.refresh_from_db()
    assert (claim.state, claim.paid_amount) == ("paid", Decimal("12000.00"))
    assert clock_of(claim, "payment").state == "met"


def test_the_contract_may_set_a_shorter_decision_limit(desk: Desk) -> None:
    claim = report(desk, contract_decision_days=10)
    send_all(desk, claim, HOSPITAL_ITEMS)
    assert clock_of(claim, "decision").due == date(2026, 3, 12)


def test_a_simple_life_claim_runs_on_five_working_days(desk: Desk) -> None:
    claim = report(desk, product_line="ordinary_life", claim_type="death")
    send_all(desk, claim, ["claim_form", "death_certificate", "beneficiary_id", "relationship_proof"])
    decision = clock_of(claim, "decision")
    assert (decision.rule_id, decision.due) == ("CLM-T6", date(2026, 3, 9))


def test_the_advance_payment_clock_runs_60_days_from_the_claim(desk: Desk) -> None:
    claim = report(desk)
    advance = clock_of(claim, "advance_payment")
    assert (advance.rule_id, advance.due) == ("CLM-T5", date(2026, 5, 6))  # 05-01 falls in Labour Day


def test_a_refusal_without_reasons_is_refused_and_a_proper_one_sends_the_written_notice(desk: Desk) -> None:
    claim = report(desk)
    send_all(desk, claim, HOSPITAL_ITEMS)
    actions.claim_assess(actor=desk.handler, claim_id=claim.pk)

    with pytest.raises(RefusalNeedsReasons):
        actions.claim_refuse(actor=desk.handler, claim_id=claim.pk, reasons="不赔", basis="")
    assert Claim.objects.get(pk=claim.pk).state == "assessing"

    actions.claim_refuse(
        actor=desk.handler,
        claim_id=claim.pk,
        reasons="住院发生在等待期内，不属于保险责任。",
        basis="保险合同第七条（等待期）",
    )
    notice = Notification.objects.get(about_id=str(claim.pk), purpose="claim_refusal_notice")
    assert "等待期内" in notice.body
    assert "合同第七条" in notice.body
    assert clock_of(claim, "refusal_notice").state == "met"


def test_elderly_and_disabled_claimants_are_in_the_green_channel_with_shorter_targets(desk: Desk) -> None:
    elder = desk.world.ours.consumer(name="王淑芬", resident_id=ELDER_RESIDENT_ID, visually_impaired=True)
    claim = actions.claim_report(
        actor=desk.handler, insurer_id=desk.world.ours.insurer.pk, claimant_id=elder.pk, data=new_claim()
    )
    assert claim.green_channel == ["elderly", "disabled"]
    send_all(desk, claim, ["claim_form", "id_card", "invoice", "discharge_summary"])  # bank card waived
    decision = clock_of(claim, "decision")
    assert (decision.due - decision.start).days == 30
    assert (decision.target - decision.start).days == 15


def test_a_declared_emergency_flags_claims_inside_its_area_and_dates(desk: Desk) -> None:
    inside = report(desk, incident_region="210202", incident_date=date(2026, 2, 25))
    outside_area = report(desk, incident_region="210102", incident_date=date(2026, 2, 25), description="另一起")
    outside_dates = report(desk, incident_region="210202", incident_date=date(2026, 1, 5), description="更早的一起")

    actions.emergency_declare(
        actor=SYSTEM, name="大连暴雨", region_prefixes=["2102"], first_day=date(2026, 2, 20), last_day=date(2026, 2, 28)
    )

    flagged = {c.pk: c.green_channel for c in Claim.objects.all()}
    assert flagged[inside.pk] == ["major_emergency"]
    assert flagged[outside_area.pk] == []
    assert flagged[outside_dates.pk] == []
    later = report(desk, incident_region="210203", incident_date=date(2026, 2, 27), description="宣布后报案")
    assert later.green_channel == ["major_emergency"]


def test_only_the_platform_declares_an_emergency(desk: Desk) -> None:
    from xiaobao.kernel.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.emergency_declare(
            actor=desk.supervisor,
            name="x",
            region_prefixes=["21"],
            first_day=date(2026, 1, 1),
            last_day=date(2026, 1, 2),
        )


def test_handling_claims_follows_the_matrix(desk: Desk) -> None:
    cast = Cast.build(desk.world, Role.HANDLER)
    assert_matrix(
        cast,
        lambda a, claim: actions.claim_request_documents(actor=a, claim_id=claim.pk),
        {"staff_with_role"},
        given=lambda: report(desk),
    )


def test_a_claimant_sends_documents_for_their_own_claim_only(desk: Desk) -> None:
    from xiaobao.kernel.errors import NotFound

    claim = report(desk)
    me = Actor(kind=ActorKind.CONSUMER, consumer_id=desk.complainant.pk)
    stranger = Actor(kind=ActorKind.CONSUMER, consumer_id=desk.world.ours.consumer(name="路人").pk)

    actions.claim_receive_document(actor=me, claim_id=claim.pk, item_code="invoice", name="发票.pdf", content=PDF)
    with pytest.raises(NotFound):
        actions.claim_receive_document(
            actor=stranger, claim_id=claim.pk, item_code="invoice", name="x.pdf", content=PDF
        )


def test_another_insurers_adjuster_cannot_touch_the_claim(desk: Desk) -> None:
    from xiaobao.kernel.errors import NotFound

    claim = report(desk)
    _, theirs = desk.world.theirs.staff(Role.HANDLER, Role.SUPERVISOR)
    with pytest.raises(NotFound):
        actions.claim_assess(actor=theirs, claim_id=claim.pk)
    with pytest.raises(NotFound):
        actions.claim_request_documents(actor=theirs, claim_id=claim.pk)
