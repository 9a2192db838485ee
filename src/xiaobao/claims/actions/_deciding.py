"""Assessing, the appraisal pause, agreeing, paying, refusing with reasons, paying in advance (CLM-T2..T5)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from xiaobao.audit.recorder import record
from xiaobao.claims import access, events
from xiaobao.claims.actions._shared import _close_clock, _open_clock, _recompute, _step, _tell
from xiaobao.claims.domain import clocks
from xiaobao.claims.domain.lifecycle import ClaimState, ClaimStep, next_claim_state
from xiaobao.claims.models import Claim, ClaimDeadline
from xiaobao.complaints import remedies
from xiaobao.identity.domain.permissions import Permission
from xiaobao.kernel.actors import Actor
from xiaobao.kernel.errors import InvalidInput
from xiaobao.kernel.i18n import _
from xiaobao.ops import clock


def _handled(actor: Actor, claim_id: int) -> Claim:
    return access.claim_for(actor, claim_id, Permission.HANDLE_CLAIMS, for_update=True)


@transaction.atomic
def claim_assess(*, actor: Actor, claim_id: int) -> Claim:
    claim = _handled(actor, claim_id)
    claim.adjuster_id = actor.staff_id
    old, new = _step(claim, ClaimStep.ASSESS, "adjuster")
    record(
        event_type=events.ASSESSING,
        actor=actor,
        subject=claim,
        insurer_id=claim.insurer_id,
        old={"state": old},
        new={"state": new},
    )
    return claim


@transaction.atomic
def claim_pause(*, actor: Actor, claim_id: int, reason: str) -> Claim:
    """An external appraisal stops the decision clock until the claim resumes; the claimant is told why."""
    if not reason.strip():
        raise InvalidInput(_("Say what the claim is waiting for."))
    claim = _handled(actor, claim_id)
    claim.paused_on, claim.pause_reason = clock.today(), reason.strip()[:500]
    _step(claim, ClaimStep.PAUSE, "paused_on", "pause_reason")
    ClaimDeadline.objects.filter(claim=claim, clock=clocks.ClaimClock.DECISION.value, active=True).update(
        state=ClaimDeadline.PAUSED
    )
    record(
        event_type=events.PAUSED,
        actor=actor,
        subject=claim,
        insurer_id=claim.insurer_id,
        new={"reason_on_claim": "pause_reason"},  # staff words about the person stay on the claim
    )
    _tell(actor, claim, "claim_paused", "paused")
    return claim


@transaction.atomic
def claim_resume(*, actor: Actor, claim_id: int) -> Claim:
    """The clock runs again; the days it stood still move the decision date (and its internal target) on."""
    claim = _handled(actor, claim_id)
    days = (clock.today() - claim.paused_on).days if claim.paused_on else 0
    claim.paused_on = None
    _step(claim, ClaimStep.RESUME, "paused_on")
    decision = ClaimDeadline.objects.select_for_update().filter(
        claim=claim, clock=clocks.ClaimClock.DECISION.value, active=True
    )
    for deadline in decision:
        deadline.paused_days += days
        _recompute(claim, deadline)
        deadline.state = ClaimDeadline.RUNNING
        deadline.save(update_fields=["paused_days", "due", "target", "provisional", "state"])
    record(
        event_type=events.RESUMED,
        actor=actor,
        subject=claim,
        insurer_id=claim.insurer_id,
        new={"paused_days": days, "decide_by": decision[0].due.isoformat() if decision else None},
    )
    return claim


@transaction.atomic
def claim_agree_amount(*, actor: Actor, claim_id: int, amount: Decimal) -> Claim:
    """The amount is agreed: the decision clock is met and payment is due within 10 days (CLM-T3)."""
    claim = _handled(actor, claim_id)
    if amount <= 0:
        raise InvalidInput(_("The agreed amount must be more than zero."))
    claim.agreed_amount = amount
    _step(claim, ClaimStep.AGREE_AMOUNT, "agreed_amount")
    decision = _close_clock(claim, clocks.ClaimClock.DECISION)
    payment = _open_clock(claim, clocks.ClaimClock.PAYMENT, "CLM-T3", clock.today())
    record(
        event_type=events.AMOUNT_AGREED,
        actor=actor,
        subject=claim,
        insurer_id=claim.insurer_id,
        new={
            "amount": str(amount),
            "decision": decision.state if decision else None,
            "pay_by": payment.due.isoformat(),
        },
    )
    _tell(actor, claim, "claim_amount_agreed", "amount_agreed", pay_by=payment.due)
    return claim


@transaction.atomic
def claim_pay(*, actor: Actor, claim_id: int) -> Claim:
    claim = _handled(actor, claim_id)
    claim.paid_amount = (claim.agreed_amount or Decimal(0)) - claim.advance_paid_amount
    _step(claim, ClaimStep.PAY, "paid_amount")
    payment = _close_clock(claim, clocks.ClaimClock.PAYMENT)
    _close_clock(claim, clocks.ClaimClock.ADVANCE_PAYMENT)
    record(
        event_type=events.PAID,
        actor=actor,
        subject=claim,
        insurer_id=claim.insurer_id,
        new={"paid": str(claim.paid_amount), "payment": payment.state if payment else None},
    )
    _tell(actor, claim, "claim_paid", "paid")
    return claim


@transaction.atomic
def claim_refuse(*, actor: Actor, claim_id: int, reasons: str, basis: str) -> Claim:
    """A refusal states its reasons and basis; the written notice goes out at once (CLM-T4: within 3 days)."""
    clocks.check_refusal(reasons, basis)
    claim = _handled(actor, claim_id)
    claim.refusal_reasons, claim.refusal_basis = reasons.strip(), basis.strip()
    _step(claim, ClaimStep.REFUSE, "refusal_reasons", "refusal_basis")
    decision = _close_clock(claim, clocks.ClaimClock.DECISION)
    _close_clock(claim, clocks.ClaimClock.ADVANCE_PAYMENT)
    _open_clock(claim, clocks.ClaimClock.REFUSAL_NOTICE, "CLM-T4", clock.today())
    _tell(actor, claim, "claim_refusal_notice", "refused", **remedies.notice_without_review_context())
    notice = _close_clock(claim, clocks.ClaimClock.REFUSAL_NOTICE)  # the notice is queued in this transaction
    record(
        event_type=events.REFUSED,
        actor=actor,
        subject=claim,
        insurer_id=claim.insurer_id,
        new={"decision": decision.state if decision else None, "notice": notice.state if notice else None},
    )
    return claim


@transaction.atomic
def claim_advance_payment(*, actor: Actor, claim_id: int, amount: Decimal) -> Claim:
    """Pay the part already certain when the amount is not fixed (CLM-T5)."""
    claim = _handled(actor, claim_id)
    next_claim_state(ClaimState(claim.state), ClaimStep.ADVANCE_PAYMENT)
    if amount <= 0 or amount + claim.advance_paid_amount > claim.amount_claimed:
        raise InvalidInput(_("An advance is more than zero and not more than the amount claimed."))
    claim.advance_paid_amount += amount
    claim.save(update_fields=["advance_paid_amount"])
    advance = _close_clock(claim, clocks.ClaimClock.ADVANCE_PAYMENT)
    record(
        event_type=events.ADVANCE_PAID,
        actor=actor,
        subject=claim,
        insurer_id=claim.insurer_id,
        new={"amount": str(amount), "clock": advance.state if advance else None},
    )
    return claim
