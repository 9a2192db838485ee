"""A policy's dates, pure: the cooling-off period's last day inside and the day after outside, the refund in full
minus only the contract's deduction, the contract's end and the SAL-S4 retention date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from xiaobao.sales.domain.policies import (
    SurrenderPath,
    add_months,
    contract_end,
    cooling_off_last_day,
    refund_due,
    suitability_kept_until,
    surrender_terms,
    within_cooling_off,
)

RECEIVED = date(2026, 3, 1)


def test_counting_starts_the_day_after_the_holder_signs_for_the_policy() -> None:
    # "自您签收本合同次日起，有 15 日的犹豫期": signed for on 1 March, day 1 is 2 March, day 15 is 16 March
    assert cooling_off_last_day(RECEIVED, 15) == date(2026, 3, 16)


def test_the_last_day_of_the_cooling_off_period_is_inside() -> None:
    assert within_cooling_off(date(2026, 3, 16), RECEIVED, 15)


def test_the_day_after_the_cooling_off_period_is_outside() -> None:
    assert not within_cooling_off(date(2026, 3, 17), RECEIVED, 15)


@given(received=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)), days=st.integers(0, 60))
def test_the_period_holds_exactly_its_days_after_receipt(received: date, days: int) -> None:
    last = cooling_off_last_day(received, days)
    assert (last - received).days == days
    assert within_cooling_off(last, received, days)
    assert not within_cooling_off(date.fromordinal(last.toordinal() + 1), received, days)


def test_a_surrender_inside_refunds_the_premium_minus_only_the_contracts_deduction() -> None:
    terms = surrender_terms(
        requested_on=date(2026, 3, 16),
        received_on=RECEIVED,
        days=15,
        premium_paid_yuan=Decimal("12000.00"),
        contract_deduction_yuan=Decimal("10.00"),
    )
    assert terms.path is SurrenderPath.COOLING_OFF_REFUND
    assert terms.refund_yuan == Decimal("11990.00")


def test_a_deduction_never_takes_more_than_was_paid() -> None:
    terms = surrender_terms(
        requested_on=RECEIVED,
        received_on=RECEIVED,
        days=15,
        premium_paid_yuan=Decimal("5.00"),
        contract_deduction_yuan=Decimal("10.00"),
    )
    assert terms.refund_yuan == Decimal("0.00")


def test_a_surrender_the_day_after_takes_the_cash_value_path() -> None:
    terms = surrender_terms(
        requested_on=date(2026, 3, 17),
        received_on=RECEIVED,
        days=15,
        premium_paid_yuan=Decimal("12000.00"),
        contract_deduction_yuan=Decimal(0),
    )
    assert terms.path is SurrenderPath.CASH_VALUE
    assert terms.refund_yuan is None


def test_the_refund_is_due_its_days_after_the_request() -> None:
    assert refund_due(date(2026, 3, 10), 30) == date(2026, 4, 9)


def test_a_contract_ends_the_day_before_its_anniversary_and_whole_life_has_no_end() -> None:
    assert contract_end(date(2026, 3, 1), 12) == date(2027, 2, 28)
    assert contract_end(date(2026, 1, 31), 1) == date(2026, 2, 27)
    assert contract_end(date(2026, 3, 1), None) is None


def test_a_month_later_from_the_31st_is_the_months_last_day() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_suitability_records_are_kept_five_years_after_the_contract_ends() -> None:
    assert suitability_kept_until(date(2027, 2, 28), date(2026, 3, 1)) == date(2032, 2, 28)


def test_five_years_after_29_february_is_1_march_never_a_day_short() -> None:
    assert suitability_kept_until(date(2028, 2, 29), date(2026, 3, 1)) == date(2033, 3, 1)


def test_without_a_contract_the_record_is_kept_five_years_from_the_assessment() -> None:
    assert suitability_kept_until(None, date(2026, 3, 1)) == date(2031, 3, 1)
