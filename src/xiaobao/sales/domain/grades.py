"""Salesperson grades and the product tiers each may sell (SAL-S1, NFRA Order 2023 No.2 Art.16).

An insurer grades the people who sell its products — its own staff and those of its agents — by their
knowledge, selling ability, integrity and conduct, and says which tiers of product (``tiers``) each grade may
sell. The table here is the default: a grade sells its own tier and every simpler one.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum

from xiaobao.kernel.errors import DomainError
from xiaobao.kernel.i18n import _

RULE_ID = "SAL-S1"


class Grade(IntEnum):
    JUNIOR = 1
    INTERMEDIATE = 2
    SENIOR = 3


GRADE_TEXT: dict[int, str] = {
    Grade.JUNIOR: _("grade 1 (junior)"),
    Grade.INTERMEDIATE: _("grade 2 (intermediate)"),
    Grade.SENIOR: _("grade 3 (senior)"),
}

HIGHEST_TIER_BY_GRADE: Mapping[int, int] = {Grade.JUNIOR: 1, Grade.INTERMEDIATE: 2, Grade.SENIOR: 3}
"""SAL-S1: the most demanding product tier each grade may sell. *Unverified* default (Art.16 leaves the table to
each insurer): a deployment sets its own over it with the ``XIAOBAO_SALES_GRADE_TIERS`` setting."""


class SellerGradeTooLow(DomainError):
    """SAL-S1: the seller's grade does not reach the product's tier; the sale may not go ahead with them."""

    code = "seller_grade_too_low"
    default_message = _(
        "This seller (grade %(grade)s) may not sell a tier %(tier)s product: only a seller of grade %(needed)s or "
        "higher may. Ask a colleague of that grade to make the sale."
    )


class SellerNotActive(DomainError):
    code = "seller_not_active"
    default_message = _("This seller is no longer active and may not make sales.")


def may_sell(grade: int, tier: int, table: Mapping[int, int] = HIGHEST_TIER_BY_GRADE) -> bool:
    """SAL-S1: whether a seller of this grade may sell a product of this tier (an unknown grade sells nothing)."""
    return tier <= table.get(grade, 0)


def lowest_grade_for(tier: int, table: Mapping[int, int] = HIGHEST_TIER_BY_GRADE) -> int | None:
    """The lowest grade that may sell this tier, or None if no grade may."""
    allowed = [grade for grade, highest in table.items() if tier <= highest]
    return min(allowed) if allowed else None


def check_may_sell(grade: int, tier: int, table: Mapping[int, int] = HIGHEST_TIER_BY_GRADE) -> None:
    """SAL-S1: refuse a sale of a tier above the seller's grade with ``SellerGradeTooLow``."""
    if not may_sell(grade, tier, table):
        raise SellerGradeTooLow(grade=grade, tier=tier, needed=lowest_grade_for(tier, table) or "—")


def tiers_sold_by(grade: int, table: Mapping[int, int] = HIGHEST_TIER_BY_GRADE) -> list[int]:
    return list(range(1, table.get(grade, 0) + 1))
