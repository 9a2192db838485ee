"""The suitability rules (SAL-S2..S4), pure: each SAL-S4 threshold at, below and above its boundary, age 64
against 65, the profile from the risk answers, and the outcome."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xiaobao.kernel.errors import InvalidInput
from xiaobao.sales.domain.suitability import (
    ANNUAL_PREMIUM_OVER_INCOME,
    PAYMENT_YEARS_PLUS_AGE,
    PREMIUM_OVER_BUDGET,
    SAL_S4_ANNUAL_PREMIUM_INCOME_SHARE,
    SAL_S4_BUDGET_MULTIPLE,
    SAL_S4_PAYMENT_YEARS_PLUS_AGE,
    SAL_S4_SINGLE_PREMIUM_INCOME_MULTIPLE,
    SINGLE_PREMIUM_OVER_INCOME,
    ElderCare,
    ElderCareIncomplete,
    Need,
    Outcome,
    PremiumMode,
    ProductFacts,
    Profile,
    Proposal,
    RiskProfile,
    Severity,
    age_on,
    assess,
    check_elder_care,
    elder_care_needed,
    risk_profile,
    signature_matches,
    thresholds_crossed,
)

CENT = Decimal("0.01")
PARTICIPATING = ProductFacts(
    tier=2, uncertain_benefit=True, investment_linked=False, term_months=None, protection_line=False
)
TERM_LIFE = ProductFacts(
    tier=1, uncertain_benefit=False, investment_linked=False, term_months=240, protection_line=True
)
UNIT_LINKED = ProductFacts(
    tier=3, uncertain_benefit=True, investment_linked=True, term_months=None, protection_line=False
)


def profile(**overrides: object) -> Profile:
    values: dict[str, object] = {
        "needs": frozenset({Need.SAVINGS, Need.PROTECTION}),
        "risk": RiskProfile.BALANCED,
        "household_income_yuan": Decimal(100_000),
        "budget_yuan": Decimal(10_000),
        "has_similar_cover": False,
        "age": 40,
        "money_needed_soon": False,
    }
    values.update(overrides)
    return Profile(**values)  # type: ignore[arg-type]


def annual(premium: Decimal | str, years: int = 10) -> Proposal:
    return Proposal(Decimal(premium), PremiumMode.ANNUAL, years)


def single(premium: Decimal | str) -> Proposal:
    return Proposal(Decimal(premium), PremiumMode.SINGLE, 1)


def codes(crossed: list[object]) -> set[str]:
    return {t.code for t in crossed}  # type: ignore[attr-defined]


# --- single premium > 4× household income (strictly greater) ---


def test_a_single_premium_of_exactly_four_times_income_crosses_nothing() -> None:
    crossed = thresholds_crossed(profile(budget_yuan=Decimal(10**9)), single("400000"))
    assert SINGLE_PREMIUM_OVER_INCOME.code not in codes(crossed)


def test_a_single_premium_one_cent_above_four_times_income_crosses() -> None:
    crossed = thresholds_crossed(profile(budget_yuan=Decimal(10**9)), single("400000.01"))
    assert SINGLE_PREMIUM_OVER_INCOME.code in codes(crossed)


def test_a_single_premium_one_cent_below_four_times_income_crosses_nothing() -> None:
    crossed = thresholds_crossed(profile(budget_yuan=Decimal(10**9)), single("399999.99"))
    assert SINGLE_PREMIUM_OVER_INCOME.code not in codes(crossed)


# --- yearly premium > 20 % of household income (strictly greater) ---


def test_a_yearly_premium_of_exactly_a_fifth_of_income_crosses_nothing() -> None:
    crossed = thresholds_crossed(profile(budget_yuan=Decimal(10**9)), annual("20000"))
    assert ANNUAL_PREMIUM_OVER_INCOME.code not in codes(crossed)


def test_a_yearly_premium_one_cent_above_a_fifth_of_income_crosses() -> None:
    crossed = thresholds_crossed(profile(budget_yuan=Decimal(10**9)), annual("20000.01"))
    assert ANNUAL_PREMIUM_OVER_INCOME.code in codes(crossed)


def test_a_yearly_premium_one_cent_below_a_fifth_of_income_crosses_nothing() -> None:
    crossed = thresholds_crossed(profile(budget_yuan=Decimal(10**9)), annual("19999.99"))
    assert ANNUAL_PREMIUM_OVER_INCOME.code not in codes(crossed)


def test_the_income_share_is_not_asked_of_a_single_premium_nor_the_multiple_of_a_yearly_one() -> None:
    rich = profile(budget_yuan=Decimal(10**9))
    assert codes(thresholds_crossed(rich, single("30000"))) == set()
    assert codes(thresholds_crossed(rich, annual("90000"))) == {ANNUAL_PREMIUM_OVER_INCOME.code}


# --- payment years + age ≥ 75 (reaching it counts) ---


@pytest.mark.parametrize(("age", "years", "crossed"), [(65, 9, False), (65, 10, True), (65, 11, True)])
def test_payment_years_plus_age_crosses_from_75(age: int, years: int, crossed: bool) -> None:
    found = thresholds_crossed(profile(age=age), annual("1000", years))
    assert (PAYMENT_YEARS_PLUS_AGE.code in codes(found)) is crossed


# --- premium ≥ 150 % of the stated budget (reaching it counts) ---


@pytest.mark.parametrize(("premium", "crossed"), [("14999.99", False), ("15000", True), ("15000.01", True)])
def test_a_premium_crosses_from_150_percent_of_the_budget(premium: str, crossed: bool) -> None:
    found = thresholds_crossed(profile(budget_yuan=Decimal(10_000)), annual(premium))
    assert (PREMIUM_OVER_BUDGET.code in codes(found)) is crossed


# --- the same boundaries as properties, for every amount ---

amounts = st.decimals(min_value=Decimal("1.00"), max_value=Decimal(10_000_000), places=2)


@given(income=amounts, premium=amounts)
def test_the_single_premium_threshold_is_exactly_greater_than_four_times_income(
    income: Decimal, premium: Decimal
) -> None:
    crossed = thresholds_crossed(profile(household_income_yuan=income, budget_yuan=Decimal(10**12)), single(premium))
    assert (SINGLE_PREMIUM_OVER_INCOME.code in codes(crossed)) is (
        premium > SAL_S4_SINGLE_PREMIUM_INCOME_MULTIPLE * income
    )


@given(income=amounts, premium=amounts)
def test_the_yearly_premium_threshold_is_exactly_greater_than_a_fifth_of_income(
    income: Decimal, premium: Decimal
) -> None:
    crossed = thresholds_crossed(profile(household_income_yuan=income, budget_yuan=Decimal(10**12)), annual(premium))
    assert (ANNUAL_PREMIUM_OVER_INCOME.code in codes(crossed)) is (
        premium > SAL_S4_ANNUAL_PREMIUM_INCOME_SHARE * income
    )


@given(budget=amounts, premium=amounts)
def test_the_budget_threshold_is_reached_at_exactly_150_percent(budget: Decimal, premium: Decimal) -> None:
    crossed = thresholds_crossed(profile(budget_yuan=budget, household_income_yuan=Decimal(10**12)), annual(premium))
    assert (PREMIUM_OVER_BUDGET.code in codes(crossed)) is (premium >= SAL_S4_BUDGET_MULTIPLE * budget)


@given(age=st.integers(min_value=0, max_value=120), years=st.integers(min_value=1, max_value=50))
def test_the_age_threshold_is_reached_at_exactly_75(age: int, years: int) -> None:
    crossed = thresholds_crossed(profile(age=age), annual("1", years))
    assert (PAYMENT_YEARS_PLUS_AGE.code in codes(crossed)) is (age + years >= SAL_S4_PAYMENT_YEARS_PLUS_AGE)


# --- what a threshold means for the outcome ---


def test_a_crossed_threshold_on_an_uncertain_benefit_product_needs_a_declaration() -> None:
    result = assess(profile(), PARTICIPATING, annual("25000"))
    assert result.outcome is Outcome.DECLARATION_NEEDED
    assert set(result.thresholds) == {ANNUAL_PREMIUM_OVER_INCOME.code, PREMIUM_OVER_BUDGET.code}
    assert {r.rule_id for r in result.declared_reasons} == {"SAL-S4"}


def test_the_same_figures_on_a_guaranteed_product_are_only_a_caution() -> None:
    result = assess(profile(), TERM_LIFE, annual("25000"))
    assert result.outcome is Outcome.SUITABLE
    assert result.thresholds == ()
    assert {r.severity for r in result.reasons if r.code == ANNUAL_PREMIUM_OVER_INCOME.code} == {Severity.CAUTION}


def test_a_suitable_sale_within_every_threshold_needs_no_declaration() -> None:
    result = assess(profile(), PARTICIPATING, annual("5000"))
    assert result.outcome is Outcome.SUITABLE
    assert not result.declaration_needed


# --- clear mismatches (SAL-S3) ---


def test_a_product_riskier_than_the_profile_is_advised_against() -> None:
    result = assess(profile(risk=RiskProfile.CONSERVATIVE), PARTICIPATING, annual("5000"))
    assert result.advised_against
    assert "risk_above_profile" in {r.code for r in result.declared_reasons}


def test_a_product_serving_no_need_named_is_advised_against() -> None:
    result = assess(profile(needs=frozenset({Need.PROTECTION}), risk=RiskProfile.GROWTH), UNIT_LINKED, annual("5000"))
    assert result.advised_against
    assert "need_not_served" in {r.code for r in result.reasons}


def test_money_needed_soon_in_an_uncertain_benefit_product_is_advised_against() -> None:
    result = assess(profile(money_needed_soon=True), PARTICIPATING, annual("5000"))
    assert result.outcome is Outcome.ADVISE_AGAINST


def test_similar_cover_is_a_caution_not_a_mismatch() -> None:
    result = assess(profile(has_similar_cover=True), TERM_LIFE, annual("3000"))
    assert result.outcome is Outcome.SUITABLE
    assert "similar_cover_held" in {r.code for r in result.reasons}


# --- age: 64 against 65, and the age itself ---


def test_a_buyer_of_64_gets_no_extra_care() -> None:
    assert not elder_care_needed(64)
    assert not assess(profile(age=64), TERM_LIFE, annual("3000", 5)).elder_care
    check_elder_care(64, ())  # nothing asked


def test_a_buyer_of_65_gets_the_extra_care() -> None:
    assert elder_care_needed(65)
    result = assess(profile(age=65), TERM_LIFE, annual("3000", 5))
    assert result.elder_care
    assert "elder_care" in {r.code for r in result.reasons}


def test_at_65_every_care_step_must_be_confirmed() -> None:
    with pytest.raises(ElderCareIncomplete):
        check_elder_care(65, (ElderCare.SECOND_EXPLANATION,))
    check_elder_care(65, tuple(ElderCare))


def test_age_turns_on_the_birthday_not_before() -> None:
    assert age_on(date(1961, 3, 2), date(2026, 3, 1)) == 64
    assert age_on(date(1961, 3, 2), date(2026, 3, 2)) == 65


def test_a_29_february_birthday_counts_on_1_march_in_a_common_year() -> None:
    assert age_on(date(1960, 2, 29), date(2025, 2, 28)) == 64
    assert age_on(date(1960, 2, 29), date(2025, 3, 1)) == 65


# --- the profile and the signature ---


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (
            {"drop": "take_out", "horizon": "short", "preference": "sure", "experience": "some"},
            RiskProfile.CONSERVATIVE,
        ),
        ({"drop": "wait", "horizon": "medium", "preference": "mixed", "experience": "none"}, RiskProfile.BALANCED),
        ({"drop": "add", "horizon": "long", "preference": "more", "experience": "none"}, RiskProfile.GROWTH),
    ],
)
def test_the_risk_answers_give_the_profile(answers: dict[str, str], expected: RiskProfile) -> None:
    assert risk_profile(answers) is expected


def test_a_risk_answer_missing_is_refused() -> None:
    with pytest.raises(InvalidInput):
        risk_profile({"drop": "wait", "horizon": "medium", "preference": "mixed"})


def test_a_signature_is_the_full_name_on_record_spaces_aside() -> None:
    assert signature_matches("王 秀英", "王秀英")
    assert not signature_matches("王秀", "王秀英")
    assert not signature_matches("  ", None)
    assert signature_matches("王秀英", None)


def test_money_is_compared_as_decimal_to_the_cent() -> None:
    just_over = SAL_S4_ANNUAL_PREMIUM_INCOME_SHARE * Decimal(100_000) + CENT
    assert ANNUAL_PREMIUM_OVER_INCOME.code in codes(
        thresholds_crossed(profile(budget_yuan=Decimal(10**9)), annual(just_over))
    )
