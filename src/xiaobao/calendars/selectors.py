"""The application's business calendar, built from the table."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from functools import lru_cache

from xiaobao.calendars.models import CalendarDay, CalendarYear
from xiaobao.kernel.calendar import BusinessCalendar, CalendarYearNotLoaded, YearSchedule
from xiaobao.kernel.clock import statutory_date


@lru_cache(maxsize=1)
def business_calendar() -> BusinessCalendar:
    """Cached per process; loading a year clears it (other processes: restart or wait for a new worker)."""
    holidays: dict[int, dict[date, str]] = defaultdict(dict)
    adjusted: dict[int, set[date]] = defaultdict(set)
    for day in CalendarDay.objects.all():
        if day.kind == CalendarDay.HOLIDAY:
            holidays[day.date.year][day.date] = day.name
        else:
            adjusted[day.date.year].add(day.date)
    years = list(CalendarYear.objects.all())
    if not years:
        raise CalendarYearNotLoaded(statutory_date(datetime.now(tz=UTC)).year)
    return BusinessCalendar(
        YearSchedule(
            year=y.year, holidays=holidays[y.year], adjusted_working_days=frozenset(adjusted[y.year]), source=y.source
        )
        for y in years
    )
