"""How long each kind of record is kept, and what holds it longer (PIPL Art.19, Art.47(1)).

PIPL keeps personal data "for the shortest time the purpose needs" unless a law sets a time; the retention
periods below are the platform's defaults, a setting (``XIAOBAO_RETENTION_DAYS``) each deployment replaces with
its own records schedule. *Unverified*: five years after a complaint or claim ends is the common reading of the
insurers' archive rules (the complaint measures and the Accounting Archives Measures were not checked here);
one year for a call-back and for a person who never filed anything is the platform's own choice.

A legal hold keeps a person's data whatever the period says: an open complaint (a review asked for included),
a mediation or other dispute asked for within the complaint's period, or a claim not yet paid or refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from xiaobao.kernel.i18n import _


class RecordKind(StrEnum):
    COMPLAINT = "complaint"
    CLAIM = "claim"
    CALLBACK = "callback"
    CONSUMER = "consumer"
    """A person with nothing filed (a phone checked, a request to call back only): counted from their record."""


DEFAULT_RETENTION_DAYS: Mapping[str, int] = {  # unverified: see the module's docstring
    RecordKind.COMPLAINT: 5 * 365,
    RecordKind.CLAIM: 5 * 365,
    RecordKind.CALLBACK: 365,
    RecordKind.CONSUMER: 365,
}


class Hold(StrEnum):
    OPEN_COMPLAINT = "open_complaint"
    DISPUTE = "dispute"
    UNPAID_CLAIM = "unpaid_claim"
    OPEN_CALLBACK = "open_callback"


HOLD_TEXT = {
    Hold.OPEN_COMPLAINT: _("a complaint of yours is still being handled (or a review of it)"),
    Hold.DISPUTE: _(
        "you asked for mediation, or chose arbitration or court, about a complaint: the dispute may still need the file"
    ),
    Hold.UNPAID_CLAIM: _("a claim of yours is not yet paid or refused"),
    Hold.OPEN_CALLBACK: _("a call-back you asked for has not been made yet"),
}


@dataclass(frozen=True)
class RecordFacts:
    """What retention needs to know of one record: its kind, the day it ended (None while it runs), and the
    legal hold on it, if any."""

    kind: RecordKind
    ended_on: date | None
    hold: Hold | None = None
    dispute_on: date | None = None
    """The day a mediation or other dispute was asked for: held until the complaint's period has run from it."""


def holds_of(records: Iterable[RecordFacts], today: date, periods: Mapping[str, int]) -> list[Hold]:
    """The legal holds among these records, each once, in a stable order."""
    found: set[Hold] = set()
    for record in records:
        if record.hold is not None:
            found.add(record.hold)
        if record.dispute_on is not None and today <= record.dispute_on + timedelta(days=periods[RecordKind.COMPLAINT]):
            found.add(Hold.DISPUTE)
    return sorted(found)


def past_retention(record: RecordFacts, today: date, periods: Mapping[str, int]) -> bool:
    """True once the record ended and its period has run out."""
    if record.ended_on is None or record.hold is not None:
        return False
    return today > record.ended_on + timedelta(days=periods[record.kind])


def erasable(records: Iterable[RecordFacts], today: date, periods: Mapping[str, int]) -> bool:
    """A person is anonymised when every record of theirs is past retention and nothing holds it."""
    listed = list(records)
    return not holds_of(listed, today, periods) and all(past_retention(r, today, periods) for r in listed)
