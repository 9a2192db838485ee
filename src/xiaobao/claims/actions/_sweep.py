"""The claims sweep: remind the adjuster before a statutory date, escalate when it has passed — each once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext

from xiaobao.casework.actions import OVERDUE, SweepPlan, clocks_sweep
from xiaobao.claims import events
from xiaobao.claims.actions._shared import _recompute, _staff_with
from xiaobao.claims.models import ClaimDeadline, ClaimReminderSent
from xiaobao.identity.models import Staff
from xiaobao.kernel.actors import SYSTEM, Role
from xiaobao.notifications.actions import tell_staff
from xiaobao.ops import clock


@dataclass
class ClaimSweepResult:
    reminded: int = 0
    escalated: int = 0
    confirmed: int = 0


def _recipients(deadline: ClaimDeadline, kind: str) -> list[Staff]:
    """Overdue: supervisors and compliance; before: the adjuster, or the supervisors while none is assigned."""
    claim = deadline.claim
    if kind == OVERDUE:
        return _staff_with(claim, Role.SUPERVISOR, Role.COMPLIANCE_OFFICER)
    return [claim.adjuster] if claim.adjuster else _staff_with(claim, Role.SUPERVISOR)


def _tell(deadline: ClaimDeadline, kind: str, days_left: int, recipients: Sequence[Staff]) -> None:
    claim = deadline.claim
    if kind == OVERDUE:
        body = gettext("Claim %(reference)s is overdue: %(clock)s was due on %(due)s (%(rule)s).")
    else:
        body = gettext("Claim %(reference)s: %(clock)s is due on %(due)s (%(rule)s), %(days)s days left.")
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


def _recompute_and_save(deadline: ClaimDeadline) -> None:
    _recompute(deadline.claim, deadline)
    deadline.save(update_fields=["due", "target", "provisional"])


PLAN: SweepPlan[ClaimDeadline] = SweepPlan(
    clocks=ClaimDeadline,
    reminders=ClaimReminderSent,
    case_of=lambda deadline: deadline.claim,
    related=("claim", "claim__adjuster__user"),
    recipients=_recipients,
    tell=_tell,
    reminded=events.REMINDED,
    escalated=events.ESCALATED,
    confirmed=events.DEADLINE_CONFIRMED,
    describe=lambda deadline: {"clock": deadline.clock},
    recompute=_recompute_and_save,
    confirmed_names=lambda deadline: {"clock": deadline.clock},
)


def claims_sweep(*, reminder_days: tuple[int, ...] | None = None) -> ClaimSweepResult:
    """Each running clock due within the largest threshold: one reminder per threshold to the adjuster (or the
    supervisors while none is assigned), one escalation to supervisors and compliance once overdue."""
    counts = clocks_sweep(PLAN, thresholds=reminder_days or settings.XIAOBAO_REMINDER_DAYS, today=clock.today())
    return ClaimSweepResult(reminded=counts.reminded, escalated=counts.escalated, confirmed=counts.confirmed)
