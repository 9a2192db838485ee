"""The business calendar: working days and rest days under the State Council schedule.

A date is a **working day** when it is an adjusted working day (调休, a weekend
day that is worked), or a Monday–Friday that is not a public holiday. Every
other date is a **rest day**. A date in a year the calendar does not hold
raises ``CalendarYearNotLoaded``: never a guess (RULES.md, working-day calendar).

Lookups are O(1): the constructor lays the loaded years out as arrays
(working-day flag, rank of each working day, next working day), so the
deadline engine can compute hundreds of thousands of due dates a second.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from xiaobao.kernel.errors import DomainError
from xiaobao.kernel.i18n import _


class CalendarYearNotLoaded(DomainError):
    code = "calendar_year_not_loaded"
    default_message = _(
        "The working-day calendar for %(year)s is not loaded. An administrator must load "
        "the State Council's schedule for that year before deadlines in it can be computed."
    )

    def __init__(self, year: int) -> None:
        super().__init__(year=year)
        self.year = year


@dataclass(frozen=True)
class YearSchedule:
    """One year of the State Council's notice: its public holidays (with names) and adjusted working days."""

    year: int
    holidays: Mapping[date, str] = field(default_factory=dict)
    adjusted_working_days: frozenset[date] = frozenset()
    source: str = ""

    def __post_init__(self) -> None:
        stray = [d for d in [*self.holidays, *self.adjusted_working_days] if d.year != self.year]
        if stray:
            raise ValueError(f"dates outside {self.year} in its schedule: {sorted(stray)[:3]}")
        both = set(self.holidays) & self.adjusted_working_days
        if both:
            raise ValueError(f"dates both holiday and adjusted working day: {sorted(both)[:3]}")


class BusinessCalendar:
    def __init__(self, schedules: Iterable[YearSchedule]) -> None:
        by_year = {schedule.year: schedule for schedule in schedules}
        if not by_year:
            raise ValueError("a business calendar needs at least one year")
        years = sorted(by_year)
        if years != list(range(years[0], years[-1] + 1)):
            raise ValueError(f"calendar years must be contiguous, got {years}")
        self.years: tuple[int, ...] = tuple(years)
        self._first = date(years[0], 1, 1)
        self._last = date(years[-1], 12, 31)
        self._base = self._first.toordinal()
        size = self._last.toordinal() - self._base + 1

        self._holiday_names: dict[date, str] = {}
        adjusted: set[date] = set()
        for schedule in by_year.values():
            self._holiday_names.update(schedule.holidays)
            adjusted |= schedule.adjusted_working_days
        self._adjusted = frozenset(adjusted)

        working = bytearray(size)
        for offset in range(size):
            day = self._first + timedelta(days=offset)
            if day in adjusted or (day.weekday() < 5 and day not in self._holiday_names):
                working[offset] = 1
        self._working = bytes(working)
        # rank[i]: working days in [first, day i]; working_ordinals[r - 1]: the r-th working day.
        self._rank = array("l", [0] * size)
        self._working_ordinals = array("l")
        count = 0
        for offset in range(size):
            if working[offset]:
                count += 1
                self._working_ordinals.append(self._base + offset)
            self._rank[offset] = count

    # -- queries -------------------------------------------------------------------------

    def holds(self, day: date) -> bool:
        return self._first <= day <= self._last

    def _offset(self, day: date) -> int:
        offset = day.toordinal() - self._base
        if offset < 0 or offset >= len(self._working):
            raise CalendarYearNotLoaded(day.year)
        return offset

    def is_working_day(self, day: date) -> bool:
        return bool(self._working[self._offset(day)])

    def is_rest_day(self, day: date) -> bool:
        return not self.is_working_day(day)

    def is_adjusted_working_day(self, day: date) -> bool:
        self._offset(day)
        return day in self._adjusted

    def holiday_name(self, day: date) -> str | None:
        """The public holiday a date belongs to (``Spring Festival``), or None."""
        self._offset(day)
        return self._holiday_names.get(day)

    def next_working_day(self, day: date) -> date:
        """The day itself if it is a working day, else the first working day after it."""
        offset = self._offset(day)
        rank = self._rank[offset]
        if self._working[offset]:
            return day
        if rank >= len(self._working_ordinals):
            raise CalendarYearNotLoaded(self.years[-1] + 1)
        return date.fromordinal(self._working_ordinals[rank])

    def add_working_days(self, start: date, count: int) -> date:
        """The ``count``-th working day after ``start`` (``start`` itself is not counted)."""
        if count < 0:
            raise ValueError("count must be >= 0")
        if count == 0:
            return start
        target = self._rank[self._offset(start)] + count
        if target > len(self._working_ordinals):
            raise CalendarYearNotLoaded(self.years[-1] + 1)
        return date.fromordinal(self._working_ordinals[target - 1])

    def working_days_between(self, first: date, last: date) -> int:
        """Working days in the closed span [first, last]; 0 when last < first."""
        if last < first:
            return 0
        before = self._rank[self._offset(first)] - self._working[self._offset(first)]
        return self._rank[self._offset(last)] - before
