"""Which statutory clock a complaint runs on (CMP-T1..T3) and what an extension needs.

- simple: CMP-T1, 15 days;
- complex: CMP-T2, 30 days, once a supervisor approves;
- particularly complex: CMP-T3, 30 more, once the higher-level office or a
  head-office senior manager approves **and** the complainant has been told
  the extension and its reason (proof recorded, CMP-N3).
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from enum import StrEnum

from xiaobao.kernel.actors import Role
from xiaobao.kernel.errors import PermissionDenied, TransitionNotAllowed
from xiaobao.kernel.i18n import _


class Complexity(StrEnum):
    SIMPLE = "simple"
    COMPLEX = "complex"
    PARTICULARLY_COMPLEX = "particularly_complex"


RULE_OF = {
    Complexity.SIMPLE: "CMP-T1",
    Complexity.COMPLEX: "CMP-T2",
    Complexity.PARTICULARLY_COMPLEX: "CMP-T3",
}


class ExtensionRefused(TransitionNotAllowed):
    code = "extension_refused"


class ExtensionNeedsApproval(ExtensionRefused):
    code = "extension_needs_approval"
    default_message = _("The extension has not been approved, so it cannot take effect.")


class ComplainantNotYetTold(ExtensionRefused):
    code = "complainant_not_yet_told"
    default_message = _(
        "The complainant has not yet been told of the extension and its reason (no proof of the notice): "
        "it cannot take effect before that (CMP-T3)."
    )


class ExtensionOutOfOrder(ExtensionRefused):
    code = "extension_out_of_order"
    default_message = _("A complaint is first extended to 30 days (complex) before the further 30 days.")


class ExtensionNeedsSeniorApproval(PermissionDenied):
    code = "extension_needs_senior_approval"
    default_message = _(
        "The further 30 days (CMP-T3) are approved only by the higher-level office or by a senior manager "
        "of the head office, not by the office handling the complaint."
    )


def next_complexity(current: Complexity, requested: Complexity) -> Complexity:
    order = list(Complexity)
    if order.index(requested) != order.index(current) + 1:
        raise ExtensionOutOfOrder()
    return requested


APPROVERS = frozenset({Role.SUPERVISOR, Role.SENIOR_MANAGER})


def check_approver(
    requested: Complexity,
    *,
    roles: frozenset[Role],
    approver_branch_is_higher_level: bool,
    approver_at_head_office: bool,
    head_office_only: bool = False,
) -> None:
    """CMP-T2 needs a supervisor (or a senior manager). CMP-T3, to the letter of RULES.md: "approval of the
    higher-level office or a head-office senior manager" — a supervisor or senior manager of an office above
    the one handling the complaint, or a senior manager of the head office. A senior manager of the handling
    office itself does not approve its own office's further 30 days. An insurer may ask for more
    (``head_office_only``: a head-office senior manager and no one else), never for less."""
    if requested is Complexity.COMPLEX:
        if not roles & APPROVERS:
            raise PermissionDenied()
        return
    if approver_branch_is_higher_level and roles & APPROVERS and not head_office_only:
        return
    if approver_at_head_office and Role.SENIOR_MANAGER in roles:
        return
    raise ExtensionNeedsSeniorApproval()


def priority_target(start: date, due: date, *, priority: bool, fraction: float) -> date | None:
    """The priority rule (RULES.md INC-E3 for the elderly, MISSION INC-2 for disabled people, MISSION INC-3 for
    new urban residents — "priority response to their complaints"): such a complainant's case gets an internal
    target, ``fraction`` (by default half) of the time the law allows, counted from the same start, so it is
    handled first; the statutory due date itself does not move. In the staff queue the same cases come first
    among those due the same day (``complaints.selectors.PRIORITY_AMONG_EQUALS``). None for everyone else."""
    if not priority:
        return None
    if not 0 < fraction <= 1:
        raise ValueError("the priority target is a fraction of the statutory time, between 0 and 1")
    return min(due, start + timedelta(days=max(1, math.ceil((due - start).days * fraction))))


def check_may_take_effect(requested: Complexity, *, approved: bool, complainant_told: bool) -> None:
    if not approved:
        raise ExtensionNeedsApproval()
    if requested is Complexity.PARTICULARLY_COMPLEX and not complainant_told:
        raise ComplainantNotYetTold()
