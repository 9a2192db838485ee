"""Remediation of a root cause (CMP-S1): when its owner is reminded, and the windows its effect is measured in.

Neither number is in RULES.md: the days before the due date a reminder goes (``XIAOBAO_REMEDIATION_REMIND_DAYS``)
and the longest window (``XIAOBAO_REMEDIATION_EFFECT_DAYS``) are settings, both *unverified* defaults.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class Reminder(StrEnum):
    BEFORE = "before"
    OVERDUE = "overdue"


def reminder_due(*, due_on: date, today: date, done: bool, days_before: int) -> Reminder | None:
    """Which reminder an action needs today, if any: ``days_before`` days ahead of its due date (or later, up to
    it), and once past it while still not done. The sweep sends each kind once."""
    if done:
        return None
    if today > due_on:
        return Reminder.OVERDUE
    if (due_on - today).days <= days_before:
        return Reminder.BEFORE
    return None


@dataclass(frozen=True)
class Windows:
    before_start: date
    completed_on: date
    after_end: date
    """Exclusive; the two windows are ``days`` long each: [before_start, completed_on) and [completed_on, after_end)."""
    days: int


def effect_windows(*, completed_on: date, today: date, longest: int) -> Windows | None:
    """Two equal windows either side of the completion date, as long as the days since completion allow (at most
    ``longest``); None on the day of completion, when there is nothing after to compare yet."""
    days = min(longest, (today - completed_on).days)
    if days <= 0:
        return None
    return Windows(completed_on - timedelta(days=days), completed_on, completed_on + timedelta(days=days), days)


def change(before: int, after: int) -> float | None:
    """The relative change from before to after (−0.5: half as many); None when there was none before."""
    return None if before == 0 else (after - before) / before
