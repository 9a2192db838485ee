"""The handler's steps: accept or decline, assign (with recusal), investigate, pause, decide, notify, close."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext, gettext_lazy

from xiaobao.audit.recorder import record
from xiaobao.complaints import access, events, remedies
from xiaobao.complaints.actions._complainant import complaint_attach
from xiaobao.complaints.actions._shared import (
    OUTCOME_TEXT,
    Upload,
    _active_deadline,
    _finish,
    _for_complainant_or_staff,
    _note_on_case,
    _of_insurer,
    _open_deadline,
    _refresh,
    _staff_with,
    _step,
)
from xiaobao.complaints.domain import clocks, recusal
from xiaobao.complaints.domain.classification import Channel
from xiaobao.complaints.domain.decisions import Decision, Outcome, check_decision
from xiaobao.complaints.domain.lifecycle import State, Step, next_state
from xiaobao.complaints.models import (
    Complaint,
    Conflict,
    Deadline,
    Message,
    Pause,
)
from xiaobao.complaints.notices import tell_complainant, tell_staff
from xiaobao.identity.domain.permissions import Permission
from xiaobao.identity.models import Staff
from xiaobao.kernel.actors import SYSTEM as SYSTEM_ACTOR
from xiaobao.kernel.actors import Actor, ActorKind, Role
from xiaobao.kernel.errors import InvalidInput, PermissionDenied
from xiaobao.kernel.i18n import _
from xiaobao.ops import clock, stored_files


@transaction.atomic
def complaint_accept(*, actor: Actor, complaint_id: int) -> Complaint:
    complaint = access.complaint_for(actor, complaint_id, Permission.TRIAGE_COMPLAINTS, for_update=True)
    old, new = _step(complaint, Step.ACCEPT)
    record(
        event_type=events.ACCEPTED,
        actor=actor,
        subject=complaint,
        insurer_id=complaint.insurer_id,
        old={"state": old},
        new={"state": new},
    )
    due = Deadline.objects.get(complaint=complaint, active=True).due
    tell_complainant(actor=actor, complaint=complaint, purpose="complaint_accepted", template="accepted", due=due)
    return complaint


@transaction.atomic
def complaint_decline(*, actor: Actor, complaint_id: int, reason: str) -> Complaint:
    """Not a complaint (e.g. a question or a request): say why, and the clock stops."""
    if not reason.strip():
        raise InvalidInput(_("Say why this is not accepted as a complaint: the complainant is told."))
    complaint = access.complaint_for(actor, complaint_id, Permission.TRIAGE_COMPLAINTS, for_update=True)
    complaint.declined_reason = reason.strip()
    old, new = _step(complaint, Step.DECLINE, "declined_reason")
    _finish(complaint)
    record(
        event_type=events.DECLINED,
        actor=actor,
        subject=complaint,
        insurer_id=complaint.insurer_id,
        old={"state": old},
        new={"state": new, "reason_on_case": "declined_reason"},  # its text stays on the case, never in the log
    )
    tell_complainant(
        actor=actor,
        complaint=complaint,
        purpose="complaint_declined",
        template="declined",
        reason=complaint.declined_reason,
    )
    return complaint


def interest_facts(complaint: Complaint) -> recusal.InterestFacts:
    return recusal.InterestFacts(
        named_staff_ids=set(complaint.involved_staff.values_list("pk", flat=True)),
        policy_seller_staff_id=complaint.policy_seller_id,
        involved_branch_id=complaint.involved_branch_id,
        declared_conflict_staff_ids=set(
            complaint.conflicts.filter(kind=Conflict.DECLARED).values_list("staff_id", flat=True)
        ),
        recuse_involved_branch=complaint.insurer.recuse_involved_branch,
    )


def complaint_assign(*, actor: Actor, complaint_id: int, handler_id: int) -> Complaint:
    """Assign an investigator with no direct interest (CMP-R1).

    A refused assignment is recorded (conflict row and audit event) and stays
    recorded: the refusal is committed before ``HandlerHasConflict`` is raised.
    """
    complaint, reasons = _assign_or_record_refusal(actor=actor, complaint_id=complaint_id, handler_id=handler_id)
    if reasons:
        described = "、".join(gettext(recusal.REASON_TEXT[r]) for r in reasons)
        raise recusal.HandlerHasConflict(reasons, described)
    return complaint


@transaction.atomic
def _assign_or_record_refusal(
    *, actor: Actor, complaint_id: int, handler_id: int
) -> tuple[Complaint, list[recusal.ConflictReason]]:
    complaint = access.complaint_for(actor, complaint_id, Permission.ASSIGN_COMPLAINTS, for_update=True)
    handler = _of_insurer(Staff, handler_id, complaint.insurer_id)
    if not handler.active or not handler.role_grants.filter(role__in=[Role.HANDLER, Role.SUPERVISOR]).exists():
        raise InvalidInput(_("Only an active complaint handler or supervisor can investigate a complaint."))
    next_state(State(complaint.state), Step.ASSIGN)  # refuse early if the step is not allowed now
    reasons = recusal.conflicts(handler.pk, handler.branch_id, interest_facts(complaint))
    if reasons:
        Conflict.objects.create(
            complaint=complaint, staff=handler, kind=Conflict.REFUSED, reasons=[r.value for r in reasons]
        )
        record(
            event_type=events.ASSIGNMENT_REFUSED,
            actor=actor,
            subject=complaint,
            insurer_id=complaint.insurer_id,
            new={"handler": handler.pk, "reasons": [r.value for r in reasons]},
        )
        return complaint, reasons
    previous = complaint.handler_id
    complaint.handler = handler
    old, new = _step(complaint, Step.ASSIGN, "handler")
    record(
        event_type=events.ASSIGNED,
        actor=actor,
        subject=complaint,
        insurer_id=complaint.insurer_id,
        old={"state": old, "handler": previous},
        new={"state": new, "handler": handler.pk},
    )
    if previous is None:
        tell_complainant(actor=actor, complaint=complaint, purpose="complaint_assigned", template="assigned")
    return complaint, []


@transaction.atomic
def complaint_declare_conflict(*, actor: Actor, complaint_id: int, note: str) -> Complaint:
    """A handler who finds a direct interest steps aside; the case returns to the supervisor."""
    complaint = access.complaint_for(actor, complaint_id, Permission.HANDLE_COMPLAINTS, for_update=True)
    if actor.staff_id != complaint.handler_id:
        raise PermissionDenied()
    assert actor.staff_id is not None
    Conflict.objects.create(
        complaint=complaint, staff_id=actor.staff_id, kind=Conflict.DECLARED, reasons=["declared"], note=note[:500]
    )
    complaint.handler = None
    old, new = _step(complaint, Step.DECLARE_CONFLICT, "handler")
    record(
        event_type=events.CONFLICT_DECLARED,
        actor=actor,
        subject=complaint,
        insurer_id=complaint.insurer_id,
        old={"state": old, "handler": actor.staff_id},
        new={"state": new, "handler": None},
    )
    tell_staff(
        actor=actor,
        staff=_staff_with(complaint, Role.SUPERVISOR),
        complaint=complaint,
        purpose="reassign",
        body=gettext("A handler declared a conflict of interest: please assign another."),
    )
    return complaint


@transaction.atomic
def complaint_investigate(*, actor: Actor, complaint_id: int) -> Complaint:
    complaint = access.complaint_for(actor, complaint_id, Permission.HANDLE_COMPLAINTS, for_update=True)
    old, new = _step(complaint, Step.INVESTIGATE)
    record(
        event_type=events.INVESTIGATING,
        actor=actor,
        subject=complaint,
        insurer_id=complaint.insurer_id,
        old={"state": old},
        new={"state": new},
    )
    return complaint


@transaction.atomic
def complaint_pause(*, actor: Actor, complaint_id: int, kind: str, note: str = "") -> Complaint:
    """External appraisal or mediation: the clock stands still (CMP-T4)."""
    if kind not in {Pause.APPRAISAL, Pause.MEDIATION}:
        raise InvalidInput(_("A complaint pauses only for external appraisal or mediation."))
    complaint = access.complaint_for(actor, complaint_id, Permission.HANDLE_COMPLAINTS, for_update=True)
    old, new = _step(complaint, Step.PAUSE)
    Pause.objects.create(complaint=complaint, kind=kind, started_on=clock.today(), note=note[:300])
    deadline = _refresh(_active_deadline(complaint), complaint, paused=True)
    record(
        event_type=events.PAUSED,
        actor=actor,
        subject=complaint,
        insurer_id=complaint.insurer_id,
        old={"state": old},
        new={"state": new, "kind": kind, "due_if_resumed_today": deadline.due.isoformat()},
    )
    tell_complainant(actor=actor, complaint=complaint, purpose="complaint_paused", template="paused", kind=kind)
    return complaint


@transaction.atomic
def complaint_resume(*, actor: Actor, complaint_id: int) -> Complaint:
    complaint = access.complaint_for(actor, complaint_id, Permission.HANDLE_COMPLAINTS, for_update=True)
    old, new = _step(complaint, Step.RESUME)
    complaint.pauses.filter(ended_on__isnull=True).update(ended_on=clock.today())
    deadline = _refresh(_active_deadline(complaint), complaint, paused=False)
    record(
        event_type=events.RESUMED,
        actor=actor,
        subject=complaint,
        insurer_id=complaint.insurer_id,
        old={"state": old},
        new={"state": new, "due": deadline.due.isoformat(), "paused_days": deadline.paused_days},
    )
    tell_complainant(
        actor=actor, complaint=complaint, purpose="complaint_resumed", template="resumed", due=deadline.due
    )
    return complaint


@transaction.atomic
def complaint_new_facts(*, actor: Actor, complaint_id: int, note: str) -> Complaint:
    """New facts or material restart the clock from the day they are received (CMP-T5)."""
    complaint = access.complaint_for(actor, complaint_id, Permission.HANDLE_COMPLAINTS, for_update=True)
    next_state(State(complaint.state), Step.NEW_FACTS)
    old = _finish(complaint, superseded=True)
    deadline = _open_deadline(complaint, clocks.RULE_OF[clocks.Complexity(complaint.complexity)], clock.today())
    message = _note_on_case(actor, complaint, note)  # staff words about the person: with the case, not in the log
    record(
        event_type=events.NEW_FACTS,
        actor=actor,
        subject=complaint,
        insurer_id=complaint.insurer_id,
        old={"due": old.due.isoformat() if old else None},
        new={"restart": deadline.start.isoformat(), "due": deadline.due.isoformat(), "note_message": message},
    )
    tell_complainant(
        actor=actor, complaint=complaint, purpose="complaint_restarted", template="new_facts", due=deadline.due
    )
    return complaint


@transaction.atomic
def complaint_decide(*, actor: Actor, complaint_id: int, decision: Decision) -> Complaint:
    """Record the decision (CMP-N1: facts, basis, reasons, outcome, remedy)."""
    check_decision(decision)
    complaint = access.complaint_for(actor, complaint_id, Permission.HANDLE_COMPLAINTS, for_update=True)
    complaint.outcome, complaint.findings, complaint.basis = decision.outcome.value, decision.findings, decision.basis
    complaint.reasons, complaint.remedy, complaint.decided_at = decision.reasons, decision.remedy, clock.now()
    old, new = _step(complaint, Step.DECIDE, "outcome", "findings", "basis", "reasons", "remedy", "decided_at")
    record(
        event_type=events.DECIDED,
        actor=actor,
        subject=complaint,
        insurer_id=complaint.insurer_id,
        old={"state": old},
        new={"state": new, "outcome": complaint.outcome},
    )
    return complaint


@transaction.atomic
def complaint_send_decision(*, actor: Actor, complaint_id: int) -> Complaint:
    """Send the decision notice on the complainant's channel; the clock is met if it goes out in time (CMP-N3)."""
    complaint = access.complaint_for(actor, complaint_id, Permission.HANDLE_COMPLAINTS, for_update=True)
    complaint.notified_at = clock.now()
    old, new = _step(complaint, Step.NOTIFY, "notified_at")
    deadline = _finish(complaint)
    notice = tell_complainant(
        actor=actor,
        complaint=complaint,
        purpose="decision_notice",
        template="decision",
        outcome_text=gettext_lazy(OUTCOME_TEXT[Outcome(complaint.outcome)]),
        **remedies.notice_context(complaint),
    )
    record(
        event_type=events.NOTIFIED,
        actor=actor,
        subject=complaint,
        insurer_id=complaint.insurer_id,
        old={"state": old},
        new={
            "state": new,
            "notice": str(notice.pk),
            "deadline": deadline.state if deadline else None,
            # INC-E3, INC-3: whether a priority complainant's case met its shorter internal target
            **({"target_met": clock.today() <= deadline.target} if deadline and deadline.target else {}),
        },
    )
    return complaint


@transaction.atomic
def complaint_close(*, actor: Actor, complaint_id: int) -> Complaint:
    complaint = access.complaint_for(actor, complaint_id, Permission.HANDLE_COMPLAINTS, for_update=True)
    complaint.closed_at = clock.now()
    old, new = _step(complaint, Step.CLOSE, "closed_at")
    record(
        event_type=events.CLOSED,
        actor=actor,
        subject=complaint,
        insurer_id=complaint.insurer_id,
        old={"state": old},
        new={"state": new},
    )
    tell_complainant(actor=actor, complaint=complaint, purpose="complaint_closed", template="closed")
    return complaint


@transaction.atomic
def complaint_request_information(*, actor: Actor, complaint_id: int, text: str) -> Complaint:
    """Ask the complainant for what is missing, all of it in one request; they answer by sending files."""
    from xiaobao.complaints.models import InformationRequest

    complaint = access.complaint_for(actor, complaint_id, Permission.HANDLE_COMPLAINTS, for_update=True)
    next_state(State(complaint.state), Step.REQUEST_INFORMATION)
    if not text.strip() or len(text) > 2000:
        raise InvalidInput(_("Say what you need from the complainant (at most 2,000 characters)."))
    InformationRequest.objects.create(
        complaint=complaint, text=text.strip(), requested_at=clock.now(), requested_by_id=actor.staff_id
    )
    record(
        event_type=events.INFORMATION_REQUESTED,
        actor=actor,
        subject=complaint,
        insurer_id=complaint.insurer_id,
        new={"length": len(text.strip())},
    )
    tell_complainant(
        actor=actor,
        complaint=complaint,
        purpose="information_requested",
        template="information_requested",
        text=text.strip(),
    )
    return complaint


@stored_files.atomic  # its files are deleted again if the message fails after they were stored
def complaint_add_message(
    *, actor: Actor, complaint_id: int, channel: Channel | str, text: str, uploads: list[Upload] | None = None
) -> Complaint:
    """A further message on an existing case from any channel (a reply email, a call): kept with the case and
    shown on its timeline; the handler is told and decides whether it brings new facts (CMP-T5)."""
    complaint = (
        access.complaint_for_system(complaint_id)
        if actor.kind is ActorKind.SYSTEM
        else _for_complainant_or_staff(actor, complaint_id)
    )
    if len(text) > 10_000:
        raise InvalidInput(_("%(field)s is too long: at most %(limit)s characters."), field="text", limit=10_000)
    message = Message.objects.create(
        complaint=complaint,
        channel=Channel(channel).value,
        text=text,
        received_at=clock.now(),
        received_by=actor.audit_id,
    )
    record(
        event_type=events.MESSAGE_RECEIVED,
        actor=actor,
        subject=complaint,
        insurer_id=complaint.insurer_id,
        new={"channel": message.channel, "length": len(text), "message": message.pk},
    )
    if uploads:
        complaint_attach(actor=SYSTEM_ACTOR, complaint_id=complaint.pk, uploads=uploads)
    recipients = [complaint.handler] if complaint.handler else _staff_with(complaint, Role.SUPERVISOR)
    tell_staff(
        actor=actor,
        staff=recipients,
        complaint=complaint,
        purpose="message_received",
        body=gettext("A further message arrived (%(channel)s): %(text)s")
        % {"channel": Channel(channel).value, "text": text[:500]},
    )
    return complaint
