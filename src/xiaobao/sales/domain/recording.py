"""When a sale must be recorded on audio and video (SAL-R1, 保监发〔2017〕54号 Art.6)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

RULE_ID = "SAL-R1"
RECORDING_AGE = 60
"""SAL-R1: buyers aged 60 or more."""
BANCASSURANCE_TERM_MONTHS = 12
"""SAL-R1: bancassurance products over one year (a term longer than 12 months; for life counts as longer)."""
BANCASSURANCE = "bancassurance"


class RecordingReason(StrEnum):
    BUYER_AGE = "buyer_60_or_more"
    BANCASSURANCE_OVER_A_YEAR = "bancassurance_over_a_year"
    INVESTMENT_LINKED = "investment_linked"


@dataclass(frozen=True)
class SaleFacts:
    """What the recording rule asks about a sale."""

    buyer_age: int
    channel: str
    term_months: int | None
    """None: for life."""
    investment_linked: bool


def recording_reasons(facts: SaleFacts) -> tuple[RecordingReason, ...]:
    """Why this sale must be recorded (SAL-R1); empty when it need not be."""
    reasons: list[RecordingReason] = []
    if facts.buyer_age >= RECORDING_AGE:
        reasons.append(RecordingReason.BUYER_AGE)
    if facts.channel == BANCASSURANCE and (facts.term_months is None or facts.term_months > BANCASSURANCE_TERM_MONTHS):
        reasons.append(RecordingReason.BANCASSURANCE_OVER_A_YEAR)
    if facts.investment_linked:
        reasons.append(RecordingReason.INVESTMENT_LINKED)
    return tuple(reasons)


def recording_required(facts: SaleFacts) -> bool:
    """SAL-R1: an audio and video recording is required for this sale."""
    return bool(recording_reasons(facts))
