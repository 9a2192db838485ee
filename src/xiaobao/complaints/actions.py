"""The only code that writes complaints. One function per step of the lifecycle (DESIGN.md).

Each step: fetch through ``complaints.access`` with a row lock, ask the
domain whether it is allowed, save with ``update_fields``, record one audit
event, and queue what the complainant or staff must be told — all in one
transaction.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils.translation import gettext, gettext_lazy

from xiaobao.audit.recorder import record
from xiaobao.calendars.selectors import business_calendar
from xiaobao.complaints import access, events
from xiaobao.complaints.domain import clocks, recusal
from xiaobao.complaints.domain.classification import GROUP_COMPLAINT_THRESHOLD, Channel, ProductLine, Reason
from xiaobao.complaints.domain.decisions import REMEDY_TEXT, Decision, Outcome, check_decision
from xiaobao.complaints.domain.intake import check_intake
from xiaobao.complaints.domain.lifecycle import State, Step, next_state
from xiaobao.complaints.models import (
    Attachment,
    Complaint,
    Conflict,
    Deadline,
    Extension,
    IdempotentRequest,
    PartnerForward,
    Pause,
)
from xiaobao.complaints.notices import tell_complainant, tell_staff
from xiaobao.deadlines import clock as deadline_clock
from xiaobao.deadlines.rules import DEFAULT as RULES
from xiaobao.identity import access as identity_access
from xiaobao.identity import actions as identity_actions
from xiaobao.identity.actions import ConsumerDetails
from xiaobao.identity.domain.permissions import Permission
from xiaobao.identity.models import Branch, Consumer, Insurer, Partner, Staff
from xiaobao.kernel.actors import SYSTEM as SYSTEM_ACTOR
from xiaobao.kernel.actors import Actor, ActorKind, Role
from xiaobao.kernel.errors import InvalidInput, NotFound, PermissionDenied, TransitionNotAllowed
from xiaobao.kernel.i18n import _
from xiaobao.notifications.models import Status
from xiaobao.ops import clock
from xiaobao.privacy.access import partner_may_receive
from xiaobao.privacy.keys import blind_indexer

ELDERLY_AGE = 60


# -- registration ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewComplaint:
    handling_branch_id: int
    channel: Channel
    received_at: datetime
    product_line: ProductLine
    reason: Reason
    description: str
    complainant_id: int | None = None
    complainant: ConsumerDetails | None = None
    requested_outcome: str = ""
    policy_number: str = ""
    claim_reference: str = ""
    group_size: int = 1
    major_emergency: bool = False
    involved_staff_ids: tuple[int, ...] = field(default_factory=tuple)
    involved_partner_ids: tuple[int, ...] = field(default_factory=tuple)
    involved_branch_id: int | None = None
    policy_seller_id: int | None = None


class IdempotencyKeyReused(InvalidInput):
    code = "idempotency_key_reused"
    default_message = _("This Idempotency-Key was already used for a different request.")


def complaint_register(
    *, actor: Actor, data: NewComplaint, insurer_id: int | None = None, idempotency_key: str | None = None
) -> Complaint:
    """Register a complaint (CMP-A1) and start its 15-day clock from the day it was received (CMP-T1, CMP-T7).

    A retried request with the same ``idempotency_key`` returns the first complaint.
    """
    for attempt in range(2):
        try:
            return _register(actor=actor, data=data, insurer_id=insurer_id, idempotency_key=idempotency_key)
        except IntegrityError:
            # A concurrent request with the same key won the race; the retry finds its complaint.
            if attempt == 1 or idempotency_key is None:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def _register(*, actor: Actor, data: NewComplaint, insurer_id: int | None, idempotency_key: str | None) -> Complaint:
    insurer_id = _intake_insurer(actor, insurer_id)
    request_hash = hashlib.sha256(json.dumps(asdict(data), sort_keys=True, default=str).encode()).hexdigest()
    if idempotency_key:
        previous = _previous_result(actor, idempotency_key, request_hash)
        if previous is not None:
            return previous

    now = clock.now()
    check_intake(
        received_at=data.received_at,
        now=now,
        description=data.description,
        requested_outcome=data.requested_outcome,
        group_size=data.group_size,
    )
    branch = _of_insurer(Branch, data.handling_branch_id, insurer_id)
    involved_staff = [_of_insurer(Staff, pk, insurer_id) for pk in data.involved_staff_ids]
    involved_partners = [_of_insurer(Partner, pk, insurer_id) for pk in data.involved_partner_ids]
    involved_branch = _of_insurer(Branch, data.involved_branch_id, insurer_id) if data.involved_branch_id else None
    seller = _of_insurer(Staff, data.policy_seller_id, insurer_id) if data.policy_seller_id else None

    consumer = _complainant(actor, data, insurer_id)

    fingerprint = _fingerprint(insurer_id, consumer.pk, data.policy_number, data.description)
    duplicate = _recent_duplicate(fingerprint)
    if duplicate is not None:
        record(
            event_type=events.DUPLICATE_LINKED,
            actor=actor,
            subject=duplicate,
            insurer_id=insurer_id,
            new={"channel": Channel(data.channel).value},
        )
        duplicate.linked_duplicate = True  # type: ignore[attr-defined]
        return duplicate

    received_on = clock.statutory_date_of(data.received_at)
    access_code = f"{secrets.randbelow(10**8):08d}"
    complaint = Complaint.objects.create(
        fingerprint=fingerprint,
        insurer_id=insurer_id,
        handling_branch=branch,
        channel=Channel(data.channel).value,
        received_at=data.received_at,
        received_on=received_on,
        registered_at=now,
        complainant=consumer,
        policy_number=data.policy_number,
        claim_reference=data.claim_reference,
        product_line=ProductLine(data.product_line).value,
        reason=Reason(data.reason).value,
        description=data.description,
        requested_outcome=data.requested_outcome,
        elderly=bool(consumer.birth_year and received_on.year - consumer.birth_year >= ELDERLY_AGE),
        disabled=consumer.disabled or consumer.visually_impaired,
        new_urban_resident=consumer.new_urban_resident,
        group_size=data.group_size,
        major_emergency=data.major_emergency,
        involved_branch=involved_branch,
        policy_seller=seller,
    )
    complaint.reference = f"LN-{now.year}-{complaint.pk:06d}"
    complaint.access_code_hash = access_code_hash(complaint.reference, access_code)
    complaint.save(update_fields=["reference", "access_code_hash"])
    if involved_staff:
        complaint.involved_staff.set(involved_staff)
    if involved_partners:
        complaint.involved_partners.set(involved_partners)
    deadline = _open_deadline(complaint, clocks.RULE_OF[clocks.Complexity.SIMPLE], received_on, new=True)
    record(
        event_type=events.REGISTERED,
        actor=actor,
        subject=complaint,
        insurer_id=insurer_id,
        new={
            "reference": complaint.reference,
            "channel": complaint.channel,
            "received_on": received_on.isoformat(),
            "due": deadline.due.isoformat(),
        },
        first=True,
    )
    if actor.kind in {ActorKind.SYSTEM, ActorKind.CONSUMER}:
        # Staff could only pick a consumer already related to their insurer; intake channels may not have.
        identity_actions.consumer_relate(actor=actor, consumer=consumer, insurer_id=insurer_id)
    tell_complainant(
        actor=actor,
        complaint=complaint,
        purpose="complaint_received",
        template="received",
        due=deadline.due,
        access_code=access_code,
    )
    complaint.access_code = access_code  # type: ignore[attr-defined]  # shown once, on the confirmation page
    if complaint.group_size >= GROUP_COMPLAINT_THRESHOLD:
        tell_staff(
            actor=actor,
            staff=_staff_with(complaint, Role.COMPLIANCE_OFFICER, Role.SENIOR_MANAGER),
            complaint=complaint,
            purpose="group_complaint",
            body=gettext("Group complaint of %(count)s complainants: start the emergency plan (CMP-G1).")
            % {"count": complaint.group_size},
        )
    if idempotency_key:
        IdempotentRequest.objects.create(
            scope="complaint_register",
            caller=actor.audit_id,
            key=idempotency_key,
            request_hash=request_hash,
            result_id=complaint.pk,
        )
    return complaint


def _complainant(actor: Actor, data: NewComplaint, insurer_id: int) -> Consumer:
    """Who complains: a consumer files in their own name; staff and channels name or register one."""
    if actor.kind is ActorKind.CONSUMER:
        if data.complainant_id not in (None, actor.consumer_id):
            raise PermissionDenied(_("A consumer files complaints in their own name."))
        return identity_access.consumer_for(actor, actor.consumer_id)
    if data.complainant_id is not None:
        return identity_access.consumer_for(actor, data.complainant_id)
    if data.complainant is not None:
        return identity_actions.consumer_register(actor=actor, details=data.complainant, insurer_id=insurer_id)
    raise InvalidInput(_("Say who the complainant is."))


def access_code_hash(reference: str, code: str) -> str:
    return blind_indexer().index("complaint_access", f"{reference}:{code.strip()}")


def _fingerprint(insurer_id: int, consumer_id: int, policy_number: str, description: str) -> str:
    text = " ".join(description.split())
    return hashlib.sha256(f"{insurer_id}|{consumer_id}|{policy_number.strip().upper()}|{text}".encode()).hexdigest()


def _recent_duplicate(fingerprint: str) -> Complaint | None:
    from django.conf import settings

    since = clock.now() - timedelta(hours=settings.XIAOBAO_DUPLICATE_WINDOW_HOURS)
    return Complaint.objects.filter(fingerprint=fingerprint, registered_at__gte=since).order_by("pk").first()


def _intake_insurer(actor: Actor, insurer_id: int | None) -> int:
    """Staff register for their own insurer; intake channels (the system) and consumers name the insurer."""
    if actor.kind is ActorKind.CONSUMER:
        if insurer_id is None or not Insurer.objects.filter(pk=insurer_id).exists():
            raise NotFound()
    elif actor.kind is not ActorKind.SYSTEM:
        identity_access.require(actor, Permission.REGISTER_COMPLAINTS)
        insurer_id = actor.insurer_id
    if insurer_id is None:
        raise InvalidInput(_("The insurer of the complaint is not known."))
    return insurer_id


def _previous_result(actor: Actor, key: str, request_hash: str) -> Complaint | None:
    seen = IdempotentRequest.objects.filter(scope="complaint_register", caller=actor.audit_id, key=key).first()
    if seen is None:
        return None
    if seen.request_hash != request_hash:
        raise IdempotencyKeyReused()
    return Complaint.objects.get(pk=seen.result_id)


def _of_insurer(model: type, pk: int | None, insurer_id: int):  # type: ignore[no-untyped-def]
    """A referenced row must belong to the complaint's insurer; otherwise it does not exist for this caller."""
    found = model.objects.filter(pk=pk, insurer_id=insurer_id).first()  # type: ignore[attr-defined]
    if found is None:
        raise NotFound()
    return found


# -- deadlines ---------------------------------------------------------------------------------


def _pauses(complaint: Complaint, since: date) -> list[deadline_clock.Pause]:
    return [
        deadline_clock.Pause(p.started_on, p.ended_on, p.kind)
        for p in complaint.pauses.filter(started_on__gt=since).order_by("started_on")
    ]


def _compute(complaint: Complaint, rule_id: str, start: date, *, new: bool = False) -> deadline_clock.Deadline:
    pauses = [] if new else _pauses(complaint, start)
    return deadline_clock.compute(RULES[rule_id], start, business_calendar(), pauses=pauses, today=clock.today())


def _open_deadline(
    complaint: Complaint, rule_id: str, start: date, approved_by: Staff | None = None, *, new: bool = False
) -> Deadline:
    """``new``: the complaint was registered in this transaction and has no pauses yet."""
    computed = _compute(complaint, rule_id, start, new=new)
    return Deadline.objects.create(
        complaint=complaint,
        insurer_id_copy=complaint.insurer_id,
        rule_id=rule_id,
        start=start,
        due=computed.due,
        paused_days=computed.paused_days,
        approved_by=approved_by,
    )


def _active_deadline(complaint: Complaint) -> Deadline:
    return Deadline.objects.select_for_update().get(complaint=complaint, active=True)


def _refresh(deadline: Deadline, complaint: Complaint, *, paused: bool) -> Deadline:
    computed = _compute(complaint, deadline.rule_id, deadline.start)
    deadline.due, deadline.paused_days = computed.due, computed.paused_days
    deadline.state = Deadline.PAUSED if paused else Deadline.RUNNING
    deadline.save(update_fields=["due", "paused_days", "state"])
    return deadline


def _finish(complaint: Complaint, *, superseded: bool = False) -> Deadline | None:
    deadline = Deadline.objects.select_for_update().filter(complaint=complaint, active=True).first()
    if deadline is None:
        return None
    today = clock.today()
    if superseded:
        deadline.state = Deadline.SUPERSEDED
    else:
        deadline.state = Deadline.MET if today <= deadline.due else Deadline.MISSED
    deadline.active, deadline.closed_on = False, today
    deadline.save(update_fields=["state", "active", "closed_on"])
    return deadline


# -- steps -------------------------------------------------------------------------------------


def _step(complaint: Complaint, step: Step, *fields: str) -> tuple[str, str]:
    old = complaint.state
    complaint.state = next_state(State(old), step).value
    complaint.save(update_fields=["state", *fields])
    return old, complaint.state


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
        new={"state": new, "reason": complaint.declined_reason},
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
    record(
        event_type=events.NEW_FACTS,
        actor=actor,
        subject=complaint,
        insurer_id=complaint.insurer_id,
        old={"due": old.due.isoformat() if old else None},
        new={"restart": deadline.start.isoformat(), "due": deadline.due.isoformat(), "note": note[:300]},
    )
    tell_complainant(
        actor=actor, complaint=complaint, purpose="complaint_restarted", template="new_facts", due=deadline.due
    )
    return complaint


# -- extensions (CMP-T2, CMP-T3) -----------------------------------------------------------------


@transaction.atomic
def complaint_request_extension(*, actor: Actor, complaint_id: int, to_complexity: str, reason: str) -> Extension:
    complaint = access.complaint_for(actor, complaint_id, Permission.HANDLE_COMPLAINTS, for_update=True)
    next_state(State(complaint.state), Step.EXTEND)
    requested = clocks.next_complexity(clocks.Complexity(complaint.complexity), clocks.Complexity(to_complexity))
    if len(reason.strip()) < 5:
        raise InvalidInput(_("Give the reason for the extension: the complainant is told it."))
    if complaint.extensions.filter(approved__isnull=True).exists():
        raise TransitionNotAllowed(_("An extension request for this complaint is already waiting for approval."))
    assert actor.staff_id is not None
    extension = Extension.objects.create(
        complaint=complaint,
        insurer_id_copy=complaint.insurer_id,
        to_complexity=requested.value,
        reason=reason.strip(),
        requested_by_id=actor.staff_id,
    )
    record(
        event_type=events.EXTENSION_REQUESTED,
        actor=actor,
        subject=complaint,
        insurer_id=complaint.insurer_id,
        new={"extension": extension.pk, "to": requested.value, "reason": extension.reason},
    )
    approvers = Role.SENIOR_MANAGER if requested is clocks.Complexity.PARTICULARLY_COMPLEX else Role.SUPERVISOR
    tell_staff(
        actor=actor,
        staff=_staff_with(complaint, approvers),
        complaint=complaint,
        purpose="approve_extension",
        body=gettext("An extension waits for your approval."),
    )
    return extension


def _is_higher_level_office(approver_branch_id: int | None, handling_branch: Branch) -> bool:
    branch = handling_branch.parent
    while branch is not None:
        if branch.pk == approver_branch_id:
            return True
        branch = branch.parent
    return False


@transaction.atomic
def complaint_decide_extension(*, actor: Actor, extension_id: int, approve: bool, note: str = "") -> Extension:
    """Approve or refuse. CMP-T2 takes effect on approval; CMP-T3 only once the complainant is told (CMP-N3)."""
    extension = access.extension_for(actor, extension_id, for_update=True)
    if extension.approved is not None:
        raise TransitionNotAllowed(_("This extension request has already been decided."))
    complaint = Complaint.objects.select_for_update().get(pk=extension.complaint_id)
    requested = clocks.Complexity(extension.to_complexity)
    if approve:
        clocks.check_approver(
            requested,
            roles=actor.roles,
            approver_branch_is_higher_level=_is_higher_level_office(actor.branch_id, complaint.handling_branch),
        )
    extension.approved, extension.decided_by_id, extension.decided_at = approve, actor.staff_id, clock.now()
    extension.save(update_fields=["approved", "decided_by", "decided_at"])
    record(
        event_type=events.EXTENSION_DECIDED,
        actor=actor,
        subject=complaint,
        insurer_id=complaint.insurer_id,
        new={"extension": extension.pk, "approved": approve, "note": note[:300]},
    )
    if approve and requested is clocks.Complexity.COMPLEX:
        _extend(actor, complaint, extension)
    elif approve:
        due = _compute(complaint, clocks.RULE_OF[requested], _active_deadline(complaint).start).due
        extension.notice = tell_complainant(
            actor=actor,
            complaint=complaint,
            purpose="complaint_extended",
            template="extended",
            due=due,
            reason=extension.reason,
        )
        extension.save(update_fields=["notice"])
    return extension


@transaction.atomic
def complaint_apply_extension(*, actor: Actor, extension_id: int) -> Extension:
    """Let an approved CMP-T3 extension take effect — refused until the complainant's notice has gone out."""
    extensions = Extension.objects.select_for_update()
    if actor.kind is not ActorKind.SYSTEM:
        identity_access.require(actor, Permission.HANDLE_COMPLAINTS)
        extensions = extensions.filter(insurer_id_copy=actor.insurer_id or 0)
    extension = identity_access.one(extensions, extension_id)
    if extension.effective_at is not None:
        return extension
    complaint = Complaint.objects.select_for_update().get(pk=extension.complaint_id)
    told = extension.notice is not None and extension.notice.status == Status.SENT
    clocks.check_may_take_effect(
        clocks.Complexity(extension.to_complexity), approved=bool(extension.approved), complainant_told=told
    )
    _extend(actor, complaint, extension)
    return extension


def _extend(actor: Actor, complaint: Complaint, extension: Extension) -> None:
    previous = _finish(complaint, superseded=True)
    assert previous is not None
    complaint.complexity = extension.to_complexity
    complaint.save(update_fields=["complexity"])
    deadline = _open_deadline(
        complaint,
        clocks.RULE_OF[clocks.Complexity(complaint.complexity)],
        previous.start,
        approved_by=extension.decided_by,
    )
    if complaint.state == State.PAUSED:
        _refresh(deadline, complaint, paused=True)
    extension.effective_at = clock.now()
    extension.save(update_fields=["effective_at"])
    record(
        event_type=events.EXTENDED,
        actor=actor,
        subject=complaint,
        insurer_id=complaint.insurer_id,
        old={"rule": previous.rule_id, "due": previous.due.isoformat()},
        new={"rule": deadline.rule_id, "due": deadline.due.isoformat(), "reason": extension.reason},
    )
    if extension.notice_id is None:
        extension.notice = tell_complainant(
            actor=actor,
            complaint=complaint,
            purpose="complaint_extended",
            template="extended",
            due=deadline.due,
            reason=extension.reason,
        )
        extension.save(update_fields=["notice"])


# -- decision, notice, close -------------------------------------------------------------------


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


OUTCOME_TEXT = {
    Outcome.UPHELD: _("upheld"),
    Outcome.PARTLY_UPHELD: _("partly upheld"),
    Outcome.NOT_UPHELD: _("not upheld"),
    Outcome.SETTLED: _("settled by agreement"),
}


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
        options=[gettext_lazy(text) for text in REMEDY_TEXT.values()],
    )
    record(
        event_type=events.NOTIFIED,
        actor=actor,
        subject=complaint,
        insurer_id=complaint.insurer_id,
        old={"state": old},
        new={"state": new, "notice": str(notice.pk), "deadline": deadline.state if deadline else None},
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


# -- the complainant's own steps ---------------------------------------------------------------


def _for_complainant_or_staff(actor: Actor, complaint_id: int) -> Complaint:
    if actor.kind is ActorKind.CONSUMER:
        return access.complaint_of_complainant(actor, complaint_id, for_update=True)
    return access.complaint_for(actor, complaint_id, Permission.TRIAGE_COMPLAINTS, for_update=True)


@transaction.atomic
def complaint_withdraw(*, actor: Actor, complaint_id: int) -> Complaint:
    """A withdrawal ends handling on the day it is received (CMP-T5)."""
    complaint = _for_complainant_or_staff(actor, complaint_id)
    complaint.withdrawn_on = clock.today()
    old, new = _step(complaint, Step.WITHDRAW, "withdrawn_on")
    _finish(complaint, superseded=True)
    record(
        event_type=events.WITHDRAWN,
        actor=actor,
        subject=complaint,
        insurer_id=complaint.insurer_id,
        old={"state": old},
        new={"state": new},
    )
    tell_complainant(actor=actor, complaint=complaint, purpose="complaint_withdrawn", template="withdrawn")
    return complaint


class ReviewWindowClosed(TransitionNotAllowed):
    code = "review_window_closed"
    default_message = _("A review can be asked for within 30 days of the decision notice; that time has passed.")


@transaction.atomic
def complaint_request_review(*, actor: Actor, complaint_id: int, grounds: str = "") -> Complaint:
    """Within 30 days of the notice the complainant may ask the higher-level office to review (CMP-N2)."""
    complaint = _for_complainant_or_staff(actor, complaint_id)
    next_state(State(complaint.state), Step.REQUEST_REVIEW)
    assert complaint.notified_at is not None
    notified_on = clock.statutory_date_of(complaint.notified_at)
    window = deadline_clock.due_date(RULES["CMP-N2-REQUEST"], notified_on, business_calendar())
    today = clock.today()
    if today > window:
        raise ReviewWindowClosed()
    complaint.review_requested_on = today
    old, new = _step(complaint, Step.REQUEST_REVIEW, "review_requested_on")
    deadline = _open_deadline(complaint, "CMP-N2-DECISION", today)
    record(
        event_type=events.REVIEW_REQUESTED,
        actor=actor,
        subject=complaint,
        insurer_id=complaint.insurer_id,
        old={"state": old},
        new={"state": new, "due": deadline.due.isoformat(), "grounds": grounds[:500]},
    )
    tell_staff(
        actor=actor,
        staff=_staff_with(complaint, Role.SENIOR_MANAGER),
        complaint=complaint,
        purpose="review_requested",
        body=gettext("A complainant asked for a review of the decision."),
    )
    return complaint


@transaction.atomic
def complaint_decide_review(*, actor: Actor, complaint_id: int, outcome: Outcome, reasons: str) -> Complaint:
    """The higher-level office decides the review within 30 days (CMP-N2); the first handler may not."""
    complaint = access.complaint_for(actor, complaint_id, Permission.DECIDE_REVIEWS, for_update=True)
    if actor.staff_id == complaint.handler_id:
        raise PermissionDenied(_("The handler who decided the complaint cannot decide its review."))
    if not reasons.strip():
        raise InvalidInput(_("Give the reasons for the review decision."))
    complaint.review_outcome, complaint.closed_at = outcome.value, clock.now()
    old, new = _step(complaint, Step.DECIDE_REVIEW, "review_outcome", "closed_at")
    _finish(complaint)
    record(
        event_type=events.REVIEW_DECIDED,
        actor=actor,
        subject=complaint,
        insurer_id=complaint.insurer_id,
        old={"state": old},
        new={"state": new, "outcome": outcome.value},
    )
    tell_complainant(
        actor=actor,
        complaint=complaint,
        purpose="review_decided",
        template="review_decided",
        outcome_text=gettext_lazy(OUTCOME_TEXT[outcome]),
        reasons=reasons.strip(),
    )
    return complaint


# -- partners (CHN-3, CMP-P2) ------------------------------------------------------------------

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


# -- helpers -----------------------------------------------------------------------------------


def _staff_with(complaint: Complaint, *roles: Role) -> list[Staff]:
    return list(
        Staff.objects.filter(
            insurer_id=complaint.insurer_id, active=True, role_grants__role__in=[r.value for r in roles]
        )
        .select_related("user")
        .distinct()
    )


# -- the periodic sweep: reminders before a deadline, escalation after ----------------------------


@dataclass
class SweepResult:
    reminded: int = 0
    escalated: int = 0
    extensions_applied: int = 0


def complaints_sweep(*, reminder_days: tuple[int, ...] | None = None) -> SweepResult:
    """Remind the handler and supervisors before a deadline (e.g. 5 and 2 days), escalate an overdue case
    to supervisors and compliance, each once; let approved CMP-T3 extensions take effect once told.

    Each case is its own transaction, so one failure does not hold back the rest.
    """
    from django.conf import settings

    from xiaobao.complaints.models import ReminderSent
    from xiaobao.complaints.selectors import due_within

    thresholds = tuple(sorted(reminder_days or settings.XIAOBAO_REMINDER_DAYS))
    result = SweepResult()
    today = clock.today()
    for deadline_id in list(due_within(days=max(thresholds), today=today).values_list("pk", flat=True)):
        with transaction.atomic():
            deadline = (
                Deadline.objects.select_for_update()
                .select_related("complaint")
                .filter(pk=deadline_id, active=True, state=Deadline.RUNNING)
                .first()
            )
            if deadline is None:
                continue
            days_left = (deadline.due - today).days
            kind = "overdue" if days_left < 0 else f"{min(t for t in thresholds if days_left <= t)}d"
            _, created = ReminderSent.objects.get_or_create(deadline=deadline, kind=kind)
            if not created:
                continue
            complaint = deadline.complaint
            if kind == "overdue":
                recipients = _staff_with(complaint, Role.SUPERVISOR, Role.COMPLIANCE_OFFICER)
                body = gettext("%(reference)s is overdue: it was due on %(due)s (%(rule)s).")
                event, result.escalated = events.ESCALATED, result.escalated + 1
            else:
                recipients = _staff_with(complaint, Role.SUPERVISOR) + (
                    [complaint.handler] if complaint.handler else []
                )
                body = gettext("%(reference)s is due on %(due)s (%(rule)s): %(days)s days left.")
                event, result.reminded = events.REMINDED, result.reminded + 1
            text = body % {
                "reference": complaint.reference,
                "due": deadline.due.isoformat(),
                "rule": deadline.rule_id,
                "days": days_left,
            }
            from xiaobao.kernel.actors import SYSTEM

            tell_staff(actor=SYSTEM, staff=recipients, complaint=complaint, purpose=f"deadline_{kind}", body=text)
            record(
                event_type=event,
                actor=SYSTEM,
                subject=complaint,
                insurer_id=complaint.insurer_id,
                new={"kind": kind, "due": deadline.due.isoformat(), "days_left": days_left},
            )
    result.extensions_applied = _apply_told_extensions()
    return result


def _apply_told_extensions() -> int:
    from xiaobao.kernel.actors import SYSTEM

    applied = 0
    waiting = Extension.objects.filter(
        approved=True,
        effective_at__isnull=True,
        to_complexity=clocks.Complexity.PARTICULARLY_COMPLEX.value,
        notice__status=Status.SENT,
    ).values_list("pk", flat=True)
    for extension_id in list(waiting):
        complaint_apply_extension(actor=SYSTEM, extension_id=extension_id)
        applied += 1
    return applied


# -- attachments and the complainant's wishes ------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    name: str
    content: bytes


@transaction.atomic
def complaint_attach(*, actor: Actor, complaint_id: int, uploads: list[Upload]) -> list[Attachment]:
    """Keep the complainant's files with the case: type from the content, size limited (CMP-A1)."""
    from django.core.files.base import ContentFile

    from xiaobao.complaints.domain.files import MAX_FILES, TooManyFiles, check_file
    from xiaobao.complaints.models import Attachment

    complaint = _for_complainant_or_staff(actor, complaint_id)
    if len(uploads) + complaint.attachments.count() > MAX_FILES:
        raise TooManyFiles()
    checked = [(upload, check_file(upload.name, len(upload.content), upload.content[:16])) for upload in uploads]
    saved = []
    for upload, content_type in checked:
        attachment = Attachment(
            complaint=complaint,
            original_name=upload.name[:200],
            content_type=content_type,
            size=len(upload.content),
            sha256=hashlib.sha256(upload.content).hexdigest(),
            uploaded_at=clock.now(),
            uploaded_by=actor.audit_id,
        )
        extension = content_type.split("/")[1].replace("mpeg", "mp3")
        attachment.file.save(
            f"{complaint.pk}-{attachment.sha256[:16]}.{extension}", ContentFile(upload.content), save=False
        )
        attachment.save()
        saved.append(attachment)
    if saved and actor.kind is ActorKind.CONSUMER:  # the complainant's files answer what was asked
        complaint.information_requests.filter(answered_at__isnull=True).update(answered_at=clock.now())
    if saved:
        record(
            event_type=events.ATTACHED,
            actor=actor,
            subject=complaint,
            insurer_id=complaint.insurer_id,
            new={"files": [{"type": a.content_type, "size": a.size, "sha256": a.sha256} for a in saved]},
        )
    return saved


@transaction.atomic
def complaint_want_mediation(*, actor: Actor, complaint_id: int) -> Complaint:
    """The complainant says they want mediation (DSP-2); staff are told and it shows on the timeline."""
    complaint = _for_complainant_or_staff(actor, complaint_id)
    if complaint.state in {State.DECLINED, State.WITHDRAWN}:
        raise TransitionNotAllowed(_("This complaint is no longer being handled."))
    if complaint.mediation_wanted_on is None:
        complaint.mediation_wanted_on = clock.today()
        complaint.save(update_fields=["mediation_wanted_on"])
        record(
            event_type=events.MEDIATION_WANTED,
            actor=actor,
            subject=complaint,
            insurer_id=complaint.insurer_id,
            new={"on": complaint.mediation_wanted_on.isoformat()},
        )
        recipients = [complaint.handler] if complaint.handler else _staff_with(complaint, Role.SUPERVISOR)
        tell_staff(
            actor=actor,
            staff=recipients,
            complaint=complaint,
            purpose="mediation_wanted",
            body=gettext("The complainant wants mediation."),
        )
    return complaint


@transaction.atomic
def complaint_file_online(
    *, actor: Actor, insurer_id: int, data: NewComplaint, uploads: list[Upload], idempotency_key: str
) -> Complaint:
    """A consumer's online complaint with its files, all or nothing: a failure leaves no half-written case."""
    from xiaobao.complaints.domain.files import MAX_FILES, TooManyFiles, check_file

    if len(uploads) > MAX_FILES:
        raise TooManyFiles()
    for upload in uploads:  # refuse a bad file before anything is written
        check_file(upload.name, len(upload.content), upload.content[:16])
    complaint = complaint_register(actor=actor, data=data, insurer_id=insurer_id, idempotency_key=idempotency_key)
    if uploads and not complaint.attachments.exists():
        complaint_attach(actor=actor, complaint_id=complaint.pk, uploads=uploads)
    return complaint


@transaction.atomic
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
    record(
        event_type=events.MESSAGE_RECEIVED,
        actor=actor,
        subject=complaint,
        insurer_id=complaint.insurer_id,
        new={"channel": Channel(channel).value, "length": len(text)},
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
