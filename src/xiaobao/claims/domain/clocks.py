"""Which statutory clocks a claim runs on (RULES.md CLM-T2..T6).

- claim received (life insurance) → the one-time notice of missing material within 5 working days (CLM-T6);
- documents complete → decide within 30 days (CLM-T2), or the contract's shorter limit;
  life insurance, simple case: 5 working days (CLM-T6);
- amount agreed → pay within 10 days (CLM-T3);
- refusal decided → written notice with reasons within 3 days (CLM-T4);
- claim and proofs received → if the amount is not fixed in 60 days, pay the certain part (CLM-T5).
"""

from __future__ import annotations

from enum import StrEnum

from xiaobao.kernel.errors import InvalidInput
from xiaobao.kernel.i18n import _

LIFE_LINES = frozenset({"ordinary_life", "participating_universal_life"})


class ClaimClock(StrEnum):
    DOCUMENTS_NOTICE = "documents_notice"
    DECISION = "decision"
    PAYMENT = "payment"
    REFUSAL_NOTICE = "refusal_notice"
    ADVANCE_PAYMENT = "advance_payment"


def decision_rule(product_line: str, *, simple: bool) -> str:
    """CLM-T6 for a simple life claim, else CLM-T2."""
    return "CLM-T6" if product_line in LIFE_LINES and simple else "CLM-T2"


def notice_rule(product_line: str) -> str | None:
    """Life insurance gives the one-time notice of missing material within 5 working days (CLM-T6);
    for other lines the law says "promptly" (CLM-T1) and sets no number of days."""
    return "CLM-T6" if product_line in LIFE_LINES else None


def decision_length(rule_id: str, contract_days: int | None, default: int) -> int:
    """The contract may set a shorter decision limit than the law's 30 days, never a longer one (CLM-T2)."""
    if contract_days is None or rule_id != "CLM-T2":
        return default
    if contract_days < 1:
        raise InvalidInput(_("A contract limit is at least one day."))
    return min(contract_days, default)


GREEN_CHANNEL_FACTOR = 0.5
"""Green-channel claims get an internal target of half the statutory limit (a policy setting, not law)."""


def internal_target_days(statutory_days: int, *, green_channel: bool) -> int:
    return max(1, int(statutory_days * GREEN_CHANNEL_FACTOR)) if green_channel else statutory_days


class RefusalNeedsReasons(InvalidInput):
    code = "refusal_needs_reasons"
    default_message = _("A refusal states its reasons and the contract terms or law it rests on (CLM-1, CLM-T4).")


def check_refusal(reasons: str, basis: str) -> None:
    if len(reasons.strip()) < 10 or not basis.strip():
        raise RefusalNeedsReasons()
