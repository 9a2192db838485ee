"""Worked examples from RULES.md, and every rule checked against a naive count on an independent calendar."""

from __future__ import annotations

from datetime import date, timedelta

import holidays as holidays_package
import pytest

from xiaobao.deadlines.clock import ClockState, Pause, compute, due_date, state_on
from xiaobao.deadlines.rules import DEFAULT, Unit, UnknownRule
from xiaobao.kernel.calendar import CalendarYearNotLoaded
from xiaobao.kernel.state_council import seed_calendar

CALENDAR = seed_calendar()
D = date.fromisoformat


@pytest.mark.parametrize(
    ("rule_id", "start", "due", "why"),
    [
        ("CMP-T1", "2026-02-05", "2026-02-24", "day 15 (02-20) inside the Spring Festival: moved to 02-24"),
        ("CMP-T1", "2026-02-13", "2026-02-28", "day 15 is an adjusted working Saturday: it stands"),
        ("CMP-T1", "2025-09-26", "2025-10-11", "day 15 is the adjusted working Saturday after National Day"),
        ("CMP-T1", "2025-09-17", "2025-10-09", "day 15 (10-02) inside National Day 2025: moved to 10-09"),
        ("CMP-T1", "2026-09-16", "2026-10-08", "day 15 (10-01) inside National Day 2026: moved to 10-08"),
        ("CMP-T1", "2026-10-03", "2026-10-19", "received on a holiday: day 1 is 10-04; day 15 a Sunday: 10-19"),
        ("CMP-T1", "2026-03-02", "2026-03-17", "an ordinary Tuesday: no move"),
        ("CMP-T2", "2026-01-20", "2026-02-24", "day 30 (02-19) inside the Spring Festival"),
        ("CMP-T3", "2026-08-01", "2026-09-30", "60 days in all"),
        ("CMP-T3", "2026-08-11", "2026-10-10", "day 60 is Saturday 10-10, an adjusted working day: it stands"),
        (
            "CMP-T6",
            "2026-02-12",
            "2026-02-28",
            "7 working days across the Spring Festival, both adjusted Saturdays count",
        ),
        ("CMP-T6", "2025-09-26", "2025-10-13", "7 working days across National Day 2025"),
        ("CMP-N2-REQUEST", "2026-05-01", "2026-06-01", "day 30 (05-31) a Sunday: 06-01"),
        ("CMP-N2-DECISION", "2025-05-02", "2025-06-03", "day 30 (06-01) inside the Dragon Boat Festival: 06-03"),
        ("CLM-T2", "2026-06-01", "2026-07-01", "30 days"),
        ("CLM-T3", "2026-06-10", "2026-06-22", "day 10 (06-20) inside the Dragon Boat Festival: 06-22"),
        ("CLM-T4", "2026-09-30", "2026-10-08", "day 3 (10-03) inside National Day"),
        ("CLM-T5", "2026-02-01", "2026-04-02", "60 days"),
        ("CLM-T6", "2025-04-30", "2025-05-12", "5 working days across Labour Day"),
    ],
)
def test_worked_examples(rule_id: str, start: str, due: str, why: str) -> None:
    assert due_date(DEFAULT[rule_id], D(start), CALENDAR) == D(due), why
    assert compute(DEFAULT[rule_id], D(start), CALENDAR).due == D(due), why


def _naive_due(rule_id: str, start: date, reference: holidays_package.HolidayBase) -> date:
    """Counting day by day on the holidays package's calendar: a second implementation to agree with."""
    rule = DEFAULT[rule_id]
    length = DEFAULT.total_length(rule)
    day, counted = start, 0
    while counted < length:
        day += timedelta(days=1)
        if rule.unit is Unit.CALENDAR_DAYS or reference.is_working_day(day):
            counted += 1
    while rule.unit is Unit.CALENDAR_DAYS and rule.roll_forward and not reference.is_working_day(day):
        day += timedelta(days=1)
    return day


@pytest.mark.parametrize("rule_id", DEFAULT.ids())
def test_every_rule_agrees_with_a_naive_count_for_every_start_date_of_2025_and_2026(rule_id: str) -> None:
    reference = holidays_package.country_holidays("CN", years=[2025, 2026])
    start = date(2025, 1, 1)
    checked = 0
    while start <= date(2026, 12, 31):
        naive = _naive_due(rule_id, start, reference)
        if naive.year <= 2026:
            assert due_date(DEFAULT[rule_id], start, CALENDAR) == naive, start
            checked += 1
        else:
            with pytest.raises(CalendarYearNotLoaded):
                due_date(DEFAULT[rule_id], start, CALENDAR)
        start += timedelta(days=1)
    assert checked > 600


def test_a_pause_moves_the_limit_and_is_explained() -> None:
    deadline = compute(
        DEFAULT["CMP-T1"], D("2026-03-02"), CALENDAR, pauses=[Pause(D("2026-03-05"), D("2026-03-12"), "appraisal")]
    )
    assert (deadline.paused_days, deadline.due) == (7, D("2026-03-24"))
    assert "7 calendar days do not count (CMP-T4)" in deadline.explain()


def test_an_open_pause_counts_up_to_today() -> None:
    deadline = compute(
        DEFAULT["CMP-T1"], D("2026-03-02"), CALENDAR, pauses=[Pause(D("2026-03-05"))], today=D("2026-03-09")
    )
    assert deadline.paused_days == 4
    assert "still paused" in deadline.explain()


def test_new_facts_restart_the_clock_and_drop_earlier_pauses() -> None:
    deadline = compute(
        DEFAULT["CMP-T1"],
        D("2026-03-02"),
        CALENDAR,
        pauses=[Pause(D("2026-03-03"), D("2026-03-05"))],
        restarted_on=D("2026-03-10"),
    )
    assert (deadline.start, deadline.paused_days, deadline.due) == (D("2026-03-10"), 0, D("2026-03-25"))
    assert "restarts" in deadline.explain()


def test_a_working_day_pause_moves_the_limit_by_the_working_days_it_covered() -> None:
    paused = compute(DEFAULT["CLM-T6"], D("2026-03-02"), CALENDAR, pauses=[Pause(D("2026-03-06"), D("2026-03-09"))])
    # 03-06 Friday paused; 03-07/08 are a weekend: one working day lost
    assert paused.paused_days == 1
    assert paused.due == CALENDAR.add_working_days(D("2026-03-02"), 6)


def test_the_explanation_reads_like_the_issue_example() -> None:
    text = compute(DEFAULT["CMP-T1"], D("2026-02-05"), CALENDAR).explain()
    assert "Started 2026-02-05; that day is not counted, day 1 is 02-06" in text
    assert "02-20 falls in the Spring Festival holiday: moved to the next working day, 2026-02-24" in text


def test_an_unknown_rule_is_named() -> None:
    with pytest.raises(UnknownRule, match="CMP-X9"):
        DEFAULT["CMP-X9"]


def test_configured_lengths_replace_the_defaults() -> None:
    revised = DEFAULT.with_lengths({"CMP-T1": 10})
    assert due_date(revised["CMP-T1"], D("2026-03-02"), CALENDAR, rules=revised) == D("2026-03-12")
    assert revised.total_length(revised["CMP-T3"]) == 60  # CMP-T3 builds on CMP-T2, untouched


@pytest.mark.parametrize(
    ("today", "paused", "completed", "expected"),
    [
        ("2026-03-01", False, None, (ClockState.RUNNING, 16)),
        ("2026-03-14", False, None, (ClockState.DUE_SOON, 3)),
        ("2026-03-17", False, None, (ClockState.DUE_SOON, 0)),
        ("2026-03-18", False, None, (ClockState.OVERDUE, -1)),
        ("2026-03-10", True, None, (ClockState.PAUSED, 7)),
        ("2026-03-20", False, "2026-03-17", (ClockState.MET, -3)),
        ("2026-03-20", False, "2026-03-18", (ClockState.MISSED, -3)),
    ],
)
def test_clock_state_and_days_left(today: str, paused: bool, completed: str | None, expected: tuple) -> None:
    assert (
        state_on(D("2026-03-17"), D(today), paused=paused, completed_on=D(completed) if completed else None) == expected
    )
