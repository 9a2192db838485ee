"""The stages of a claim as its claimant reads them (issue #15, CLM-3): reported → documents complete →
assessed → amount agreed → paid, or refused; each done, current or ahead."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from xiaobao.claims.domain.lifecycle import ClaimState


class ClaimStage(StrEnum):
    REPORTED = "reported"
    DOCUMENTS = "documents"
    ASSESSED = "assessed"
    AGREED = "agreed"
    PAID = "paid"
    REFUSED = "refused"


class Progress(StrEnum):
    DONE = "done"
    CURRENT = "current"
    AHEAD = "ahead"


@dataclass(frozen=True)
class ClaimStep:
    stage: ClaimStage
    progress: Progress


ROAD = (ClaimStage.REPORTED, ClaimStage.DOCUMENTS, ClaimStage.ASSESSED, ClaimStage.AGREED, ClaimStage.PAID)

_CURRENT = {
    ClaimState.REPORTED: ClaimStage.DOCUMENTS,
    ClaimState.DOCUMENTS_REQUESTED: ClaimStage.DOCUMENTS,
    ClaimState.DOCUMENTS_COMPLETE: ClaimStage.ASSESSED,
    ClaimState.ASSESSING: ClaimStage.ASSESSED,
    ClaimState.PAUSED: ClaimStage.ASSESSED,
    ClaimState.AMOUNT_AGREED: ClaimStage.PAID,
}


def claim_journey(state: ClaimState) -> list[ClaimStep]:
    """Every stage with its progress; a refused claim ends at the refusal after what was done before it."""
    if state is ClaimState.PAID:
        return [ClaimStep(s, Progress.DONE) for s in ROAD]
    if state is ClaimState.REFUSED:
        done = (ClaimStage.REPORTED, ClaimStage.DOCUMENTS, ClaimStage.ASSESSED)
        return [ClaimStep(s, Progress.DONE) for s in done] + [ClaimStep(ClaimStage.REFUSED, Progress.DONE)]
    current = ROAD.index(_CURRENT[state])
    return [
        ClaimStep(s, Progress.DONE if i < current else Progress.CURRENT if i == current else Progress.AHEAD)
        for i, s in enumerate(ROAD)
    ]
