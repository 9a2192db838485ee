"""The deadline sweep every case type shares: remind before a statutory date, escalate once it has passed,
confirm provisional dates once their year's calendar is loaded — each once, each clock its own transaction.

The rows are locked one at a time and only the clock row itself (``of=("self",)``), so the sweep never
waits on, or blocks, the case a handler is working on, and one failure does not hold back the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Generic, TypeVar

from django.db import models, transaction

from xiaobao.audit.recorder import record
from xiaobao.audit.registry import EventType
from xiaobao.casework.clocks import StatutoryClock
from xiaobao.deadlines.clock import reminder_kind
from xiaobao.kernel.actors import SYSTEM

Clock = TypeVar("Clock", bound=StatutoryClock)

OVERDUE = "overdue"


@dataclass(frozen=True)
class SweepPlan(Generic[Clock]):
    """What one case type tells the shared sweep: its clock and reminder models, who is told and how, the
    audit events it records, and how a provisional date is computed again."""

    clocks: type[Clock]
    reminders: type[models.Model]
    case_of: Callable[[Clock], Any]
    related: Sequence[str]
    recipients: Callable[[Clock, str], Sequence[Any]]
    tell: Callable[[Clock, str, int, Sequence[Any]], None]
    reminded: EventType
    escalated: EventType
    confirmed: EventType
    describe: Callable[[Clock], Mapping[str, object]]
    """What names the clock in its events (a claim's clock name; nothing for a complaint's single clock)."""
    recompute: Callable[[Clock], object]
    """Compute the due date again and save it (the provisional flag with it)."""
    confirmed_names: Callable[[Clock], Mapping[str, object]]


@dataclass
class SweepCounts:
    reminded: int = 0
    escalated: int = 0
    confirmed: int = 0


def clocks_sweep(plan: SweepPlan[Clock], *, thresholds: Sequence[int], today: date) -> SweepCounts:
    """Each running clock due within the largest threshold (or overdue) gets one reminder per threshold it
    has reached, and one escalation once overdue; provisional dates are confirmed first."""
    counts = SweepCounts(confirmed=confirm_provisional(plan))
    ordered = tuple(sorted(thresholds))
    horizon = today + timedelta(days=max(ordered))
    due_soon = plan.clocks._default_manager.filter(active=True, state=StatutoryClock.RUNNING, due__lte=horizon)
    for clock_id in list(due_soon.order_by("due").values_list("pk", flat=True)):
        with transaction.atomic():
            deadline = (
                plan.clocks._default_manager.select_for_update(of=("self",))
                .select_related(*plan.related)
                .filter(pk=clock_id, active=True, state=StatutoryClock.RUNNING)
                .first()
            )
            if deadline is None:
                continue
            days_left = (deadline.due - today).days
            kind = reminder_kind(days_left, ordered)
            _, created = plan.reminders._default_manager.get_or_create(deadline=deadline, kind=kind)
            if not created:
                continue
            plan.tell(deadline, kind, days_left, plan.recipients(deadline, kind))
            case = plan.case_of(deadline)
            record(
                event_type=plan.escalated if kind == OVERDUE else plan.reminded,
                actor=SYSTEM,
                subject=case,
                insurer_id=case.insurer_id,
                new={**plan.describe(deadline), "kind": kind, "due": deadline.due.isoformat(), "days_left": days_left},
            )
            if kind == OVERDUE:
                counts.escalated += 1
            else:
                counts.reminded += 1
    return counts


def confirm_provisional(plan: SweepPlan[Clock]) -> int:
    """Due dates computed before their year's calendar was published, computed again now it may be; each
    date that is no longer provisional is recorded with its old and new value (visible to the consumer)."""
    confirmed = 0
    waiting = plan.clocks._default_manager.filter(active=True, provisional=True).values_list("pk", flat=True)
    for clock_id in list(waiting):
        with transaction.atomic():
            deadline = (
                plan.clocks._default_manager.select_for_update(of=("self",))
                .select_related(*plan.related)
                .filter(pk=clock_id, active=True, provisional=True)
                .first()
            )
            if deadline is None:
                continue
            guessed = deadline.due
            plan.recompute(deadline)
            if deadline.provisional:
                continue
            confirmed += 1
            case = plan.case_of(deadline)
            record(
                event_type=plan.confirmed,
                actor=SYSTEM,
                subject=case,
                insurer_id=case.insurer_id,
                old={"due": guessed.isoformat(), "provisional": True},
                new={**plan.confirmed_names(deadline), "due": deadline.due.isoformat(), "provisional": False},
            )
    return confirmed
