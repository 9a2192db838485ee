"""How long a sale's records are kept (SAL-R3, 保监发〔2017〕54号 Art.13; Insurance Law Art.87; SAL-S4).

From the end of the contract: at least 5 years for terms up to one year, at least 10 years for longer terms;
and in any case until 2 years after any dispute about the sale ends. While a dispute is open the records are
kept whatever the date says: there is no end date yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

RULE_ID = "SAL-R3"
SHORT_TERM_MONTHS = 12
SHORT_TERM_YEARS = 5
LONG_TERM_YEARS = 10
AFTER_DISPUTE_YEARS = 2


class KeptBecause(StrEnum):
    SHORT_TERM = "short_term"
    LONG_TERM = "long_term"
    DISPUTE_ENDED = "dispute_ended"
    DISPUTE_OPEN = "dispute_open"
    CONTRACT_RUNNING = "contract_running"


@dataclass(frozen=True)
class Dispute:
    opened_on: date
    ended_on: date | None
    """None while it is open."""


@dataclass(frozen=True)
class Retention:
    keep_until: date | None
    """The first day the records may be destroyed is the day after; None: kept, no end date yet."""
    because: KeptBecause
    rule_id: str = RULE_ID


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later; 29 February becomes 1 March (never earlier: the rule says at least)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, month=3, day=1)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the first of the next month when that month is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    try:
        return day.replace(year=year, month=month)
    except ValueError:
        return (date(year, month, 28) + timedelta(days=4)).replace(day=1)


def contract_ends_on(start: date, term_months: int | None) -> date | None:
    """The last day of cover for a term contract; None for a contract for life (it ends when the policy does)."""
    if term_months is None:
        return None
    return add_months(start, term_months) - timedelta(days=1)


def retention(*, term_months: int | None, contract_end: date | None, disputes: Sequence[Dispute] = ()) -> Retention:
    """SAL-R3: until when the sale's records (events, recordings, suitability records) are kept.

    ``contract_end`` None: the contract has not ended (a policy for life still in force), so no date yet.
    """
    if any(d.ended_on is None for d in disputes):
        return Retention(None, KeptBecause.DISPUTE_OPEN)
    if contract_end is None:
        return Retention(None, KeptBecause.CONTRACT_RUNNING)
    short = term_months is not None and term_months <= SHORT_TERM_MONTHS
    years = SHORT_TERM_YEARS if short else LONG_TERM_YEARS
    kept = Retention(add_years(contract_end, years), KeptBecause.SHORT_TERM if short else KeptBecause.LONG_TERM)
    for dispute in disputes:
        assert dispute.ended_on is not None
        after = add_years(dispute.ended_on, AFTER_DISPUTE_YEARS)
        if kept.keep_until is not None and after > kept.keep_until:
            kept = Retention(after, KeptBecause.DISPUTE_ENDED)
    return kept
