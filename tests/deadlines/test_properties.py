"""Properties of the clock that hold for every date, rule and pause (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from xiaobao.deadlines.clock import Pause, compute, due_date
from xiaobao.deadlines.rules import DEFAULT, Unit
from xiaobao.kernel.calendar import BusinessCalendar, YearSchedule
from xiaobao.kernel.state_council import seed_calendar

CALENDAR = seed_calendar()
# Starts late enough in the loaded span that every due date still falls inside it.
starts = st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 8, 31))
rules = st.sampled_from(list(DEFAULT))
calendar_day_rules = st.sampled_from([r for r in DEFAULT if r.unit is Unit.CALENDAR_DAYS])
working_day_rules = st.sampled_from([r for r in DEFAULT if r.unit is Unit.WORKING_DAYS])


@given(rules, starts, st.integers(min_value=1, max_value=40))
def test_a_later_start_never_gives_an_earlier_due_date(rule, start: date, later_by: int) -> None:  # type: ignore[no-untyped-def]
    assert due_date(rule, start + timedelta(days=later_by), CALENDAR) >= due_date(rule, start, CALENDAR)


@given(working_day_rules, starts, st.integers(min_value=0, max_value=20))
def test_a_working_day_rule_always_ends_on_a_working_day(rule, start: date, paused: int) -> None:  # type: ignore[no-untyped-def]
    assert CALENDAR.is_working_day(due_date(rule, start, CALENDAR, paused_days=paused))


@given(calendar_day_rules, starts)
def test_a_rolled_calendar_day_limit_ends_on_a_working_day_never_before_its_last_counted_day(rule, start: date) -> None:  # type: ignore[no-untyped-def]
    deadline = compute(rule, start, CALENDAR)
    assert CALENDAR.is_working_day(deadline.due)
    assert deadline.due >= deadline.counted_last_day
    assert deadline.due == due_date(rule, start, CALENDAR)


@given(calendar_day_rules, starts, st.integers(min_value=1, max_value=30), st.integers(min_value=0, max_value=5))
def test_pausing_n_days_moves_a_calendar_day_limit_by_n_days_before_roll_forward(  # type: ignore[no-untyped-def]
    rule, start: date, paused: int, pause_after: int
) -> None:
    plain = compute(rule, start, CALENDAR)
    pause_start = start + timedelta(days=1 + pause_after)
    with_pause = compute(rule, start, CALENDAR, pauses=[Pause(pause_start, pause_start + timedelta(days=paused))])
    assert with_pause.counted_last_day == plain.counted_last_day + timedelta(days=paused)


WEEKENDS_ONLY = BusinessCalendar(YearSchedule(year) for year in range(2020, 2031))


def _weekday_count(start: date, count: int) -> date:
    day = start
    while count:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 6, 30)), st.integers(min_value=0, max_value=100))
def test_with_no_holidays_working_day_counting_equals_weekday_counting(start: date, count: int) -> None:
    assert WEEKENDS_ONLY.add_working_days(start, count) == _weekday_count(start, count)


@given(st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 12, 31)))
def test_next_working_day_is_the_first_working_day_on_or_after(day: date) -> None:
    found = CALENDAR.next_working_day(day)
    assert CALENDAR.is_working_day(found)
    assert all(CALENDAR.is_rest_day(day + timedelta(days=n)) for n in range((found - day).days))
