"""The complainant's road (issue #15): every state has exactly one current stage, or none when it has ended."""

from __future__ import annotations

import pytest

from xiaobao.complaints.domain.journey import Progress, Stage, journey
from xiaobao.complaints.domain.lifecycle import State


@pytest.mark.parametrize("state", list(State))
def test_every_state_has_at_most_one_current_stage_and_done_before_ahead(state: State) -> None:
    steps = journey(state)
    progress = [s.progress for s in steps]
    assert progress.count(Progress.CURRENT) <= 1
    order = {Progress.DONE: 0, Progress.CURRENT: 1, Progress.AHEAD: 2}
    assert [order[p] for p in progress] == sorted(order[p] for p in progress)


def test_a_new_complaint_is_received_and_waits_to_be_accepted() -> None:
    steps = journey(State.REGISTERED)
    assert (steps[0].stage, steps[0].progress) == (Stage.RECEIVED, Progress.DONE)
    assert (steps[1].stage, steps[1].progress) == (Stage.ACCEPTED, Progress.CURRENT)
    assert all(s.progress is Progress.AHEAD for s in steps[2:])


def test_a_paused_investigation_is_still_being_looked_into() -> None:
    current = [s.stage for s in journey(State.PAUSED) if s.progress is Progress.CURRENT]
    assert current == [Stage.INVESTIGATED]


def test_a_review_adds_its_stage_before_the_end_and_stays_after_it() -> None:
    asked = journey(State.REVIEW_REQUESTED)
    assert [s.stage for s in asked][-2:] == [Stage.REVIEWED, Stage.CLOSED]
    assert next(s for s in asked if s.stage is Stage.REVIEWED).progress is Progress.CURRENT
    assert Stage.REVIEWED in [s.stage for s in journey(State.CLOSED, reviewed=True)]
    assert Stage.REVIEWED not in [s.stage for s in journey(State.CLOSED)]


@pytest.mark.parametrize(("state", "ending"), [(State.DECLINED, Stage.DECLINED), (State.WITHDRAWN, Stage.WITHDRAWN)])
def test_a_complaint_that_left_the_road_ends_there(state: State, ending: Stage) -> None:
    steps = journey(state)
    assert steps[-1].stage is ending
    assert all(s.progress is Progress.DONE for s in steps)
