"""Who may take which step of a complaint: the one table the workbench, the API, the portal and the actions
all follow, so a page never offers a step that its action then refuses (CMP-R1 recusal aside, which hides
the case altogether).

A step is allowed when the complaint's state allows it (``lifecycle.TRANSITIONS``) and the actor may take
it: staff by the permission the step needs, and — for handling steps — only on a case assigned to them
unless they supervise; the complainant only their own steps on their own case.
"""

from __future__ import annotations

from collections.abc import Mapping

from xiaobao.complaints.domain.lifecycle import State, Step, allowed_steps
from xiaobao.identity.domain.permissions import Permission, staff_may
from xiaobao.kernel.actors import Actor, ActorKind, Role

STEP_PERMISSION: Mapping[Step, Permission] = {
    Step.ACCEPT: Permission.TRIAGE_COMPLAINTS,
    Step.DECLINE: Permission.TRIAGE_COMPLAINTS,
    Step.WITHDRAW: Permission.TRIAGE_COMPLAINTS,
    Step.REQUEST_REVIEW: Permission.TRIAGE_COMPLAINTS,
    Step.ASSIGN: Permission.ASSIGN_COMPLAINTS,
    Step.DECIDE_REVIEW: Permission.DECIDE_REVIEWS,
    Step.DECLARE_CONFLICT: Permission.HANDLE_COMPLAINTS,
    Step.INVESTIGATE: Permission.HANDLE_COMPLAINTS,
    Step.PAUSE: Permission.HANDLE_COMPLAINTS,
    Step.RESUME: Permission.HANDLE_COMPLAINTS,
    Step.DECIDE: Permission.HANDLE_COMPLAINTS,
    Step.NOTIFY: Permission.HANDLE_COMPLAINTS,
    Step.CLOSE: Permission.HANDLE_COMPLAINTS,
    Step.NEW_FACTS: Permission.HANDLE_COMPLAINTS,
    Step.EXTEND: Permission.HANDLE_COMPLAINTS,
    Step.FORWARD: Permission.HANDLE_COMPLAINTS,
    Step.REQUEST_INFORMATION: Permission.HANDLE_COMPLAINTS,
}
"""The permission each step needs (identity.domain.permissions says which roles hold it)."""

COMPLAINANT_STEPS = frozenset({Step.WITHDRAW, Step.REQUEST_REVIEW})
"""What the complainant does on their own case (CMP-T5 withdrawal, CMP-N2 review)."""


def may_take(step: Step, actor: Actor, *, handler_id: int | None, own_case: bool = False) -> bool:
    """Whether ``actor`` may take ``step`` on a case handled by ``handler_id`` (whatever its state).

    ``own_case``: the actor is a consumer and the case is theirs.
    """
    if actor.kind is ActorKind.SYSTEM:
        return True
    if actor.kind is ActorKind.CONSUMER:
        return own_case and step in COMPLAINANT_STEPS
    permission = STEP_PERMISSION[step]
    if not staff_may(actor, permission):
        return False
    assigned_to_actor = handler_id is not None and handler_id == actor.staff_id
    if step is Step.DECLARE_CONFLICT:
        return assigned_to_actor  # one steps aside from one's own case only
    if permission is Permission.HANDLE_COMPLAINTS and not actor.has_role(Role.SUPERVISOR):
        return assigned_to_actor
    return True


def steps_for(state: State, actor: Actor, *, handler_id: int | None, own_case: bool = False) -> list[Step]:
    """The steps to offer ``actor`` on a case in ``state``: exactly those its actions will accept."""
    return [step for step in allowed_steps(state) if may_take(step, actor, handler_id=handler_id, own_case=own_case)]
