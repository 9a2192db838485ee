"""The business calendar against RULES.md's table and against an independent source."""

from __future__ import annotations

from datetime import date, timedelta

import holidays as holidays_package
import pytest

from xiaobao.kernel.calendar import BusinessCalendar, CalendarYearNotLoaded, YearSchedule
from xiaobao.kernel.state_council import dates_of, published_years, seed_calendar


def _span(first: str, last: str) -> set[date]:
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    return {start + timedelta(days=n) for n in range((end - start).days + 1)}


# RULES.md "Working-day calendar (State Council notices)", copied by hand.
RULES_MD = {
    2025: (
        ["01-01", "01-28:02-04", "04-04:04-06", "05-01:05-05", "05-31:06-02", "10-01:10-08"],
        ["01-26", "02-08", "04-27", "09-28", "10-11"],
    ),
    2026: (
        ["01-01:01-03", "02-15:02-23", "04-04:04-06", "05-01:05-05", "06-19:06-21", "09-25:09-27", "10-01:10-07"],
        ["01-04", "02-14", "02-28", "05-09", "09-20", "10-10"],
    ),
}


@pytest.mark.parametrize("year", sorted(RULES_MD))
def test_the_calendar_matches_rules_md_day_for_day(year: int) -> None:
    blocks, adjusted = RULES_MD[year]
    days_off: set[date] = set()
    for block in blocks:
        first, _, last = block.partition(":")
        days_off |= _span(f"{year}-{first}", f"{year}-{last or first}")
    adjusted_days = {date.fromisoformat(f"{year}-{d}") for d in adjusted}
    calendar = seed_calendar()

    for day in dates_of(year):
        expected = day in adjusted_days or (day.weekday() < 5 and day not in days_off)
        assert calendar.is_working_day(day) is expected, day


def test_the_seed_agrees_with_the_holidays_package_for_every_year_both_cover() -> None:
    """Two independent transcriptions of the State Council notices: any difference is a data error."""
    calendar = seed_calendar()
    differences = []
    for year in published_years():
        reference = holidays_package.country_holidays("CN", years=year)
        for day in dates_of(year):
            if calendar.is_working_day(day) != reference.is_working_day(day):
                differences.append(day)
    assert differences == []


def test_adjusted_working_days_and_holiday_names() -> None:
    calendar = seed_calendar()
    assert calendar.is_working_day(date(2026, 2, 28))  # a Saturday worked for the Spring Festival
    assert calendar.is_adjusted_working_day(date(2026, 2, 28))
    assert calendar.is_rest_day(date(2026, 2, 23))  # a Monday inside the Spring Festival
    assert calendar.holiday_name(date(2026, 2, 23)) == "Spring Festival"
    assert calendar.holiday_name(date(2026, 3, 2)) is None


@pytest.mark.parametrize("day", [date(2003, 12, 31), date(2030, 1, 1)])
def test_a_year_the_calendar_does_not_hold_is_an_error_never_a_guess(day: date) -> None:
    with pytest.raises(CalendarYearNotLoaded) as refused:
        seed_calendar().is_working_day(day)
    assert refused.value.year == day.year
    assert str(day.year) in str(refused.value)


def test_counting_past_the_last_loaded_year_is_an_error() -> None:
    with pytest.raises(CalendarYearNotLoaded):
        seed_calendar().add_working_days(date(2026, 12, 28), 10)


def test_years_must_be_contiguous() -> None:
    with pytest.raises(ValueError, match="contiguous"):
        BusinessCalendar([YearSchedule(2025), YearSchedule(2027)])


def test_a_schedule_refuses_a_day_that_is_both_holiday_and_working() -> None:
    with pytest.raises(ValueError, match="both"):
        YearSchedule(2026, holidays={date(2026, 1, 4): "x"}, adjusted_working_days=frozenset({date(2026, 1, 4)}))
