"""When a call-back is due, who is called first, and whether the call came in time (MISSION INC-1, RULES.md INC-E3).

INC-E3 asks for a one-key transfer to a human agent and priority handling of elderly people; INC-1 for one press
that reaches a person. Someone who asks to be called back is called:

- *as soon as possible*: within ``PRIORITY_TARGET`` (30 minutes) of service time when they are elderly, disabled
  or a new urban resident, within ``STANDARD_TARGET`` (2 hours) otherwise;
- or *in the slot they chose* (today or tomorrow; morning, afternoon or evening): the call is due at the slot's
  start (or at once, when the slot has already begun) and is in time until the slot ends.

Service hours are ``SERVICE_OPENS``–``SERVICE_CLOSES`` China Standard Time every day, public holidays included:
a request made at night counts from the next opening. The queue puts priority people first, then the earliest
target. Times are aware datetimes; nothing here asks the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from xiaobao.kernel.errors import InvalidInput
from xiaobao.kernel.i18n import _

ZONE = ZoneInfo("Asia/Shanghai")
SERVICE_OPENS = time(8, 0)
SERVICE_CLOSES = time(20, 0)
PRIORITY_TARGET = timedelta(minutes=30)
"""Elderly, disabled and new-urban-resident callers (INC-E3 priority handling; MISSION INC-1, INC-2, INC-3)."""
STANDARD_TARGET = timedelta(hours=2)


class Slot(StrEnum):
    SOON = "soon"
    TODAY_MORNING = "today_morning"
    TODAY_AFTERNOON = "today_afternoon"
    TODAY_EVENING = "today_evening"
    TOMORROW_MORNING = "tomorrow_morning"
    TOMORROW_AFTERNOON = "tomorrow_afternoon"
    TOMORROW_EVENING = "tomorrow_evening"


SLOT_TEXT: dict[Slot, str] = {
    Slot.SOON: _("As soon as possible"),
    Slot.TODAY_MORNING: _("Today, morning (8:00–12:00)"),
    Slot.TODAY_AFTERNOON: _("Today, afternoon (12:00–17:00)"),
    Slot.TODAY_EVENING: _("Today, evening (17:00–20:00)"),
    Slot.TOMORROW_MORNING: _("Tomorrow, morning (8:00–12:00)"),
    Slot.TOMORROW_AFTERNOON: _("Tomorrow, afternoon (12:00–17:00)"),
    Slot.TOMORROW_EVENING: _("Tomorrow, evening (17:00–20:00)"),
}

_PARTS: dict[str, tuple[time, time]] = {
    "morning": (time(8, 0), time(12, 0)),
    "afternoon": (time(12, 0), time(17, 0)),
    "evening": (time(17, 0), SERVICE_CLOSES),
}


class SlotPassed(InvalidInput):
    code = "slot_passed"
    default_message = _("That time has already passed today. Choose a later time, or as soon as possible.")


@dataclass(frozen=True)
class Target:
    """``due_at``: when the call should be made (the queue's order); ``late_after``: past it the call is late."""

    due_at: datetime
    late_after: datetime


def is_priority(*, elderly: bool, disabled: bool, new_urban_resident: bool) -> bool:
    """Elderly, disabled and new urban residents are called first (INC-E3; MISSION INC-1..INC-3)."""
    return elderly or disabled or new_urban_resident


def _local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("call-back times must be timezone-aware")
    return moment.astimezone(ZONE)


def _at(day: date, clock_time: time) -> datetime:
    return datetime.combine(day, clock_time, tzinfo=ZONE)


def slot_window(slot: Slot, requested_at: datetime) -> tuple[datetime, datetime]:
    """The start and end of a chosen slot, on the day of the request or the next."""
    if slot is Slot.SOON:
        raise ValueError("'as soon as possible' is not a slot of the day")
    day_word, part = slot.value.split("_")
    day = _local(requested_at).date() + timedelta(days=1 if day_word == "tomorrow" else 0)
    starts, ends = _PARTS[part]
    return _at(day, starts), _at(day, ends)


def slots_open(now: datetime) -> list[Slot]:
    """The choices still possible now: as soon as possible, and every slot that has not ended."""
    return [slot for slot in Slot if slot is Slot.SOON or slot_window(slot, now)[1] > now]


def add_service_time(start: datetime, span: timedelta) -> datetime:
    """``start`` plus ``span`` counted in service hours only (a night request starts at the next opening)."""
    moment, remaining = _local(start), span
    while True:
        day = moment.date()
        opens, closes = _at(day, SERVICE_OPENS), _at(day, SERVICE_CLOSES)
        if moment < opens:
            moment = opens
        elif moment >= closes:
            moment = _at(day + timedelta(days=1), SERVICE_OPENS)
            continue
        if moment + remaining <= closes:
            return moment + remaining
        remaining -= closes - moment
        moment = _at(day + timedelta(days=1), SERVICE_OPENS)


def call_target(*, slot: Slot, requested_at: datetime, priority: bool) -> Target:
    """When this request is due and when a call stops being in time (INC-E3; the numbers are above)."""
    if slot is Slot.SOON:
        due = add_service_time(requested_at, PRIORITY_TARGET if priority else STANDARD_TARGET)
        return Target(due_at=due, late_after=due)
    starts, ends = slot_window(slot, requested_at)
    if ends <= _local(requested_at):
        raise SlotPassed()
    return Target(due_at=max(starts, _local(requested_at)), late_after=ends)


QUEUE_ORDER = ("-priority", "target_at", "requested_at", "pk")
"""The staff queue's order as model fields: priority people first, then the earliest target (INC-E3)."""


def queue_key(
    *, priority: bool, target_at: datetime, requested_at: datetime, pk: int
) -> tuple[bool, datetime, datetime, int]:
    """``QUEUE_ORDER`` as a sort key, for pure code and the tests that hold the two together."""
    return (not priority, target_at, requested_at, pk)


class Timeliness(StrEnum):
    IN_TIME = "in_time"
    LATE = "late"
    OPEN = "open"
    OVERDUE = "overdue"


TIMELINESS_TEXT: dict[Timeliness, str] = {
    Timeliness.IN_TIME: _("called in time"),
    Timeliness.LATE: _("called late"),
    Timeliness.OPEN: _("waiting, still in time"),
    Timeliness.OVERDUE: _("waiting, overdue"),
}


def timeliness(*, late_after: datetime, first_attempt_at: datetime | None, now: datetime) -> Timeliness:
    """Measured at the first call made (answered or not): the promise is that someone calls in time."""
    if first_attempt_at is not None:
        return Timeliness.IN_TIME if first_attempt_at <= late_after else Timeliness.LATE
    return Timeliness.OVERDUE if now > late_after else Timeliness.OPEN
