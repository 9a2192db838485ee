"""The clock protocol: domain code takes the time as an argument, never calls now()."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

STATUTORY_ZONE = ZoneInfo("Asia/Shanghai")
"""Statutory dates are calendar dates in China Standard Time (DESIGN.md Style 3)."""


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(tz=UTC)


class FixedClock:
    """A clock that says what it is told; for tests and replaying."""

    def __init__(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


def statutory_date(moment: datetime) -> date:
    """The calendar date of an instant in Asia/Shanghai, as the rules count days."""
    if moment.tzinfo is None:
        raise ValueError("statutory_date needs a timezone-aware datetime")
    return moment.astimezone(STATUTORY_ZONE).date()
