"""How long a sale's records are kept (SAL-R3, 保监发〔2017〕54号 Art.13; Insurance Law Art.87; SAL-S4).

From the end of the contract: at least 5 years for terms up to one year, at least 10 years for longer terms;
and in any case until 2 years after any dispute about the sale ends. While a dispute is open the records are
kept whatever the date says: there is no end date yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from xiaobao.sales.domain.policies import add_years_at_least

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


def retention(*, term_months: int | None, contract_end: date | None, disputes: Sequence[Dispute] = ()) -> Retention:
    """SAL-R3: until when the sale's records (events, recordings, suitability records) are kept.

    ``contract_end`` is the contract's last day (``policies.contract_end``, or a surrender's day);
    None: the contract has not ended (a policy for life still in force), so no date yet.
    """
    if any(d.ended_on is None for d in disputes):
        return Retention(None, KeptBecause.DISPUTE_OPEN)
    if contract_end is None:
        return Retention(None, KeptBecause.CONTRACT_RUNNING)
    short = term_months is not None and term_months <= SHORT_TERM_MONTHS
    years = SHORT_TERM_YEARS if short else LONG_TERM_YEARS
    kept = Retention(
        add_years_at_least(contract_end, years), KeptBecause.SHORT_TERM if short else KeptBecause.LONG_TERM
    )
    for dispute in disputes:
        assert dispute.ended_on is not None
        after = add_years_at_least(dispute.ended_on, AFTER_DISPUTE_YEARS)
        if kept.keep_until is not None and after > kept.keep_until:
            kept = Retention(after, KeptBecause.DISPUTE_ENDED)
    return kept
