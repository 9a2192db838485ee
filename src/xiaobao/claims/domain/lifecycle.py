"""A claim's states and the one table of allowed steps (CLM-1).

reported → documents requested → documents complete → assessing → (appraisal pause) →
amount agreed → paid; or refused with reasons; an advance payment while the amount
is not yet fixed (CLM-T5).
"""

from __future__ import annotations

from enum import StrEnum

from xiaobao.kernel.errors import TransitionNotAllowed
from xiaobao.kernel.i18n import _


class ClaimState(StrEnum):
    REPORTED = "reported"
    DOCUMENTS_REQUESTED = "documents_requested"
    DOCUMENTS_COMPLETE = "documents_complete"
    ASSESSING = "assessing"
    PAUSED = "paused"
    AMOUNT_AGREED = "amount_agreed"
    PAID = "paid"
    REFUSED = "refused"


class ClaimStep(StrEnum):
    REQUEST_DOCUMENTS = "request_documents"
    COMPLETE_DOCUMENTS = "complete_documents"
    ASSESS = "assess"
    PAUSE = "pause"
    RESUME = "resume"
    AGREE_AMOUNT = "agree_amount"
    PAY = "pay"
    REFUSE = "refuse"
    ADVANCE_PAYMENT = "advance_payment"


WAITING_FOR_DOCUMENTS = frozenset({ClaimState.REPORTED, ClaimState.DOCUMENTS_REQUESTED})

TRANSITIONS: dict[ClaimStep, tuple[frozenset[ClaimState], ClaimState | None]] = {
    ClaimStep.REQUEST_DOCUMENTS: (WAITING_FOR_DOCUMENTS | {ClaimState.ASSESSING}, ClaimState.DOCUMENTS_REQUESTED),
    ClaimStep.COMPLETE_DOCUMENTS: (WAITING_FOR_DOCUMENTS, ClaimState.DOCUMENTS_COMPLETE),
    ClaimStep.ASSESS: (frozenset({ClaimState.DOCUMENTS_COMPLETE}), ClaimState.ASSESSING),
    ClaimStep.PAUSE: (frozenset({ClaimState.ASSESSING}), ClaimState.PAUSED),
    ClaimStep.RESUME: (frozenset({ClaimState.PAUSED}), ClaimState.ASSESSING),
    ClaimStep.AGREE_AMOUNT: (frozenset({ClaimState.ASSESSING}), ClaimState.AMOUNT_AGREED),
    ClaimStep.PAY: (frozenset({ClaimState.AMOUNT_AGREED}), ClaimState.PAID),
    ClaimStep.REFUSE: (frozenset({ClaimState.ASSESSING}), ClaimState.REFUSED),
    ClaimStep.ADVANCE_PAYMENT: (frozenset({ClaimState.ASSESSING, ClaimState.PAUSED}), None),
}


class ClaimStepNotAllowed(TransitionNotAllowed):
    code = "claim_step_not_allowed"
    default_message = _("A claim that is %(state)s cannot take the step “%(step)s”.")


def next_claim_state(current: ClaimState, step: ClaimStep) -> ClaimState:
    allowed_from, to = TRANSITIONS[step]
    if current not in allowed_from:
        raise ClaimStepNotAllowed(state=current.value, step=step.value)
    return to or current


AUTOMATIC = frozenset({ClaimStep.COMPLETE_DOCUMENTS})
"""Steps nobody takes by hand: documents become complete when the last one arrives."""


def allowed_claim_steps(current: ClaimState) -> list[ClaimStep]:
    """The steps a person may take on a claim in this state, in the table's order."""
    return [
        step for step, (allowed_from, _to) in TRANSITIONS.items() if current in allowed_from and step not in AUTOMATIC
    ]
