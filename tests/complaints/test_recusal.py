"""Recusal (CMP-R1): assignment refuses anyone with a direct interest, and the refusal stays on record."""

from __future__ import annotations

import pytest

from tests.support.desk import Desk
from xiaobao.audit.models import AuditEvent
from xiaobao.complaints import access, actions
from xiaobao.complaints.domain.recusal import ConflictReason, HandlerHasConflict
from xiaobao.complaints.models import Complaint, Conflict
from xiaobao.identity.models import Insurer
from xiaobao.kernel.actors import Role
from xiaobao.kernel.errors import NotFound

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("seeded_calendar")]


def _assign(desk: Desk, complaint: Complaint, staff_id: int) -> list[ConflictReason]:
    try:
        actions.complaint_assign(actor=desk.supervisor, complaint_id=complaint.pk, handler_id=staff_id)
    except HandlerHasConflict as refused:
        return refused.reasons
    return []


def test_a_handler_named_in_the_complaint_is_refused_and_the_refusal_is_on_record(desk: Desk) -> None:
    complaint = desk.in_state("accepted", involved_staff_ids=(desk.handler_staff.pk,))

    reasons = _assign(desk, complaint, desk.handler_staff.pk)

    assert reasons == [ConflictReason.NAMED_IN_COMPLAINT]
    complaint.refresh_from_db()
    assert (complaint.state, complaint.handler_id) == ("accepted", None)
    conflict = Conflict.objects.get(complaint=complaint)
    assert (conflict.staff_id, conflict.kind, conflict.reasons) == (
        desk.handler_staff.pk,
        "refused_assignment",
        ["named_in_complaint"],
    )
    refused = AuditEvent.objects.get(subject_id=str(complaint.pk), event_type="complaint.assignment_refused")
    assert refused.new_values == {"handler": desk.handler_staff.pk, "reasons": ["named_in_complaint"]}


def test_the_salesperson_of_the_policy_is_refused(desk: Desk) -> None:
    complaint = desk.in_state("accepted", policy_seller_id=desk.handler_staff.pk)
    assert _assign(desk, complaint, desk.handler_staff.pk) == [ConflictReason.SOLD_THE_POLICY]


def test_staff_of_the_involved_branch_are_refused_where_the_insurer_says_so(desk: Desk) -> None:
    city = desk.world.ours.city.pk
    complaint = desk.in_state("accepted", involved_branch_id=city)
    assert _assign(desk, complaint, desk.handler_staff.pk) == [ConflictReason.IN_INVOLVED_BRANCH]

    Insurer.objects.filter(pk=desk.world.ours.insurer.pk).update(recuse_involved_branch=False)
    other = desk.in_state("accepted", involved_branch_id=city)
    assert _assign(desk, other, desk.handler_staff.pk) == []


def test_a_handler_with_an_interest_does_not_even_see_the_complaint(desk: Desk) -> None:
    complaint = desk.in_state("accepted", involved_staff_ids=(desk.handler_staff.pk,))
    with pytest.raises(NotFound):
        access.complaint_for(desk.handler, complaint.pk)
    assert access.complaint_for(desk.other_handler, complaint.pk) == complaint


def test_a_handler_assigned_to_nothing_cannot_act_on_a_colleagues_case(desk: Desk) -> None:
    complaint = desk.in_state("assigned")
    with pytest.raises(NotFound):
        actions.complaint_investigate(actor=desk.other_handler, complaint_id=complaint.pk)


def test_supervisors_see_why_a_handler_was_refused(desk: Desk) -> None:
    complaint = desk.in_state(
        "accepted", involved_staff_ids=(desk.handler_staff.pk,), policy_seller_id=desk.handler_staff.pk
    )
    _assign(desk, complaint, desk.handler_staff.pk)

    visible = access.complaint_for(desk.supervisor, complaint.pk).conflicts.get()

    assert visible.reasons == ["named_in_complaint", "sold_the_policy"]


def test_only_handlers_and_supervisors_can_be_assigned(desk: Desk) -> None:
    complaint = desk.in_state("accepted")
    auditor, _ = desk.world.ours.staff(Role.AUDITOR)
    from xiaobao.kernel.errors import InvalidInput

    with pytest.raises(InvalidInput):
        actions.complaint_assign(actor=desk.supervisor, complaint_id=complaint.pk, handler_id=auditor.pk)
