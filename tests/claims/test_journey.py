"""The claimant's road (issue #15): reported, documents, assessed, agreed, paid — or refused."""

from __future__ import annotations

import pytest

from xiaobao.claims.domain.journey import ClaimStage, Progress, claim_journey
from xiaobao.claims.domain.lifecycle import ClaimState


@pytest.mark.parametrize("state", list(ClaimState))
def test_every_claim_state_has_at_most_one_current_stage(state: ClaimState) -> None:
    assert [s.progress for s in claim_journey(state)].count(Progress.CURRENT) <= 1


def test_a_claim_waiting_for_documents_shows_them_as_the_current_stage() -> None:
    current = [s.stage for s in claim_journey(ClaimState.DOCUMENTS_REQUESTED) if s.progress is Progress.CURRENT]
    assert current == [ClaimStage.DOCUMENTS]


def test_a_paid_claim_has_every_stage_done_and_a_refused_one_ends_at_the_refusal() -> None:
    assert all(s.progress is Progress.DONE for s in claim_journey(ClaimState.PAID))
    refused = claim_journey(ClaimState.REFUSED)
    assert refused[-1].stage is ClaimStage.REFUSED
    assert ClaimStage.PAID not in [s.stage for s in refused]
