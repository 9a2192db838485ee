"""Product tiers (SAL-S1, NFRA Order 2023 No.2 Art.15): an insurer ranks each product by how hard it is to
sell well — its complexity, the premium burden it puts on the buyer, and its risk to the buyer.

Each of the three is assessed as 1 (low), 2 (medium) or 3 (high); the tier is the highest of them, so one heavy
property is enough to make a product harder to sell. Two properties set a floor whatever the assessment says:

- **investment-linked** (投资连结): the buyer bears the investment risk — always tier 3;
- **benefit not guaranteed** (participating, universal: 分红、万能): what the buyer gets depends on results
  the insurer does not promise — at least tier 2.

Tier 1 is the simplest (short-term accident or medical cover, say), tier 3 the most demanding.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from xiaobao.kernel.errors import InvalidInput
from xiaobao.kernel.i18n import _

RULE_ID = "SAL-S1"


class Level(IntEnum):
    LOW = 1
    MEDIUM = 2
    HIGH = 3


class Tier(IntEnum):
    BASIC = 1
    INTERMEDIATE = 2
    ADVANCED = 3


LEVEL_TEXT: dict[int, str] = {Level.LOW: _("low"), Level.MEDIUM: _("medium"), Level.HIGH: _("high")}
TIER_TEXT: dict[int, str] = {
    Tier.BASIC: _("tier 1 (simplest)"),
    Tier.INTERMEDIATE: _("tier 2"),
    Tier.ADVANCED: _("tier 3 (most demanding)"),
}


class AssessmentOutOfRange(InvalidInput):
    code = "tier_assessment_out_of_range"
    default_message = _("Assess complexity, premium burden and risk each as low, medium or high.")


@dataclass(frozen=True, slots=True)
class ProductTraits:
    """What the tier is decided from (SAL-S1)."""

    complexity: int
    premium_burden: int
    risk: int
    investment_linked: bool = False
    uncertain_benefit: bool = False


def tier_of(traits: ProductTraits) -> Tier:
    """SAL-S1: the highest of the three assessments, raised to 3 for investment-linked products and to at least
    2 for products whose benefit is not guaranteed."""
    levels = (traits.complexity, traits.premium_burden, traits.risk)
    if any(level not in set(Level) for level in levels):
        raise AssessmentOutOfRange()
    tier = max(levels)
    if traits.investment_linked:
        tier = Tier.ADVANCED
    elif traits.uncertain_benefit:
        tier = max(tier, Tier.INTERMEDIATE)
    return Tier(tier)


def tier_reasons(traits: ProductTraits) -> list[str]:
    """Why the product has its tier, in words (msgids, translated at the boundary)."""
    tier = tier_of(traits)
    reasons: list[str] = []
    if traits.investment_linked:
        reasons.append(_("investment-linked: the buyer bears the investment risk, so always tier 3"))
    elif traits.uncertain_benefit and max(traits.complexity, traits.premium_burden, traits.risk) < tier:
        reasons.append(_("benefit not guaranteed: at least tier 2"))
    if traits.complexity == tier:
        reasons.append(_("complexity"))
    if traits.premium_burden == tier:
        reasons.append(_("premium burden"))
    if traits.risk == tier:
        reasons.append(_("risk to the buyer"))
    return reasons
