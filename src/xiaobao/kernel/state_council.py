"""The State Council holiday schedules as published, from the ``chinesecalendar`` package.

This is the seed of the calendar table; the application reads the table
(an administrator can add a new year without a release). The command line
of ``xiaobao.deadlines`` reads the seed directly, so it needs no database.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from chinese_calendar import constants

from xiaobao.kernel.calendar import BusinessCalendar, YearSchedule

SOURCE = "chinesecalendar (State Council General Office notices)"

# Days the package misses, found by the cross-check against the ``holidays``
# package (tests/kernel/test_calendar.py), each with the notice that sets it.
MISSING_ADJUSTED_WORKING_DAYS = {
    date(2005, 12, 31): "国办发明电〔2005〕38号: Saturday 2005-12-31 worked for the 2006 New Year holiday",
}


def published_years() -> list[int]:
    return sorted({d.year for d in constants.holidays})


def year_schedule(year: int) -> YearSchedule:
    """Holidays are the official days off that fall on weekdays or weekends alike; adjusted
    working days are the weekend days worked in exchange."""
    holidays = {d: str(v) for d, v in constants.holidays.items() if d.year == year}
    adjusted = frozenset(
        {d for d in constants.workdays if d.year == year and d.weekday() >= 5}
        | {d for d in MISSING_ADJUSTED_WORKING_DAYS if d.year == year}
    )
    if not holidays:
        raise LookupError(f"the State Council schedule for {year} is not in the chinesecalendar package")
    return YearSchedule(year=year, holidays=holidays, adjusted_working_days=adjusted, source=SOURCE)


@cache
def seed_calendar() -> BusinessCalendar:
    """Every year the package publishes (contiguous by construction)."""
    return BusinessCalendar(year_schedule(year) for year in published_years())


def dates_of(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=n) for n in range((date(year + 1, 1, 1) - first).days)]
