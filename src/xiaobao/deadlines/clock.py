"""The clock of one statutory limit: its due date, its state on a given day, and why.

Pure: the calendar and "today" are arguments. RULES.md ids:
- CMP-T7 counting: the start day is not counted; a last day that is a rest day
  moves to the next working day (where the rule says so).
- CMP-T4 pauses: days spent in external appraisal or mediation do not count.
- CMP-T5 restart: new facts restart the clock from the day they are received.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from xiaobao.deadlines.rules import DEFAULT, Rule, RuleSet, Unit
from xiaobao.kernel.calendar import BusinessCalendar, CalendarYearNotLoaded
from xiaobao.kernel.i18n import _


@dataclass(frozen=True)
class Pause:
    """The clock stood still from ``start`` (inclusive) until ``end`` (exclusive; None: still paused)."""

    start: date
    end: date | None = None
    reason: str = ""

    def days(self, until: date) -> int:
        """Calendar days paused, counting an open pause up to ``until`` (exclusive)."""
        return max(((self.end or until) - self.start).days, 0)


@dataclass(frozen=True)
class Said:
    """One sentence of an explanation: a message marked for translation and its values. Values that are
    themselves words (a weekday, a unit) are marked too, so the reader's language can translate them."""

    message: str
    params: dict[str, object]

    def text(self, translate: Callable[[str], str] = lambda message: message) -> str:
        words = {
            k: translate(v) if k in TRANSLATED_PARAMS and isinstance(v, str) else v for k, v in self.params.items()
        }
        return translate(self.message) % words


WEEKDAYS = (_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday"))
UNIT_WORDS = (_("calendar days"), _("working days"))
"""The values of ``rules.Unit``, marked so a page can say them in its reader's language."""
TRANSLATED_PARAMS = frozenset({"weekday", "unit", "what", "counts_from", "reason", "holiday"})


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
    said: tuple[Said, ...] = field(default=(), compare=False)
    """How the date is reached, one sentence each, to be translated where a person reads it."""

    @property
    def steps(self) -> tuple[str, ...]:
        return tuple(sentence.text() for sentence in self.said)

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
    said: list[Said] = []

    def say(message: str, **params: object) -> None:
        said.append(Said(message, params))

    say(
        _("%(rule)s: %(what)s within %(length)s %(unit)s of %(counts_from)s."),
        rule=rule.id,
        what=rule.what,
        length=rules.total_length(rule),
        unit=rule.unit.value,
        counts_from=rule.counts_from,
    )
    say(_("Source: %(source)s."), source=rule.source)
    if restarted_on is not None:
        say(
            _("New facts received %(day)s: the clock restarts from that day (CMP-T5)."),
            day=restarted_on.isoformat(),
        )
        start = restarted_on
        pauses = [p for p in pauses if p.start > start]
    length = rules.total_length(rule)
    first = start + timedelta(days=1)
    say(
        _("Started %(start)s; that day is not counted, day 1 is %(first)s (CMP-T7)."),
        start=start.isoformat(),
        first=f"{first:%m-%d}",
    )
    until = today or start
    paused = 0
    for pause in pauses:
        days = pause.days(max(until, pause.start))
        if rule.unit is Unit.WORKING_DAYS:
            days = calendar.working_days_between(pause.start, (pause.end or until) - timedelta(days=1))
        paused += days
        params = {"start": pause.start.isoformat(), "days": days, "unit": rule.unit.value, "reason": pause.reason}
        if pause.end:
            say(
                _("Paused from %(start)s until %(end)s: %(days)s %(unit)s do not count (CMP-T4)."),
                **params,
                end=pause.end.isoformat(),
            )
        else:
            say(_("Paused from %(start)s and still paused: %(days)s %(unit)s do not count (CMP-T4)."), **params)

    if rule.unit is Unit.WORKING_DAYS:
        due = calendar.add_working_days(start, length + paused)
        say(
            _("Counting %(days)s working days, skipping %(skipped)s rest days: day %(days)s is %(due)s (%(weekday)s)."),
            days=length + paused,
            skipped=(due - start).days - (length + paused),
            due=due.isoformat(),
            weekday=WEEKDAYS[due.weekday()],
        )
        say(_("Due: %(due)s."), due=due.isoformat())
        return Deadline(rule, start, due, due, paused, tuple(said))

    last = start + timedelta(days=length + paused)
    day = {"last": last.isoformat(), "weekday": WEEKDAYS[last.weekday()], "length": length, "paused": paused}
    if paused:
        say(_("Day %(length)s + %(paused)s paused is %(last)s (%(weekday)s)."), **day)
    else:
        say(_("Day %(length)s is %(last)s (%(weekday)s)."), **day)
    due = _last_day(last, calendar, rolls=rule.roll_forward if roll_forward is None else roll_forward, say=say)
    say(_("Due: %(due)s."), due=due.isoformat())
    return Deadline(rule, start, due, last, paused, tuple(said))


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


def _last_day(last: date, calendar: BusinessCalendar, *, rolls: bool, say: Callable[..., None]) -> date:
    """CMP-T7: a last day that is a rest day moves to the next working day (where the rule says so)."""
    if calendar.is_rest_day(last) and rolls:
        due = calendar.next_working_day(last)
        holiday = calendar.holiday_name(last)
        moved = {"last": f"{last:%m-%d}", "due": due.isoformat(), "weekday": WEEKDAYS[due.weekday()]}
        if holiday:
            say(
                _(
                    "%(last)s falls in the %(holiday)s holiday: moved to the next working day, %(due)s (%(weekday)s) "
                    "(CMP-T7)."
                ),
                holiday=holiday,
                **moved,
            )
        else:
            say(
                _("%(last)s is a weekend rest day: moved to the next working day, %(due)s (%(weekday)s) (CMP-T7)."),
                **moved,
            )
    else:
        due = last
        if calendar.is_adjusted_working_day(last):
            say(
                _("%(last)s is a %(weekday)s but an adjusted working day (调休): it stands."),
                last=f"{last:%m-%d}",
                weekday=WEEKDAYS[last.weekday()],
            )
        elif calendar.is_rest_day(last):
            say(_("%(last)s is a rest day; this rule does not move it."), last=f"{last:%m-%d}")
    return due
