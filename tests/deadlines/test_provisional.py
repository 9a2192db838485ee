"""Dates in years whose calendar is not yet published: provisional, and never later than the true date."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from xiaobao.deadlines.clock import due_date, provisional_due_date
from xiaobao.deadlines.rules import DEFAULT
from xiaobao.kernel.calendar import BusinessCalendar, YearSchedule
from xiaobao.kernel.state_council import seed_calendar, year_schedule

SEED = seed_calendar()


def test_a_date_past_the_loaded_years_is_provisional_and_never_later_than_the_true_one() -> None:
    only_2026 = BusinessCalendar([YearSchedule(year=2026)])
    both = BusinessCalendar([YearSchedule(year=2026), YearSchedule(year=2027, holidays={date(2027, 1, 4): "x"})])
    for rule_id in ("CLM-T5", "CLM-T6", "CMP-T1"):
        start = date(2026, 12, 28)
        guess, provisional = provisional_due_date(DEFAULT[rule_id], start, only_2026)
        true, confirmed = provisional_due_date(DEFAULT[rule_id], start, both)
        assert (provisional, confirmed) == (True, False)
        assert guess <= true, rule_id
    assert provisional_due_date(DEFAULT["CLM-T6"], date(2026, 12, 28), only_2026)[0] == date(2027, 1, 4)


@given(
    st.sampled_from(list(DEFAULT)),
    st.dates(min_value=date(2005, 1, 1), max_value=date(2025, 12, 31)),
    st.integers(min_value=0, max_value=20),
)
def test_a_provisional_date_is_never_later_than_the_true_one_and_exact_when_not_provisional(  # type: ignore[no-untyped-def]
    rule, start: date, paused: int
) -> None:
    """Only the start's year (and the one before) is loaded: the date is computed as it would be in December,
    before the State Council publishes the next year; the seed, which knows the next year, gives the truth."""
    loaded_then = BusinessCalendar([year_schedule(start.year - 1), year_schedule(start.year)])
    guess, provisional = provisional_due_date(rule, start, loaded_then, paused_days=paused)
    true = due_date(rule, start, SEED, paused_days=paused)
    assert guess <= true
    if not provisional:
        assert guess == true
    else:
        assert true.year > start.year or not loaded_then.holds(true)
