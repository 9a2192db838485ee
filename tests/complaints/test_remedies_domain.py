"""The options guide's rules (DSP-2, CMP-N1, CMP-N2): four options in the notice's order, each fully explained;
a choice only after the decision notice, a repeat changing nothing; the last day for a review counted as CMP-T7."""

from __future__ import annotations

from dataclasses import fields
from datetime import date

import pytest

from xiaobao.complaints.domain.decisions import Remedy
from xiaobao.complaints.domain.lifecycle import State
from xiaobao.complaints.domain.remedies import GUIDE, PREPARATION, NoDecisionYet, check_choice, review_last_day
from xiaobao.kernel.calendar import BusinessCalendar
from xiaobao.kernel.state_council import seed_calendar


def test_the_guide_explains_the_four_options_in_the_notices_order_every_part_filled() -> None:
    assert [guide.option for guide in GUIDE] == [Remedy.REVIEW, Remedy.MEDIATION, Remedy.ARBITRATION, Remedy.COURT]
    empty = [(g.option, f.name) for g in GUIDE for f in fields(g) if f.name != "option" and not getattr(g, f.name)]
    assert empty == []


def test_what_to_bring_and_where_to_go_is_given_for_the_options_taken_up_elsewhere() -> None:
    assert set(PREPARATION) == {Remedy.ARBITRATION, Remedy.COURT}
    assert all(p.bring and p.where for p in PREPARATION.values())


@pytest.mark.parametrize("state", [State.NOTIFIED, State.REVIEW_REQUESTED, State.CLOSED])
def test_a_new_choice_after_the_notice_is_a_change_and_the_same_one_again_is_not(state: State) -> None:
    assert check_choice(state, notified=True, current="", chosen=Remedy.COURT) is True
    assert check_choice(state, notified=True, current="court", chosen=Remedy.MEDIATION) is True
    assert check_choice(state, notified=True, current="court", chosen=Remedy.COURT) is False


@pytest.mark.parametrize(
    ("state", "notified"),
    [(State.INVESTIGATING, False), (State.DECIDED, False), (State.WITHDRAWN, False), (State.DECLINED, False)],
)
def test_no_choice_before_the_decision_notice(state: State, notified: bool) -> None:
    with pytest.raises(NoDecisionYet):
        check_choice(state, notified=notified, current="", chosen=Remedy.REVIEW)


def test_the_last_day_for_a_review_is_30_days_on_moved_past_a_holiday() -> None:
    calendar: BusinessCalendar = seed_calendar()

    assert review_last_day(date(2026, 3, 2), calendar) == (date(2026, 4, 1), False)
    assert review_last_day(date(2026, 3, 5), calendar) == (date(2026, 4, 7), False)  # 4 April: Qingming
