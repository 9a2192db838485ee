"""The periodic sweep: reminders before a deadline, escalation after, extensions applied once told."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext

from xiaobao.casework.actions import OVERDUE, SweepPlan, clocks_sweep
from xiaobao.complaints import events
from xiaobao.complaints.actions._extensions import complaint_apply_extension
from xiaobao.complaints.actions._partners import FORWARD_PLAN
from xiaobao.complaints.actions._shared import (
    _refresh,
    _staff_with,
)
from xiaobao.complaints.domain import clocks
from xiaobao.complaints.models import Deadline, Extension, ReminderSent
from xiaobao.complaints.notices import tell_staff
from xiaobao.identity.models import Staff
from xiaobao.kernel.actors import SYSTEM, Role
from xiaobao.notifications.models import Status
from xiaobao.ops import clock


@dataclass
class SweepResult:
    reminded: int = 0
    escalated: int = 0
    extensions_applied: int = 0
    confirmed: int = 0
    partners_reminded: int = 0
    partners_escalated: int = 0


def _recipients(deadline: Deadline, kind: str) -> list[Staff]:
    """Overdue: supervisors and compliance; before: the supervisors and the handler (CMP-1)."""
    complaint = deadline.complaint
    if kind == OVERDUE:
        return _staff_with(complaint, Role.SUPERVISOR, Role.COMPLIANCE_OFFICER)
    return _staff_with(complaint, Role.SUPERVISOR) + ([complaint.handler] if complaint.handler else [])


def _tell(deadline: Deadline, kind: str, days_left: int, recipients: Sequence[Staff]) -> None:
    if kind == OVERDUE:
        body = gettext("%(reference)s is overdue: it was due on %(due)s (%(rule)s).")
    else:
        body = gettext("%(reference)s is due on %(due)s (%(rule)s): %(days)s days left.")
    text = body % {
        "reference": deadline.complaint.reference,
        "due": deadline.due.isoformat(),
        "rule": deadline.rule_id,
        "days": days_left,
    }
    tell_staff(actor=SYSTEM, staff=recipients, complaint=deadline.complaint, purpose=f"deadline_{kind}", body=text)


PLAN: SweepPlan[Deadline] = SweepPlan(
    clocks=Deadline,
    reminders=ReminderSent,
    case_of=lambda deadline: deadline.complaint,
    related=("complaint", "complaint__handler__user"),
    recipients=_recipients,
    tell=_tell,
    reminded=events.REMINDED,
    escalated=events.ESCALATED,
    confirmed=events.DEADLINE_CONFIRMED,
    describe=lambda deadline: {},
    recompute=lambda deadline: _refresh(deadline, deadline.complaint, paused=deadline.state == Deadline.PAUSED),
    confirmed_names=lambda deadline: {"rule": deadline.rule_id},
)


def complaints_sweep(*, reminder_days: tuple[int, ...] | None = None) -> SweepResult:
    """Remind the handler and supervisors before a deadline (e.g. 5 and 2 days), escalate an overdue case
    to supervisors and compliance, each once; let approved CMP-T3 extensions take effect once told."""
    thresholds, today = reminder_days or settings.XIAOBAO_REMINDER_DAYS, clock.today()
    counts = clocks_sweep(PLAN, thresholds=thresholds, today=today)
    # a partner's few days: the partner and the handler reminded the day before, escalated once late (CHN-3)
    partners = clocks_sweep(FORWARD_PLAN, thresholds=(1,), today=today)
    return SweepResult(
        reminded=counts.reminded,
        escalated=counts.escalated,
        confirmed=counts.confirmed,
        extensions_applied=_apply_told_extensions(),
        partners_reminded=partners.reminded,
        partners_escalated=partners.escalated,
    )


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
