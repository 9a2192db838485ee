"""The normalised rates of the regulator's bulletins (RULES.md CMP-S2 classification): complaints per 10,000
policies in force and per 100 million yuan of premium, and the shares (upheld rate, decided in time).

Each answers None when its denominator is missing or zero: a rate is shown only where the insurer supplied
the figure it is divided by, never guessed.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

POLICIES_UNIT = 10_000
PREMIUM_UNIT_YUAN = Decimal(100_000_000)
_TWO_PLACES = Decimal("0.01")


def per_10k_policies(count: int, policies_in_force: int | None) -> Decimal | None:
    """``count`` per 10,000 policies in force, to two decimal places (half up)."""
    if not policies_in_force:
        return None
    return (Decimal(count) * POLICIES_UNIT / Decimal(policies_in_force)).quantize(_TWO_PLACES, ROUND_HALF_UP)


def per_100m_premium(count: int, premium_yuan: Decimal | None) -> Decimal | None:
    """``count`` per 100 million yuan of premium, to two decimal places (half up)."""
    if not premium_yuan:
        return None
    return (Decimal(count) * PREMIUM_UNIT_YUAN / Decimal(premium_yuan)).quantize(_TWO_PLACES, ROUND_HALF_UP)


def percentage(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in per cent, one decimal place; None for nothing to divide by."""
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)
