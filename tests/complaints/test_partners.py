"""Partners (CHN-3, CMP-P2, SEC-2): forwarded under an agreement, answered through their key, timeliness counted."""

from __future__ import annotations

from datetime import date

import pytest

from tests.support.clock import SettableClock
from tests.support.desk import Desk
from xiaobao.audit.models import AuditEvent
from xiaobao.complaints import access, actions
from xiaobao.identity.actions import partner_key_issue
from xiaobao.identity.actors import actor_for_partner_key
from xiaobao.identity.models import Partner
from xiaobao.kernel.actors import SYSTEM, Role
from xiaobao.kernel.errors import NotFound, PermissionDenied

pytestmark = pytest.mark.django_db


def _partner_with_agreement(desk: Desk, categories: list[str] | None = None) -> Partner:
    return desk.world.ours.partner_under_agreement(categories or ["complaint"])


def test_a_forward_without_an_agreement_is_refused(desk: Desk) -> None:
    complaint = desk.in_state("investigating")
    partner = _partner_with_agreement(desk, categories=["complainant_contact"])
    with pytest.raises(PermissionDenied):
        actions.complaint_forward(actor=desk.handler, complaint_id=complaint.pk, partner_id=partner.pk, summary="x")


def test_a_forward_under_an_agreement_not_yet_approved_is_refused(desk: Desk) -> None:
    complaint = desk.in_state("investigating")
    partner = desk.world.ours.partner_under_agreement(approved=False)
    with pytest.raises(PermissionDenied):
        actions.complaint_forward(actor=desk.handler, complaint_id=complaint.pk, partner_id=partner.pk, summary="x")
    assert not complaint.forwards.exists()


def test_the_partner_cannot_answer_once_its_agreement_has_expired(desk: Desk, clock: SettableClock) -> None:
    complaint = desk.in_state("investigating")
    partner = desk.world.ours.partner_under_agreement(valid_until=date(2026, 3, 2))
    forward = actions.complaint_forward(
        actor=desk.handler, complaint_id=complaint.pk, partner_id=partner.pk, summary="x"
    )
    _, raw = partner_key_issue(actor=SYSTEM, partner_id=partner.pk)
    clock.set("2026-03-03 00:00")

    with pytest.raises(PermissionDenied):
        actions.partner_forward_answer(actor=actor_for_partner_key(raw), forward_id=forward.pk, answer="迟到")  # type: ignore[arg-type]

    forward.refresh_from_db()
    assert forward.answered_at is None
    assert not AuditEvent.objects.filter(event_type="complaint.partner_answered").exists()


def test_the_partner_answers_with_its_key_and_the_answer_lands_in_the_case(desk: Desk, clock: SettableClock) -> None:
    complaint = desk.in_state("investigating")
    partner = _partner_with_agreement(desk)
    forward = actions.complaint_forward(
        actor=desk.handler,
        complaint_id=complaint.pk,
        partner_id=partner.pk,
        summary="代理人销售时未说明免责条款",
        days=5,
    )
    _, raw = partner_key_issue(actor=SYSTEM, partner_id=partner.pk)
    partner_actor = actor_for_partner_key(raw)
    assert partner_actor is not None
    clock.advance(days=3)

    actions.partner_forward_answer(actor=partner_actor, forward_id=forward.pk, answer="已核实，代理人承认未充分说明。")

    forward.refresh_from_db()
    assert forward.answer == "已核实，代理人承认未充分说明。"
    answered = AuditEvent.objects.get(subject_id=str(complaint.pk), event_type="complaint.partner_answered")
    assert answered.new_values["on_time"] is True
    assert answered.actor_id == f"partner:{partner.pk}"


def test_another_partner_cannot_see_or_answer_the_forward(desk: Desk) -> None:
    complaint = desk.in_state("investigating")
    forward = actions.complaint_forward(
        actor=desk.handler, complaint_id=complaint.pk, partner_id=_partner_with_agreement(desk).pk, summary="x"
    )
    other = desk.world.theirs.partner_under_agreement()  # in force: refused for the tenant, not the agreement
    _, raw = partner_key_issue(actor=SYSTEM, partner_id=other.pk)
    intruder = actor_for_partner_key(raw)
    assert intruder is not None

    assert not access.forwards_for(intruder).exists()
    with pytest.raises(NotFound):
        actions.partner_forward_answer(actor=intruder, forward_id=forward.pk, answer="冒充答复")


def test_a_late_answer_is_counted_late(desk: Desk, clock: SettableClock) -> None:
    complaint = desk.in_state("investigating")
    partner = _partner_with_agreement(desk)
    forward = actions.complaint_forward(
        actor=desk.handler, complaint_id=complaint.pk, partner_id=partner.pk, summary="x", days=2
    )
    _, raw = partner_key_issue(actor=SYSTEM, partner_id=partner.pk)
    clock.advance(days=5)
    actions.partner_forward_answer(actor=actor_for_partner_key(raw), forward_id=forward.pk, answer="迟到的答复")  # type: ignore[arg-type]
    answered = AuditEvent.objects.get(subject_id=str(complaint.pk), event_type="complaint.partner_answered")
    assert answered.new_values["on_time"] is False


def test_partner_timeliness_is_counted(desk: Desk, clock: SettableClock) -> None:
    from xiaobao.complaints.selectors import partner_timeliness

    partner = _partner_with_agreement(desk)
    _, raw = partner_key_issue(actor=SYSTEM, partner_id=partner.pk)
    answering = actor_for_partner_key(raw)
    assert answering is not None
    forwards = [
        actions.complaint_forward(
            actor=desk.handler,
            complaint_id=desk.in_state("investigating").pk,
            partner_id=partner.pk,
            summary="请核实",
            days=2,
        )
        for _ in range(3)
    ]
    actions.partner_forward_answer(actor=answering, forward_id=forwards[0].pk, answer="按时答复")
    clock.advance(days=4)
    actions.partner_forward_answer(actor=answering, forward_id=forwards[1].pk, answer="迟到答复")

    (row,) = partner_timeliness(desk.supervisor)

    assert (row.forwarded, row.answered_on_time, row.answered_late, row.open_overdue) == (3, 1, 1, 1)
    _, other_insurer = desk.world.theirs.staff(*Role)
    assert partner_timeliness(other_insurer) == []


def _forwarded(desk: Desk, days: int = 2) -> tuple[object, Partner]:
    complaint = desk.in_state("investigating")
    partner = _partner_with_agreement(desk)
    partner.contact_email = "service@agent.example"
    partner.save(update_fields=["contact_email"])
    forward = actions.complaint_forward(
        actor=desk.handler, complaint_id=complaint.pk, partner_id=partner.pk, summary="请核实销售过程", days=days
    )
    return forward, partner


def test_an_overdue_partner_forward_is_escalated_once(desk: Desk, clock: SettableClock) -> None:
    """Before: an overdue forward reminded no one (#21)."""
    from xiaobao.notifications.models import Notification

    forward, _partner = _forwarded(desk, days=2)
    clock.advance(days=1)  # the day before
    reminded = actions.complaints_sweep()
    clock.advance(days=2)  # a day late
    first = actions.complaints_sweep()
    again = actions.complaints_sweep()

    assert (reminded.partners_reminded, first.partners_escalated, again.partners_escalated) == (1, 1, 0)
    overdue = AuditEvent.objects.filter(event_type="complaint.partner_overdue")
    assert overdue.count() == 1
    assert overdue.get().new_values["forward"] == forward.pk
    late = Notification.objects.filter(purpose="partner_overdue")
    assert {n.channel for n in late} == {"email", "in_app"}  # the partner itself, and the handler and supervisors
    assert [n.to_address for n in late.filter(channel="email")] == ["service@agent.example"]


def test_an_answered_forward_is_no_longer_chased(desk: Desk, clock: SettableClock) -> None:
    forward, partner = _forwarded(desk, days=2)
    _, raw = partner_key_issue(actor=SYSTEM, partner_id=partner.pk)
    partner_actor = actor_for_partner_key(raw)
    assert partner_actor is not None
    actions.partner_forward_answer(actor=partner_actor, forward_id=forward.pk, answer="已核实。")
    clock.advance(days=5)

    assert actions.complaints_sweep().partners_escalated == 0
    forward.refresh_from_db()
    assert forward.clock.state == "met"


def test_the_case_page_and_the_partners_page_show_how_partners_answer(desk: Desk, clock: SettableClock) -> None:
    from django.test import Client

    from xiaobao.identity.models import Staff

    forward, partner = _forwarded(desk, days=2)
    clock.advance(days=3)
    _, raw = partner_key_issue(actor=SYSTEM, partner_id=partner.pk)
    partner_actor = actor_for_partner_key(raw)
    assert partner_actor is not None
    actions.partner_forward_answer(actor=partner_actor, forward_id=forward.pk, answer="代理人已重新说明条款。")
    client = Client()
    client.force_login(Staff.objects.get(pk=desk.supervisor.staff_id).user)

    case_page = client.get(f"/workbench/complaints/{forward.complaint_id}/").content.decode()
    partners_page = client.get("/workbench/partners/").content.decode()

    assert "代理人已重新说明条款。" in case_page  # the answer's text, shown at last
    assert "逾期答复" in case_page
    assert partner.name in partners_page
    _, theirs = desk.world.theirs.staff(Role.SUPERVISOR)
    other = Client()
    other.force_login(Staff.objects.get(pk=theirs.staff_id).user)
    assert partner.name not in other.get("/workbench/partners/").content.decode()  # no tenant crossing
    assert Client().get("/workbench/partners/").status_code == 302  # anonymous: sign in first
