"""SAL-S1 (NFRA Order 2023 No.2 Art.15–16): products are tiered by complexity, premium burden and risk, and a
salesperson sells only the tiers their grade reaches."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xiaobao.sales.domain.grades import SellerGradeTooLow, check_may_sell, lowest_grade_for, may_sell, tiers_sold_by
from xiaobao.sales.domain.tiers import AssessmentOutOfRange, ProductTraits, tier_of, tier_reasons

levels = st.integers(min_value=1, max_value=3)


def test_a_simple_product_is_tier_1() -> None:
    assert tier_of(ProductTraits(complexity=1, premium_burden=1, risk=1)) == 1


def test_one_heavy_assessment_is_enough_for_tier_3() -> None:
    assert tier_of(ProductTraits(complexity=1, premium_burden=3, risk=1)) == 3


def test_an_investment_linked_product_is_always_tier_3() -> None:
    traits = ProductTraits(complexity=1, premium_burden=1, risk=1, investment_linked=True)
    assert tier_of(traits) == 3
    assert "investment-linked" in tier_reasons(traits)[0]


def test_a_product_whose_benefit_is_not_guaranteed_is_at_least_tier_2() -> None:
    assert tier_of(ProductTraits(complexity=1, premium_burden=1, risk=1, uncertain_benefit=True)) == 2
    assert tier_of(ProductTraits(complexity=3, premium_burden=1, risk=1, uncertain_benefit=True)) == 3


@given(levels, levels, levels, st.booleans(), st.booleans())
def test_the_tier_is_never_below_any_assessment(
    complexity: int, burden: int, risk: int, linked: bool, uncertain: bool
) -> None:
    tier = tier_of(ProductTraits(complexity, burden, risk, investment_linked=linked, uncertain_benefit=uncertain))
    assert max(complexity, burden, risk) <= tier <= 3
    assert tier_reasons(ProductTraits(complexity, burden, risk, linked, uncertain))


@pytest.mark.parametrize("bad", [0, 4, -1])
def test_an_assessment_out_of_range_is_refused(bad: int) -> None:
    with pytest.raises(AssessmentOutOfRange):
        tier_of(ProductTraits(complexity=bad, premium_burden=1, risk=1))


@pytest.mark.parametrize(("grade", "tier"), [(1, 1), (2, 1), (2, 2), (3, 1), (3, 2), (3, 3)])
def test_a_seller_may_sell_at_and_below_their_grade(grade: int, tier: int) -> None:
    assert may_sell(grade, tier)
    check_may_sell(grade, tier)  # no refusal


@pytest.mark.parametrize(("grade", "tier"), [(1, 2), (1, 3), (2, 3)])
def test_a_seller_is_refused_a_tier_above_their_grade(grade: int, tier: int) -> None:
    assert not may_sell(grade, tier)
    with pytest.raises(SellerGradeTooLow) as refused:
        check_may_sell(grade, tier)
    assert refused.value.code == "seller_grade_too_low"
    assert refused.value.params == {"grade": grade, "tier": tier, "needed": tier}


def test_an_unknown_grade_sells_nothing() -> None:
    assert not may_sell(0, 1)
    assert tiers_sold_by(0) == []


def test_an_insurers_own_table_is_honoured() -> None:
    strict = {1: 1, 2: 1, 3: 3}
    assert not may_sell(2, 2, strict)
    assert lowest_grade_for(2, strict) == 3
    assert tiers_sold_by(3, strict) == [1, 2, 3]
