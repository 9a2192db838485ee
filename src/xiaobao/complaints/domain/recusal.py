"""Recusal (RULES.md CMP-R1, Art.17): whoever investigates has no direct interest in the matter.

A handler has a direct interest when named in the complaint, when they are
the agent or salesperson of the policy concerned, when they work in the
branch the complaint is about and the insurer's policy says that counts, or
when they declared a conflict on this complaint.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from xiaobao.kernel.errors import TransitionNotAllowed
from xiaobao.kernel.i18n import _


class ConflictReason(StrEnum):
    NAMED_IN_COMPLAINT = "named_in_complaint"
    SOLD_THE_POLICY = "sold_the_policy"
    IN_INVOLVED_BRANCH = "in_involved_branch"
    DECLARED = "declared"


REASON_TEXT = {
    ConflictReason.NAMED_IN_COMPLAINT: _("is named in the complaint"),
    ConflictReason.SOLD_THE_POLICY: _("is the agent or salesperson of the policy concerned"),
    ConflictReason.IN_INVOLVED_BRANCH: _("works in the branch the complaint is about"),
    ConflictReason.DECLARED: _("declared a conflict of interest on this complaint"),
}


@dataclass(frozen=True)
class InterestFacts:
    """What the complaint says about who is involved."""

    named_staff_ids: Collection[int]
    policy_seller_staff_id: int | None
    involved_branch_id: int | None
    declared_conflict_staff_ids: Collection[int]
    recuse_involved_branch: bool
    """The insurer's policy: staff of the involved branch may not investigate."""


class HandlerHasConflict(TransitionNotAllowed):
    code = "recusal"
    default_message = _("This handler has a direct interest in the complaint and may not investigate it: %(reasons)s.")

    def __init__(self, reasons: list[ConflictReason], described: str) -> None:
        super().__init__(reasons=described)
        self.reasons = reasons


def conflicts(staff_id: int, branch_id: int, facts: InterestFacts) -> list[ConflictReason]:
    found = []
    if staff_id in facts.named_staff_ids:
        found.append(ConflictReason.NAMED_IN_COMPLAINT)
    if facts.policy_seller_staff_id == staff_id:
        found.append(ConflictReason.SOLD_THE_POLICY)
    if facts.recuse_involved_branch and facts.involved_branch_id == branch_id:
        found.append(ConflictReason.IN_INVOLVED_BRANCH)
    if staff_id in facts.declared_conflict_staff_ids:
        found.append(ConflictReason.DECLARED)
    return found
