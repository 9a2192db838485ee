"""Quality checks of recorded sales (SAL-R2, 保监发〔2017〕54号 Art.8, Art.10).

At least 30 % of recorded sales are checked, and every high-risk one. The sample is drawn from a seed
and the sales' references alone, so anyone holding the seed and the list draws the same sample again.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

RULE_ID = "SAL-R2"
MINIMUM_SAMPLE_RATE = Decimal("0.30")
"""SAL-R2: quality checks on at least 30 % of recordings."""
ELDERLY_AGE = 65
"""SAL-S4: extra care for buyers 65 or older; here, such a sale is high-risk and always checked."""


class HighRisk(StrEnum):
    BUYER_65_OR_MORE = "buyer_65_or_more"
    UNCERTAIN_BENEFIT_WITH_DECLARATION = "uncertain_benefit_with_declaration"
    INVESTMENT_LINKED = "investment_linked"
    DISPUTED = "disputed"


@dataclass(frozen=True)
class RiskFacts:
    buyer_age: int
    uncertain_benefit: bool
    declaration_signed: bool
    """The buyer insisted on a product advised against and signed the declaration (SAL-S3, SAL-S4)."""
    investment_linked: bool
    disputed: bool


def high_risk_reasons(facts: RiskFacts) -> tuple[HighRisk, ...]:
    """Why a sale is high-risk (SAL-R2: all of these are checked); empty when it is not."""
    reasons: list[HighRisk] = []
    if facts.buyer_age >= ELDERLY_AGE:
        reasons.append(HighRisk.BUYER_65_OR_MORE)
    if facts.uncertain_benefit and facts.declaration_signed:
        reasons.append(HighRisk.UNCERTAIN_BENEFIT_WITH_DECLARATION)
    if facts.investment_linked:
        reasons.append(HighRisk.INVESTMENT_LINKED)
    if facts.disputed:
        reasons.append(HighRisk.DISPUTED)
    return tuple(reasons)


def draw_key(seed: str, reference: str) -> str:
    """The sale's place in the draw: the SHA-256 of the seed and its reference."""
    return hashlib.sha256(f"{seed}\n{reference}".encode()).hexdigest()


def sample_size(population: int, rate: Decimal = MINIMUM_SAMPLE_RATE) -> int:
    """How many to check: the rate of the population, rounded up (SAL-R2 says at least)."""
    if rate < MINIMUM_SAMPLE_RATE:
        raise ValueError(f"SAL-R2 asks for at least {MINIMUM_SAMPLE_RATE:%} of recorded sales")
    return min(population, math.ceil(population * rate))


def draw_sample(
    seed: str, recorded: Iterable[str], high_risk: Iterable[str], rate: Decimal = MINIMUM_SAMPLE_RATE
) -> tuple[Sequence[str], Sequence[str]]:
    """``(sampled, high_risk)``: every high-risk reference, and of the others the ``sample_size`` of the whole
    population with the lowest draw keys — so at least ``rate`` of the recorded sales are checked in all.

    Deterministic: the same seed and references give the same sample, whatever their order.
    """
    population = sorted(set(recorded))
    risky = sorted(set(high_risk) & set(population))
    wanted = sample_size(len(population), rate) - len(risky)
    others = sorted((r for r in population if r not in set(risky)), key=lambda r: draw_key(seed, r))
    return others[: max(wanted, 0)], risky
