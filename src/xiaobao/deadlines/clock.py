"""The clock of one statutory limit: its due date, its state on a given day, and why.

Pure: the calendar and "today" are arguments. RULES.md ids:
- CMP-T7 counting: the start day is not counted; a last day that is a rest day
  moves to the next working day (where the rule says so).
- CMP-T4 pauses: days spent in external appraisal or mediation do not count.
- CMP-T5 restart: new facts restart the clock from the day they are received.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from xiaobao.deadlines.rules import DEFAULT, Rule, RuleSet, Unit
from xiaobao.kernel.calendar import BusinessCalendar, CalendarYearNotLoaded


@dataclass(frozen=True)
class Pause:
    """The clock stood still from ``start`` (inclusive) until ``end`` (exclusive; None: still paused)."""

    start: date
    end: date | None = None
    reason: str = ""

    def days(self, until: date) -> int:
        """Calendar days paused, counting an open pause up to ``until`` (exclusive)."""
        return max(((self.end or until) - self.start).days, 0)


class ClockState(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    DUE_SOON = "due soon"
    OVERDUE = "overdue"
    MET = "met"
    MISSED = "missed"


@dataclass(frozen=True)
class Deadline:
    rule: Rule
    start: date
    due: date
    counted_last_day: date
    """The last day before roll-forward; ``due`` differs when that day was a rest day."""
    paused_days: int
    steps: tuple[str, ...] = field(default=(), compare=False)

    def explain(self) -> str:
        return "\n".join(self.steps)


def due_date(
    rule: Rule,
    start: date,
    calendar: BusinessCalendar,
    *,
    paused_days: int = 0,
    rules: RuleSet = DEFAULT,
    roll_forward: bool | None = None,
) -> date:
    """The due date alone: the hot path, with no explanation built."""
    length = rules.total_length(rule)
    if rule.unit is Unit.WORKING_DAYS:
        return calendar.add_working_days(start, length + paused_days)
    last = start + timedelta(days=length + paused_days)
    if rule.roll_forward if roll_forward is None else roll_forward:
        return calendar.next_working_day(last)
    calendar.is_working_day(last)  # a year the calendar does not hold is an error, rolled or not
    return last


def provisional_due_date(
    rule: Rule,
    start: date,
    calendar: BusinessCalendar,
    *,
    paused_days: int = 0,
    rules: RuleSet = DEFAULT,
) -> tuple[date, bool]:
    """The due date, or — when it falls in a year whose State Council schedule is not yet published — the
    earliest it can be, flagged provisional: calendar days without the roll-forward, working days counting
    weekends only. Never later than the true date, so nobody is told a date the law would not keep.
    Recompute once the year is loaded (RULES.md: a date outside the calendar is never a silent guess)."""
    try:
        return due_date(rule, start, calendar, paused_days=paused_days, rules=rules), False
    except CalendarYearNotLoaded:
        pass
    length = rules.total_length(rule) + paused_days
    if rule.unit is Unit.CALENDAR_DAYS:
        return start + timedelta(days=length), True
    day = start
    while length > 0:
        day += timedelta(days=1)
        if (calendar.holds(day) and calendar.is_working_day(day)) or (not calendar.holds(day) and day.weekday() < 5):
            length -= 1
    return day, True


def compute(
    rule: Rule,
    start: date,
    calendar: BusinessCalendar,
    *,
    pauses: Sequence[Pause] = (),
    restarted_on: date | None = None,
    today: date | None = None,
    rules: RuleSet = DEFAULT,
    roll_forward: bool | None = None,
) -> Deadline:
    """The due date with the reasoning a person can follow.

    ``restarted_on`` (CMP-T5) replaces the start and drops pauses before it.
    For working-day rules a pause moves the limit by the working days it covered.
    """
    steps = [f"{rule.id}: {rule.what} within {rules.total_length(rule)} {rule.unit.value} of {rule.counts_from}."]
    steps.append(f"Source: {rule.source}.")
    if restarted_on is not None:
        steps.append(f"New facts received {restarted_on:%Y-%m-%d}: the clock restarts from that day (CMP-T5).")
        start = restarted_on
        pauses = [p for p in pauses if p.start > start]
    length = rules.total_length(rule)
    first = start + timedelta(days=1)
    steps.append(f"Started {start:%Y-%m-%d}; that day is not counted, day 1 is {first:%m-%d} (CMP-T7).")
    until = today or start
    paused = 0
    for pause in pauses:
        days = pause.days(max(until, pause.start))
        if rule.unit is Unit.WORKING_DAYS:
            days = calendar.working_days_between(pause.start, (pause.end or until) - timedelta(days=1))
        paused += days
        ending = f"until {pause.end:%Y-%m-%d}" if pause.end else "and still paused"
        reason = f" ({pause.reason})" if pause.reason else ""
        steps.append(
            f"Paused from {pause.start:%Y-%m-%d} {ending}{reason}: {days} {rule.unit.value} do not count (CMP-T4)."
        )

    if rule.unit is Unit.WORKING_DAYS:
        due = calendar.add_working_days(start, length + paused)
        skipped = (due - start).days - (length + paused)
        steps.append(
            f"Counting {length + paused} working days, skipping {skipped} rest days: day {length + paused} "
            f"is {due:%Y-%m-%d} ({due:%A})."
        )
        steps.append(f"Due: {due:%Y-%m-%d}.")
        return Deadline(rule, start, due, due, paused, tuple(steps))

    last = start + timedelta(days=length + paused)
    total = f"{length} + {paused} paused" if paused else f"{length}"
    steps.append(f"Day {total} is {last:%Y-%m-%d} ({last:%A}).")
    rolls = rule.roll_forward if roll_forward is None else roll_forward
    if calendar.is_rest_day(last) and rolls:
        due = calendar.next_working_day(last)
        holiday = calendar.holiday_name(last)
        why = f"falls in the {holiday} holiday" if holiday else "is a weekend rest day"
        steps.append(f"{last:%m-%d} {why}: moved to the next working day, {due:%Y-%m-%d} ({due:%A}) (CMP-T7).")
    else:
        due = last
        if calendar.is_adjusted_working_day(last):
            steps.append(f"{last:%m-%d} is a {last:%A} but an adjusted working day (调休): it stands.")
        elif calendar.is_rest_day(last):
            steps.append(f"{last:%m-%d} is a rest day; this rule does not move it.")
    steps.append(f"Due: {due:%Y-%m-%d}.")
    return Deadline(rule, start, due, last, paused, tuple(steps))


def reminder_kind(days_left: int, thresholds: Sequence[int]) -> str:
    """Which reminder a clock is due: "overdue", or the smallest threshold it is within ("2d" before "5d").
    The caller only asks within the largest threshold."""
    return "overdue" if days_left < 0 else f"{min(t for t in thresholds if days_left <= t)}d"


def state_on(
    deadline_due: date,
    today: date,
    *,
    paused: bool = False,
    completed_on: date | None = None,
    due_soon_days: int = 3,
) -> tuple[ClockState, int]:
    """The clock's state on ``today`` and the calendar days left (negative when overdue)."""
    days_left = (deadline_due - today).days
    if completed_on is not None:
        return (ClockState.MET if completed_on <= deadline_due else ClockState.MISSED), days_left
    if paused:
        return ClockState.PAUSED, days_left
    if days_left < 0:
        return ClockState.OVERDUE, days_left
    if days_left <= due_soon_days:
        return ClockState.DUE_SOON, days_left
    return ClockState.RUNNING, days_left
