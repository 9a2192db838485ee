"""A policy's dates: its end, the cooling-off period, the refund of a surrender in it, and how long the
suitability record is kept (SAL-S4, SAL-R3).

Cooling-off counting follows the contract's words (the demo terms: "自您签收本合同次日起，有 15 日的犹豫期"):
the day the holder signs for the policy is not counted; day 1 is the next day; the period includes its last
day. So a policy signed for on 1 March with 15 days may be cancelled up to and including 16 March. The last
day is not moved off a rest day: the contract counts calendar days and the holder may ask online any day.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from xiaobao.kernel.errors import InvalidInput
from xiaobao.kernel.i18n import _
from xiaobao.sales.domain.suitability import SAL_S4_RETENTION_YEARS


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; a day the month lacks (31st, 29 February) becomes its last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def contract_end(starts_on: date, term_months: int | None) -> date | None:
    """The last day of cover: the day before the same date ``term_months`` later; None for whole-life cover
    (its end is the insured's death or a surrender, not known in advance)."""
    if term_months is None:
        return None
    return add_months(starts_on, term_months) - timedelta(days=1)


def add_years_at_least(day: date, years: int) -> date:
    """``years`` full years after ``day``: 29 February goes to 1 March, never to 28 February (that would keep
    a record one day short of "at least")."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def suitability_kept_until(contract_ends_on: date | None, assessed_on: date) -> date | None:
    """SAL-S4: suitability records are kept at least 5 years after the contract ends. No contract yet (the
    policy not issued, or the sale abandoned): 5 years from the assessment. (For whole-life cover the caller
    stores no date: the record is kept while the contract runs, and dated when it ends.)"""
    return add_years_at_least(contract_ends_on or assessed_on, SAL_S4_RETENTION_YEARS)


def cooling_off_last_day(received_on: date, days: int) -> date:
    """The last day of the cooling-off period: received on day 0, day 1 is the next day, ``days`` days in all."""
    if days < 0:
        raise InvalidInput(_("A cooling-off period is zero days or more."))
    return received_on + timedelta(days=days)


def within_cooling_off(requested_on: date, received_on: date, days: int) -> bool:
    """True up to and including the last day; the day after is outside. Before the holder signs for the
    policy the period has not started, so a request then is inside too (nothing is lost by asking early)."""
    return requested_on <= cooling_off_last_day(received_on, days)


class SurrenderPath(StrEnum):
    COOLING_OFF_REFUND = "cooling_off_refund"
    """Inside the cooling-off period: the premium back in full, minus only what the contract allows."""
    CASH_VALUE = "cash_value"
    """Outside it: the policy's cash value (recorded; the amount is the insurer's calculation)."""


SURRENDER_PATH_TEXT = {
    SurrenderPath.COOLING_OFF_REFUND: _("cancelled in the cooling-off period: premium refunded in full"),
    SurrenderPath.CASH_VALUE: _("surrendered after the cooling-off period: the cash value is paid"),
}


@dataclass(frozen=True)
class Surrender:
    path: SurrenderPath
    refund_yuan: Decimal | None
    deduction_yuan: Decimal


def surrender_terms(
    *, requested_on: date, received_on: date, days: int, premium_paid_yuan: Decimal, contract_deduction_yuan: Decimal
) -> Surrender:
    """Inside the cooling-off period the holder gets back what they paid, minus only the deduction the contract
    allows (never more than what was paid); outside it, the cash-value path (amount not computed here)."""
    if not within_cooling_off(requested_on, received_on, days):
        return Surrender(SurrenderPath.CASH_VALUE, None, Decimal(0))
    deduction = min(max(contract_deduction_yuan, Decimal(0)), premium_paid_yuan)
    return Surrender(SurrenderPath.COOLING_OFF_REFUND, premium_paid_yuan - deduction, deduction)


def refund_due(requested_on: date, days: int) -> date:
    """The refund's own clock: ``days`` calendar days after the request (the request day not counted)."""
    return requested_on + timedelta(days=days)
