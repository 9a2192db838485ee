"""The claims sweep: remind the adjuster before a statutory date, escalate when it has passed — each once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext

from xiaobao.audit.recorder import record
from xiaobao.claims import events
from xiaobao.claims.actions._shared import _recompute, _staff_with
from xiaobao.claims.models import ClaimDeadline, ClaimReminderSent
from xiaobao.deadlines.clock import reminder_kind
from xiaobao.kernel.actors import SYSTEM, Role
from xiaobao.notifications.actions import tell_staff
from xiaobao.ops import clock


@dataclass
class ClaimSweepResult:
    reminded: int = 0
    escalated: int = 0
    confirmed: int = 0


def claims_sweep(*, reminder_days: tuple[int, ...] | None = None) -> ClaimSweepResult:
    """Each running clock due within the largest threshold: one reminder per threshold to the adjuster (or the
    supervisors while none is assigned), one escalation to supervisors and compliance once overdue.
    Each claim is its own transaction."""
    thresholds = tuple(sorted(reminder_days or settings.XIAOBAO_REMINDER_DAYS))
    result = ClaimSweepResult(confirmed=_confirm_provisional())
    today = clock.today()
    horizon = today + timedelta(days=max(thresholds))
    due_soon = ClaimDeadline.objects.filter(active=True, state=ClaimDeadline.RUNNING, due__lte=horizon)
    for deadline_id in list(due_soon.order_by("due").values_list("pk", flat=True)):
        with transaction.atomic():
            deadline = (
                ClaimDeadline.objects.select_for_update(of=("self",))
                .select_related("claim", "claim__adjuster__user")
                .filter(pk=deadline_id, active=True, state=ClaimDeadline.RUNNING)
                .first()
            )
            if deadline is None:
                continue
            days_left = (deadline.due - today).days
            kind = reminder_kind(days_left, thresholds)
            _, created = ClaimReminderSent.objects.get_or_create(deadline=deadline, kind=kind)
            if not created:
                continue
            claim = deadline.claim
            if kind == "overdue":
                recipients = _staff_with(claim, Role.SUPERVISOR, Role.COMPLIANCE_OFFICER)
                body = gettext("Claim %(reference)s is overdue: %(clock)s was due on %(due)s (%(rule)s).")
                event, result.escalated = events.ESCALATED, result.escalated + 1
            else:
                recipients = [claim.adjuster] if claim.adjuster else _staff_with(claim, Role.SUPERVISOR)
                body = gettext("Claim %(reference)s: %(clock)s is due on %(due)s (%(rule)s), %(days)s days left.")
                event, result.reminded = events.REMINDED, result.reminded + 1
            text = body % {
                "reference": claim.reference,
                "clock": deadline.clock,
                "due": deadline.due.isoformat(),
                "rule": deadline.rule_id,
                "days": days_left,
            }
            tell_staff(
                actor=SYSTEM,
                staff=recipients,
                reference=claim.reference or "",
                purpose=f"claim_deadline_{kind}",
                body=text,
                insurer_id=claim.insurer_id,
                about=claim,
            )
            record(
                event_type=event,
                actor=SYSTEM,
                subject=claim,
                insurer_id=claim.insurer_id,
                new={"clock": deadline.clock, "kind": kind, "due": deadline.due.isoformat(), "days_left": days_left},
            )
    return result


def _confirm_provisional() -> int:
    """Dates computed before their year's calendar was published, computed again now it may be."""
    confirmed = 0
    for deadline_id in list(ClaimDeadline.objects.filter(active=True, provisional=True).values_list("pk", flat=True)):
        with transaction.atomic():
            deadline = ClaimDeadline.objects.select_for_update().select_related("claim").get(pk=deadline_id)
            guessed = deadline.due
            _recompute(deadline.claim, deadline)
            if not deadline.provisional:
                deadline.save(update_fields=["due", "target", "provisional"])
                confirmed += 1
                record(
                    event_type=events.DEADLINE_CONFIRMED,
                    actor=SYSTEM,
                    subject=deadline.claim,
                    insurer_id=deadline.claim.insurer_id,
                    old={"due": guessed.isoformat(), "provisional": True},
                    new={"clock": deadline.clock, "due": deadline.due.isoformat(), "provisional": False},
                )
    return confirmed
