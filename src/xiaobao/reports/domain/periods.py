"""Reporting periods (CMP-S2): a month, a quarter or a year of Asia/Shanghai calendar dates.

A complaint belongs to the period of the day it was received (``received_on``, the statutory start: CMP-T1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class Granularity(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


_MONTHS_IN = {Granularity.MONTH: 1, Granularity.QUARTER: 3, Granularity.YEAR: 12}
_PATTERNS = (
    (Granularity.QUARTER, re.compile(r"([0-9]{4})-Q([1-4])", re.ASCII)),
    (Granularity.MONTH, re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])", re.ASCII)),
    (Granularity.YEAR, re.compile(r"([0-9]{4})", re.ASCII)),
)
MAX_PERIOD_TEXT = 16
"""Longer than any period is written: not parsed at all."""


@dataclass(frozen=True, order=True)
class Period:
    """``year`` and ``index`` (the month 1–12, the quarter 1–4, or 1 for the year)."""

    granularity: Granularity
    year: int
    index: int

    @property
    def first_day(self) -> date:
        return date(self.year, (self.index - 1) * _MONTHS_IN[self.granularity] + 1, 1)

    @property
    def last_day(self) -> date:
        return self.next().first_day - timedelta(days=1)

    def months(self) -> list[date]:
        """The first day of each month the period covers."""
        first = self.first_day
        return [date(first.year, first.month + n, 1) for n in range(_MONTHS_IN[self.granularity])]

    def next(self) -> Period:
        per_year = 12 // _MONTHS_IN[self.granularity]
        if self.index == per_year:
            return Period(self.granularity, self.year + 1, 1)
        return Period(self.granularity, self.year, self.index + 1)

    def previous(self) -> Period:
        per_year = 12 // _MONTHS_IN[self.granularity]
        if self.index == 1:
            return Period(self.granularity, self.year - 1, per_year)
        return Period(self.granularity, self.year, self.index - 1)

    def key(self) -> str:
        """``2026-Q3``, ``2026-07`` or ``2026``: what the address and the exports carry."""
        if self.granularity is Granularity.QUARTER:
            return f"{self.year}-Q{self.index}"
        if self.granularity is Granularity.MONTH:
            return f"{self.year}-{self.index:02d}"
        return str(self.year)

    def label(self) -> str:
        return self.key()

    def contains(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


def period_of(granularity: Granularity, day: date) -> Period:
    """The period of this granularity the day falls in."""
    if granularity is Granularity.MONTH:
        return Period(granularity, day.year, day.month)
    if granularity is Granularity.QUARTER:
        return Period(granularity, day.year, (day.month - 1) // 3 + 1)
    return Period(granularity, day.year, 1)


def parse_period(text: str) -> Period | None:
    """``2026-Q3`` / ``2026-07`` / ``2026`` → the period; anything else (other digits than ASCII, a year out of
    range, text longer than a period) → None."""
    if len(text) > MAX_PERIOD_TEXT:
        return None
    for granularity, pattern in _PATTERNS:
        match = pattern.fullmatch(text.strip())
        if match:
            year = int(match.group(1))
            if not 2000 <= year <= 2100:
                return None
            return Period(granularity, year, int(match.group(2)) if match.lastindex == 2 else 1)
    return None


def recent_periods(granularity: Granularity, today: date, count: int) -> list[Period]:
    """The ``count`` periods up to and including today's, newest first (the dashboard's choices)."""
    period, periods = period_of(granularity, today), []
    for _ in range(count):
        periods.append(period)
        period = period.previous()
    return periods


def months_before(today: date, count: int) -> list[date]:
    """The first days of today's month and the ``count - 1`` months before it, oldest first."""
    month = period_of(Granularity.MONTH, today)
    months = []
    for _ in range(count):
        months.append(month.first_day)
        month = month.previous()
    return months[::-1]
