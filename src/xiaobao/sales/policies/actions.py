"""The only writers of policies, surrenders and refund clocks (issue #16 item 5): issue a policy from a sale
whose suitability is settled; a surrender inside the cooling-off period refunded in full minus only what the
contract allows, on a clock followed like any other; the sweep that reminds and escalates before it is missed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from xiaobao.audit.recorder import record
from xiaobao.casework.actions import OVERDUE, SweepPlan, clocks_sweep
from xiaobao.casework.clocks import StatutoryClock
from xiaobao.identity.domain.permissions import Permission, staff_may
from xiaobao.identity.models import Staff
from xiaobao.identity.selectors import staff_with
from xiaobao.kernel.actors import SYSTEM, Actor, ActorKind, Role
from xiaobao.kernel.errors import InvalidInput, NotFound, TransitionNotAllowed
from xiaobao.kernel.i18n import _
from xiaobao.notifications.actions import tell_staff
from xiaobao.ops import clock
from xiaobao.sales import events
from xiaobao.sales.domain.policies import (
    SurrenderPath,
    contract_end,
    cooling_off_last_day,
    refund_due,
    suitability_kept_until,
    surrender_terms,
)
from xiaobao.sales.models import Policy, RefundDeadline, RefundReminderSent, Surrender
from xiaobao.sales.policies import access
from xiaobao.sales.suitability import access as suitability_access
from xiaobao.sales.suitability.selectors import require_ready_to_complete

REFUND_RULE = "cooling_off_refund"
"""The refund clock's rule id: the contract's promise, not a RULES.md number (its length is a setting)."""


class PolicyNumberTaken(InvalidInput):
    code = "policy_number_taken"
    default_message = _("Another policy of this insurer already has this number.")


class RefundAlreadyRecorded(TransitionNotAllowed):
    code = "refund_recorded"
    default_message = _("The refund of this surrender is already recorded.")


@dataclass(frozen=True)
class NewPolicy:
    number: str
    premium_paid_yuan: Decimal
    starts_on: date
    received_on: date


@transaction.atomic
def policy_issue(*, actor: Actor, sale_id: int, data: NewPolicy) -> Policy:
    """Issue the policy of a sale whose suitability is settled (SAL-2, SAL-S3/S4: ``DeclarationRequired``
    otherwise). The cooling-off period ends ``product.cooling_off_days`` after the holder signs for it; the
    suitability record is then kept 5 years after the contract's end (SAL-S4). Issued once per sale."""
    sale = suitability_access.sale_for(actor, sale_id, Permission.SERVE_POLICIES, for_update=True)
    existing = Policy.objects.filter(sale_id=sale.pk).first()
    if existing is not None:
        return existing
    if sale.buyer_id is None:
        raise InvalidInput(_("The sale names no buyer: the policy needs its holder."))
    require_ready_to_complete(sale)
    product = sale.product
    if data.premium_paid_yuan <= 0 or data.received_on > clock.today() or not data.number.strip():
        raise InvalidInput(_("Give the policy number, the premium paid, and a signed-for date no later than today."))
    ends_on = contract_end(data.starts_on, product.term_months)
    policy = Policy(
        insurer_id=sale.insurer_id,
        sale=sale,
        number=data.number.strip(),
        holder_id=sale.buyer_id,
        product=product,
        premium_paid_yuan=data.premium_paid_yuan,
        starts_on=data.starts_on,
        received_on=data.received_on,
        cooling_off_days=product.cooling_off_days,
        cooling_off_ends=cooling_off_last_day(data.received_on, product.cooling_off_days),
        ends_on=ends_on,
        issued_at=clock.now(),
    )
    try:
        with transaction.atomic():
            policy.save()
    except IntegrityError as taken:
        raise PolicyNumberTaken() from taken
    assessment = suitability_access.assessment_of(sale, for_update=True)
    if assessment is not None:
        assessment.kept_until = (
            suitability_kept_until(ends_on, assessment.assessed_at.date()) if ends_on is not None else None
        )
        assessment.save(update_fields=["kept_until"])
    record(
        event_type=events.POLICY_ISSUED,
        actor=actor,
        subject=policy,
        insurer_id=policy.insurer_id,
        first=True,
        new={
            "number": policy.number,
            "product": product.code,
            "starts_on": policy.starts_on.isoformat(),
            "received_on": policy.received_on.isoformat(),
            "cooling_off_ends": policy.cooling_off_ends.isoformat(),
            "ends_on": ends_on.isoformat() if ends_on else None,
            "premium_paid": str(policy.premium_paid_yuan),
        },
    )
    return policy


@transaction.atomic
def policy_surrender(*, actor: Actor, policy_id: int) -> Surrender:
    """The holder (or staff for them) asks to end the policy. Inside the cooling-off period (up to and including
    its last day): the premium back minus only the contract's deduction, due within the refund period; after
    it: the cash-value path, recorded. Asked twice: the first request stands."""
    policy = access.policy_for(actor, policy_id, for_update=True)
    existing = access.surrender_of(policy)
    if existing is not None:
        return existing
    today = clock.today()
    terms = surrender_terms(
        requested_on=today,
        received_on=policy.received_on,
        days=policy.cooling_off_days,
        premium_paid_yuan=policy.premium_paid_yuan,
        contract_deduction_yuan=policy.product.cooling_off_deduction_yuan,
    )
    surrender = Surrender.objects.create(
        insurer_id=policy.insurer_id,
        policy=policy,
        requested_on=today,
        requested_at=clock.now(),
        requested_by=actor.audit_id,
        path=terms.path.value,
        refund_yuan=terms.refund_yuan,
        deduction_yuan=terms.deduction_yuan,
    )
    due = None
    if terms.path is SurrenderPath.COOLING_OFF_REFUND:
        due = refund_due(today, settings.XIAOBAO_COOLING_OFF_REFUND_DAYS)
        RefundDeadline.objects.create(
            surrender=surrender, insurer_id_copy=policy.insurer_id, rule_id=REFUND_RULE, start=today, due=due
        )
    record(
        event_type=events.SURRENDER_REQUESTED,
        actor=actor,
        subject=policy,
        insurer_id=policy.insurer_id,
        new={
            "path": terms.path.value,
            "requested_on": today.isoformat(),
            "refund": str(terms.refund_yuan) if terms.refund_yuan is not None else None,
            "deduction": str(terms.deduction_yuan),
            "refund_due": due.isoformat() if due else None,
            "on_behalf": actor.kind is not ActorKind.CONSUMER,
        },
    )
    return surrender


@transaction.atomic
def surrender_refund_paid(*, actor: Actor, policy_id: int, refunded_on: date) -> Surrender:
    """Staff record the refund paid: its clock is met (paid by the due date) or missed, and stops."""
    if not staff_may(actor, Permission.SERVE_POLICIES) and actor.kind is not ActorKind.SYSTEM:
        raise NotFound()
    policy = access.policy_for(actor, policy_id, for_update=True)
    surrender = access.surrender_of(policy, for_update=True)
    if surrender is None or surrender.path != SurrenderPath.COOLING_OFF_REFUND:
        raise NotFound()
    if surrender.refunded_on is not None:
        raise RefundAlreadyRecorded()
    if refunded_on < surrender.requested_on or refunded_on > clock.today():
        raise InvalidInput(_("The refund date is between the request and today."))
    surrender.refunded_on = refunded_on
    surrender.save(update_fields=["refunded_on"])
    deadline = access.refund_deadline_of(surrender, for_update=True)
    met = deadline is None or refunded_on <= deadline.due
    if deadline is not None:
        deadline.state = StatutoryClock.MET if met else StatutoryClock.MISSED
        deadline.active = False
        deadline.closed_on = refunded_on
        deadline.save(update_fields=["state", "active", "closed_on"])
    record(
        event_type=events.REFUND_PAID,
        actor=actor,
        subject=policy,
        insurer_id=policy.insurer_id,
        new={"refunded_on": refunded_on.isoformat(), "refund": str(surrender.refund_yuan), "met": met},
    )
    return surrender


# --- the sweep: remind before the refund is due, escalate once it is overdue (casework's shared sweep) ---


def _recipients(deadline: RefundDeadline, kind: str) -> Sequence[Staff]:
    insurer_id = deadline.surrender.insurer_id
    if kind == OVERDUE:
        return staff_with(insurer_id, Role.SUPERVISOR, Role.COMPLIANCE_OFFICER)
    return staff_with(insurer_id, Role.SUPERVISOR)


def _tell(deadline: RefundDeadline, kind: str, days_left: int, recipients: Sequence[Staff]) -> None:
    policy = deadline.surrender.policy
    if kind == OVERDUE:
        body = gettext("Policy %(number)s: the cooling-off refund was due on %(due)s and is overdue.")
    else:
        body = gettext("Policy %(number)s: the cooling-off refund is due on %(due)s, %(days)s days left.")
    tell_staff(
        actor=SYSTEM,
        staff=recipients,
        reference=policy.number,
        purpose=f"refund_deadline_{kind}",
        body=body % {"number": policy.number, "due": deadline.due.isoformat(), "days": days_left},
        insurer_id=policy.insurer_id,
        about=policy,
    )


PLAN: SweepPlan[RefundDeadline] = SweepPlan(
    clocks=RefundDeadline,
    reminders=RefundReminderSent,
    case_of=lambda deadline: deadline.surrender.policy,
    related=("surrender__policy",),
    recipients=_recipients,
    tell=_tell,
    reminded=events.REFUND_REMINDED,
    escalated=events.REFUND_ESCALATED,
    confirmed=events.REFUND_DEADLINE_CONFIRMED,
    describe=lambda deadline: {},
    recompute=lambda deadline: None,  # calendar days, never provisional
    confirmed_names=lambda deadline: {},
)


@dataclass
class RefundSweepResult:
    reminded: int = 0
    escalated: int = 0


def refunds_sweep(*, reminder_days: tuple[int, ...] | None = None) -> RefundSweepResult:
    """Each running refund clock due within the largest threshold: one reminder per threshold to the
    supervisors, one escalation to supervisors and compliance once overdue."""
    counts = clocks_sweep(PLAN, thresholds=reminder_days or settings.XIAOBAO_REMINDER_DAYS, today=clock.today())
    return RefundSweepResult(reminded=counts.reminded, escalated=counts.escalated)
