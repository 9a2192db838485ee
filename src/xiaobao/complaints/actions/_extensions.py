"""More time: to 30 days (CMP-T2) and 30 more (CMP-T3), approved and told before it takes effect."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext

from xiaobao.audit.recorder import record
from xiaobao.complaints import access, events
from xiaobao.complaints.actions._shared import (
    _active_deadline,
    _compute,
    _finish,
    _note_on_case,
    _open_deadline,
    _refresh,
    _staff_with,
)
from xiaobao.complaints.domain import clocks
from xiaobao.complaints.domain.lifecycle import State, Step, next_state
from xiaobao.complaints.models import (
    Complaint,
    Extension,
)
from xiaobao.complaints.notices import tell_complainant, tell_staff
from xiaobao.identity import access as identity_access
from xiaobao.identity.domain.branches import BranchLevel
from xiaobao.identity.domain.permissions import Permission
from xiaobao.identity.models import Branch
from xiaobao.kernel.actors import Actor, ActorKind, Role
from xiaobao.kernel.errors import InvalidInput, TransitionNotAllowed
from xiaobao.kernel.i18n import _
from xiaobao.notifications.models import Status
from xiaobao.ops import clock


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
        new={"extension": extension.pk, "to": requested.value},  # the reason stays on the extension
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
    approver_office = Branch.objects.filter(insurer_id=complaint.insurer_id, pk=actor.branch_id or 0).first()
    if approve:
        clocks.check_approver(
            requested,
            roles=actor.roles,
            approver_branch_is_higher_level=_is_higher_level_office(actor.branch_id, complaint.handling_branch),
            approver_at_head_office=approver_office is not None and approver_office.level == BranchLevel.HEAD_OFFICE,
            head_office_only=complaint.insurer.further_extension_by_head_office_only,
        )
    extension.approved, extension.decided_by_id, extension.decided_at = approve, actor.staff_id, clock.now()
    extension.decided_at_office = approver_office  # whose office approved: part of what CMP-T3 asks
    extension.save(update_fields=["approved", "decided_by", "decided_at", "decided_at_office"])
    message = _note_on_case(actor, complaint, note)  # staff words: with the case, not in the log
    record(
        event_type=events.EXTENSION_DECIDED,
        actor=actor,
        subject=complaint,
        insurer_id=complaint.insurer_id,
        new={
            "extension": extension.pk,
            "approved": approve,
            "note_message": message,
            "office": approver_office.pk if approver_office else None,
        },
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
        new={"rule": deadline.rule_id, "due": deadline.due.isoformat(), "extension": extension.pk},
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
