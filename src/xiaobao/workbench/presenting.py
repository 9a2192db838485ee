"""How a complaint reads on a workbench page, shared by the queue and the case page."""

from __future__ import annotations

from typing import Any

from xiaobao.complaints.domain.classification import GROUP_COMPLAINT_THRESHOLD
from xiaobao.complaints.labels import STATE_TEXT
from xiaobao.identity import access as identity_access
from xiaobao.identity.domain.permissions import Permission
from xiaobao.kernel.actors import Actor, Role
from xiaobao.workbench.labels import CLOCK_TEXT, FLAG_TEXT, days_text


def flags_of(complaint: Any) -> list[str]:
    """The flags a complaint carries, as codes (``elderly``, ``group``…)."""
    flags = [
        name for name in ("elderly", "disabled", "new_urban_resident", "major_emergency") if getattr(complaint, name)
    ]
    if complaint.group_size >= GROUP_COMPLAINT_THRESHOLD:
        flags.append("group")
    return flags


def present(complaint: Any, clock_state: str, days_left: int | None, due: Any) -> dict[str, Any]:
    """How one complaint's clock and flags read on a page: in words and in colour, never colour alone."""
    return {
        "complaint": complaint,
        "due": due,
        "days_text": days_text(days_left),
        "clock_text": CLOCK_TEXT.get(clock_state, clock_state),
        "clock_class": "clock-" + clock_state.replace(" ", "-"),
        "state_text": STATE_TEXT.get(complaint.state, complaint.state),
        "flags": [FLAG_TEXT[f] for f in flags_of(complaint)],
    }


def handlers_for(actor: Actor) -> Any:
    """Who may be given a complaint to investigate: the insurer's active handlers and supervisors."""
    return (
        identity_access.staff_members_for(actor, Permission.VIEW_ORGANISATION)
        .filter(role_grants__role__in=[Role.HANDLER.value, Role.SUPERVISOR.value], active=True)
        .distinct()
        .order_by("display_name")
    )
