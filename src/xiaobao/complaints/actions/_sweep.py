"""The periodic sweep: reminders before a deadline, escalation after, extensions applied once told."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext

from xiaobao.audit.recorder import record
from xiaobao.complaints import events
from xiaobao.complaints.actions._extensions import complaint_apply_extension
from xiaobao.complaints.actions._shared import (
    _refresh,
    _staff_with,
)
from xiaobao.complaints.domain import clocks
from xiaobao.complaints.models import (
    Deadline,
    Extension,
)
from xiaobao.complaints.notices import tell_staff
from xiaobao.deadlines.clock import reminder_kind
from xiaobao.kernel.actors import SYSTEM, Role
from xiaobao.notifications.models import Status
from xiaobao.ops import clock


@dataclass
class SweepResult:
    reminded: int = 0
    escalated: int = 0
    extensions_applied: int = 0
    confirmed: int = 0


def complaints_sweep(*, reminder_days: tuple[int, ...] | None = None) -> SweepResult:
    """Remind the handler and supervisors before a deadline (e.g. 5 and 2 days), escalate an overdue case
    to supervisors and compliance, each once; let approved CMP-T3 extensions take effect once told.

    Each case is its own transaction, so one failure does not hold back the rest.
    """
    from django.conf import settings

    from xiaobao.complaints.models import ReminderSent
    from xiaobao.complaints.selectors import due_within

    thresholds = tuple(sorted(reminder_days or settings.XIAOBAO_REMINDER_DAYS))
    result = SweepResult(confirmed=_confirm_provisional())
    today = clock.today()
    for deadline_id in list(due_within(days=max(thresholds), today=today).values_list("pk", flat=True)):
        with transaction.atomic():
            deadline = (
                Deadline.objects.select_for_update()
                .select_related("complaint")
                .filter(pk=deadline_id, active=True, state=Deadline.RUNNING)
                .first()
            )
            if deadline is None:
                continue
            days_left = (deadline.due - today).days
            kind = reminder_kind(days_left, thresholds)
            _, created = ReminderSent.objects.get_or_create(deadline=deadline, kind=kind)
            if not created:
                continue
            complaint = deadline.complaint
            if kind == "overdue":
                recipients = _staff_with(complaint, Role.SUPERVISOR, Role.COMPLIANCE_OFFICER)
                body = gettext("%(reference)s is overdue: it was due on %(due)s (%(rule)s).")
                event, result.escalated = events.ESCALATED, result.escalated + 1
            else:
                recipients = _staff_with(complaint, Role.SUPERVISOR) + (
                    [complaint.handler] if complaint.handler else []
                )
                body = gettext("%(reference)s is due on %(due)s (%(rule)s): %(days)s days left.")
                event, result.reminded = events.REMINDED, result.reminded + 1
            text = body % {
                "reference": complaint.reference,
                "due": deadline.due.isoformat(),
                "rule": deadline.rule_id,
                "days": days_left,
            }
            tell_staff(actor=SYSTEM, staff=recipients, complaint=complaint, purpose=f"deadline_{kind}", body=text)
            record(
                event_type=event,
                actor=SYSTEM,
                subject=complaint,
                insurer_id=complaint.insurer_id,
                new={"kind": kind, "due": deadline.due.isoformat(), "days_left": days_left},
            )
    result.extensions_applied = _apply_told_extensions()
    return result


def _apply_told_extensions() -> int:
    applied = 0
    waiting = Extension.objects.filter(
        approved=True,
        effective_at__isnull=True,
        to_complexity=clocks.Complexity.PARTICULARLY_COMPLEX.value,
        notice__status=Status.SENT,
    ).values_list("pk", flat=True)
    for extension_id in list(waiting):
        complaint_apply_extension(actor=SYSTEM, extension_id=extension_id)
        applied += 1
    return applied


def _confirm_provisional() -> int:
    """Due dates computed before their year's calendar was published, computed again now it may be."""
    confirmed = 0
    for deadline_id in list(Deadline.objects.filter(active=True, provisional=True).values_list("pk", flat=True)):
        with transaction.atomic():
            deadline = Deadline.objects.select_for_update(of=("self",)).select_related("complaint").get(pk=deadline_id)
            guessed = deadline.due
            _refresh(deadline, deadline.complaint, paused=deadline.state == Deadline.PAUSED)
            if not deadline.provisional:
                confirmed += 1
                record(
                    event_type=events.DEADLINE_CONFIRMED,
                    actor=SYSTEM,
                    subject=deadline.complaint,
                    insurer_id=deadline.complaint.insurer_id,
                    old={"due": guessed.isoformat(), "provisional": True},
                    new={"rule": deadline.rule_id, "due": deadline.due.isoformat(), "provisional": False},
                )
    return confirmed
