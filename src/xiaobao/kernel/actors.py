"""Who is acting: the one value every action and access check receives.

An ``Actor`` is built once per request (or task) from the authenticated
principal; the access policy decides from it alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

CHANNEL_PREFIX = "channel:"


class ActorKind(StrEnum):
    ANONYMOUS = "anonymous"
    CONSUMER = "consumer"
    STAFF = "staff"
    PARTNER = "partner"
    MEDIATOR = "mediator"
    REGULATOR = "regulator"
    SYSTEM = "system"


class Role(StrEnum):
    """Staff roles (issue "Foundation"). A staff member may hold several."""

    HANDLER = "handler"
    SUPERVISOR = "supervisor"
    SENIOR_MANAGER = "senior_manager"
    COMPLIANCE_OFFICER = "compliance_officer"
    AUDITOR = "auditor"
    ADMINISTRATOR = "administrator"


@dataclass(frozen=True, slots=True)
class Actor:
    kind: ActorKind
    user_id: int | None = None
    label: str = ""
    insurer_id: int | None = None
    branch_id: int | None = None
    staff_id: int | None = None
    consumer_id: int | None = None
    partner_id: int | None = None
    partner_key_id: int | None = None  # the key a partner called with (who read what: SEC-2, PI-4)
    mediation_organisation_id: int | None = None
    roles: frozenset[Role] = field(default_factory=frozenset)

    @property
    def is_staff(self) -> bool:
        return self.kind is ActorKind.STAFF

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def audit_id(self) -> str:
        """A stable, non-personal identifier for the audit log."""
        ident = {
            ActorKind.STAFF: self.staff_id,
            ActorKind.CONSUMER: self.consumer_id,
            ActorKind.PARTNER: self.partner_id,
            ActorKind.MEDIATOR: self.user_id,
            ActorKind.REGULATOR: self.user_id,
        }.get(self.kind)
        if ident is None and self.kind is ActorKind.SYSTEM and self.label.startswith(CHANNEL_PREFIX):
            return f"{self.kind.value}:{self.label}"
        return f"{self.kind.value}:{ident}" if ident is not None else self.kind.value


ANONYMOUS = Actor(kind=ActorKind.ANONYMOUS)
SYSTEM = Actor(kind=ActorKind.SYSTEM, label="xiaobao")


def channel_actor(channel: str) -> Actor:
    """A channel that takes complaints in on its own (the mailbox): the system's powers, its own name in the
    audit log (``system:channel:email``), so a case shows which channel brought it."""
    return Actor(kind=ActorKind.SYSTEM, label=f"{CHANNEL_PREFIX}{channel}")
