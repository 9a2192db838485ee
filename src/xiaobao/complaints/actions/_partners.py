"""Agents and outsourcers (CHN-3, CMP-P2, SEC-2): forward with a deadline, answer through the API."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils.translation import gettext

from xiaobao.audit.recorder import record
from xiaobao.complaints import access, events
from xiaobao.complaints.actions._shared import (
    _of_insurer,
)
from xiaobao.complaints.domain.lifecycle import State, Step, next_state
from xiaobao.complaints.models import (
    PartnerForward,
)
from xiaobao.complaints.notices import tell_staff
from xiaobao.identity.domain.permissions import Permission
from xiaobao.identity.models import Partner
from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.kernel.errors import InvalidInput, PermissionDenied, TransitionNotAllowed
from xiaobao.kernel.i18n import _
from xiaobao.ops import clock
from xiaobao.privacy.access import partner_may_receive

PARTNER_DATA_CATEGORY = "complaint"


@transaction.atomic
def complaint_forward(
    *, actor: Actor, complaint_id: int, partner_id: int, summary: str, days: int = 5
) -> PartnerForward:
    """Send the part that concerns an agent or outsourcer, with its own deadline.

    Only under a data-sharing agreement in force that covers complaint data (SEC-2).
    """
    complaint = access.complaint_for(actor, complaint_id, Permission.HANDLE_COMPLAINTS, for_update=True)
    next_state(State(complaint.state), Step.FORWARD)
    partner = _of_insurer(Partner, partner_id, complaint.insurer_id)
    today = clock.today()
    if not partner_may_receive(partner_id=partner.pk, category=PARTNER_DATA_CATEGORY, on=today):
        raise PermissionDenied(_("This partner has no data-sharing agreement in force for complaints (SEC-2)."))
    if not summary.strip() or not 1 <= days <= 30:
        raise InvalidInput(_("Give the partner a summary and between 1 and 30 days to answer."))
    forward = PartnerForward.objects.create(
        complaint=complaint,
        partner=partner,
        insurer_id_copy=complaint.insurer_id,
        summary=summary.strip(),
        due=today + timedelta(days=days),
    )
    record(
        event_type=events.FORWARDED,
        actor=actor,
        subject=complaint,
        insurer_id=complaint.insurer_id,
        new={"forward": forward.pk, "partner": partner.pk, "due": forward.due.isoformat()},
    )
    return forward


@transaction.atomic
def partner_forward_answer(*, actor: Actor, forward_id: int, answer: str) -> PartnerForward:
    if actor.kind is not ActorKind.PARTNER:
        raise PermissionDenied()
    forward = access.forward_for(actor, forward_id, for_update=True)
    if forward.answered_at is not None:
        raise TransitionNotAllowed(_("This forward has already been answered."))
    if not answer.strip() or len(answer) > 10_000:
        raise InvalidInput(_("Give an answer of at most 10,000 characters."))
    forward.answer, forward.answered_at = answer.strip(), clock.now()
    forward.save(update_fields=["answer", "answered_at"])
    on_time = clock.today() <= forward.due
    record(
        event_type=events.PARTNER_ANSWERED,
        actor=actor,
        subject=forward.complaint,
        insurer_id=forward.insurer_id_copy,
        new={"forward": forward.pk, "on_time": on_time},
    )
    complaint = forward.complaint
    if complaint.handler is not None:
        tell_staff(
            actor=actor,
            staff=[complaint.handler],
            complaint=complaint,
            purpose="partner_answered",
            body=gettext("The partner answered the forwarded complaint."),
        )
    return forward
