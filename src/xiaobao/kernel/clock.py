"""The clock protocol: domain code takes the time as an argument, never calls now()."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from xiaobao.kernel.errors import InvalidInput
from xiaobao.kernel.i18n import _

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


EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2099, 12, 31)
"""The dates a case can carry. Outside them a date is a typing slip (year 1, year 9999), and converting
it between time zones or counting working days from it would overflow or find no calendar."""


class DateOutOfRange(InvalidInput):
    code = "date_out_of_range"
    default_message = _("Dates must fall between %(earliest)s and %(latest)s.")

    def __init__(self) -> None:
        super().__init__(earliest=EARLIEST_DATE.isoformat(), latest=LATEST_DATE.isoformat())


def date_in_range(day: date) -> bool:
    return EARLIEST_DATE <= day <= LATEST_DATE


def moment_in_range(moment: datetime) -> bool:
    """Whether an instant falls on an accepted date in every time zone (so converting it cannot overflow)."""
    try:
        utc = moment.astimezone(UTC) if moment.tzinfo is not None else moment
    except OverflowError:
        return False
    return date_in_range(utc.date())


def statutory_date(moment: datetime) -> date:
    """The calendar date of an instant in Asia/Shanghai, as the rules count days.

    An instant outside the accepted dates is refused (``DateOutOfRange``), never an ``OverflowError``."""
    if moment.tzinfo is None:
        raise ValueError("statutory_date needs a timezone-aware datetime")
    if not moment_in_range(moment):
        raise DateOutOfRange()
    return moment.astimezone(STATUTORY_ZONE).date()
