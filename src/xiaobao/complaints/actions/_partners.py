"""Agents and outsourcers (CHN-3, CMP-P2, SEC-2): forward with a deadline, answer through the API."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from django.db import transaction
from django.utils.translation import gettext

from xiaobao.audit.recorder import record
from xiaobao.casework.actions import OVERDUE, SweepPlan
from xiaobao.complaints import access, events
from xiaobao.complaints.actions._shared import _of_insurer, _staff_with
from xiaobao.complaints.domain.lifecycle import State, Step, next_state
from xiaobao.complaints.models import ForwardClock, ForwardReminderSent, PartnerForward
from xiaobao.complaints.notices import tell_staff
from xiaobao.identity.domain.permissions import Permission
from xiaobao.identity.models import Partner, Staff
from xiaobao.kernel.actors import SYSTEM, Actor, ActorKind, Role
from xiaobao.kernel.errors import InvalidInput, PermissionDenied, TransitionNotAllowed
from xiaobao.kernel.i18n import _
from xiaobao.notifications.actions import notification_queue
from xiaobao.ops import clock
from xiaobao.privacy.access import partner_may_receive, partner_release
from xiaobao.privacy.domain.agreements import COMPLAINT_HANDLING

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
    ForwardClock.objects.create(
        forward=forward, insurer_id_copy=complaint.insurer_id, rule_id=PARTNER_RULE, start=today, due=forward.due
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
    """The partner's answer, only while an approved agreement for complaint handling is in force today (SEC-2):
    after it expires or is ended, the answer is refused and nothing changes."""
    if actor.kind is not ActorKind.PARTNER:
        raise PermissionDenied()
    partner_release(actor, on=clock.today(), purpose=COMPLAINT_HANDLING)
    forward = access.forward_for(actor, forward_id, for_update=True)
    if forward.answered_at is not None:
        raise TransitionNotAllowed(_("This forward has already been answered."))
    if not answer.strip() or len(answer) > 10_000:
        raise InvalidInput(_("Give an answer of at most 10,000 characters."))
    forward.answer, forward.answered_at = answer.strip(), clock.now()
    forward.save(update_fields=["answer", "answered_at"])
    on_time = clock.today() <= forward.due
    ForwardClock.objects.filter(forward=forward, active=True).update(
        active=False, state=ForwardClock.MET if on_time else ForwardClock.MISSED, closed_on=clock.today()
    )
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


PARTNER_RULE = "CMP-P2"
"""The partner answers within the days the handler gave it (RULES.md CMP-P2: partners must cooperate)."""


def _partner_recipients(clock_row: ForwardClock, kind: str) -> list[Staff]:
    """Before the date the handler is reminded that the partner owes an answer; once late, the supervisors too."""
    complaint = clock_row.forward.complaint
    handler = [complaint.handler] if complaint.handler else []
    if kind == OVERDUE or not handler:
        return handler + _staff_with(complaint, Role.SUPERVISOR)
    return handler


def _tell_about_partner(clock_row: ForwardClock, kind: str, days_left: int, recipients: Sequence[Staff]) -> None:
    forward = clock_row.forward
    if kind == OVERDUE:
        body = gettext("%(partner)s has not answered the forwarded complaint %(reference)s, due on %(due)s.")
    else:
        body = gettext("%(partner)s owes an answer on %(reference)s by %(due)s (%(days)s days left).")
    text = body % {
        "partner": forward.partner.name,
        "reference": forward.complaint.reference,
        "due": clock_row.due.isoformat(),
        "days": days_left,
    }
    tell_staff(actor=SYSTEM, staff=recipients, complaint=forward.complaint, purpose=f"partner_{kind}", body=text)
    if forward.partner.contact_email:  # the partner itself is reminded on the address it gave
        notification_queue(
            actor=SYSTEM,
            channel="email",
            to_address=forward.partner.contact_email,
            subject=f"{forward.complaint.reference}: {gettext('your answer is due')}",
            body=text,
            purpose=f"partner_{kind}",
            insurer_id=forward.insurer_id_copy,
            about=forward.complaint,
        )


FORWARD_PLAN: SweepPlan[ForwardClock] = SweepPlan(
    clocks=ForwardClock,
    reminders=ForwardReminderSent,
    case_of=lambda clock_row: clock_row.forward.complaint,
    related=("forward", "forward__partner", "forward__complaint", "forward__complaint__handler__user"),
    recipients=_partner_recipients,
    tell=_tell_about_partner,
    reminded=events.PARTNER_REMINDED,
    escalated=events.PARTNER_OVERDUE,
    confirmed=events.DEADLINE_CONFIRMED,  # never: a partner's date is a calendar date given, never provisional
    describe=lambda clock_row: {"forward": clock_row.forward_id, "partner": clock_row.forward.partner_id},
    recompute=lambda clock_row: None,
    confirmed_names=lambda clock_row: {"rule": clock_row.rule_id},
)
