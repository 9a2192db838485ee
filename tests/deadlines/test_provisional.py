"""Dates in years whose calendar is not yet published: provisional, and never later than the true date."""

from __future__ import annotations

from datetime import date

from xiaobao.deadlines.clock import provisional_due_date
from xiaobao.deadlines.rules import DEFAULT
from xiaobao.kernel.calendar import BusinessCalendar, YearSchedule


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
