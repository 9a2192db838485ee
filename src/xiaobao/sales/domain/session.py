"""A sale as a session of events, chained (SAL-3, SAL-R4: tamper-proof and traceable end to end).

Each event's hash is ``SHA-256(previous hash ‖ canonical JSON of its content)`` — the audit log's scheme
(``audit.chain``), so one verifier reads both. The content is what is fixed when the event is received:
a changed, removed, inserted or reordered event breaks the chain from there on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from xiaobao.kernel.errors import InvalidInput, TransitionNotAllowed
from xiaobao.kernel.i18n import _

GENESIS = "0" * 64
MAX_EVENTS_PER_BATCH = 200


class SaleAlreadyCompleted(TransitionNotAllowed):
    """SAL-3: a completed sale is closed — no more events, recordings, or changes to its suitability record."""

    code = "sale_completed"
    default_message = _(
        "This sale is completed: it takes no more events or recordings, and its suitability record can no "
        "longer change."
    )


CLOCK_SKEW = timedelta(minutes=5)
"""How far a selling device's clock may be ahead of ours, or an event before the sale's start: no more."""


class EventOutOfTime(InvalidInput):
    """SAL-3: an event is dated within its sale: not before the sale started, not after it reached us (a few
    minutes of clock difference allowed). A record dated in the future, or before the sale began, is no record
    of the sale."""

    code = "event_out_of_time"
    default_message = _(
        "An event must be dated between the start of its sale and the moment it is sent (a few minutes of clock "
        "difference allowed)."
    )


def event_in_time(*, occurred_at: datetime, sale_started_at: datetime, received_at: datetime) -> bool:
    """Whether an event's time lies in its sale: from its start to its arrival, give or take ``CLOCK_SKEW``."""
    return sale_started_at - CLOCK_SKEW <= occurred_at <= received_at + CLOCK_SKEW


class EventKind(StrEnum):
    PAGE_SHOWN = "page_shown"
    CONSENT = "consent"
    SIGNATURE = "signature"
    TRAIL = "trail"
    MATERIAL_SHOWN = "material_shown"
    NOTE = "note"


CONTENT_KINDS = frozenset({EventKind.PAGE_SHOWN, EventKind.MATERIAL_SHOWN})
"""Events that carry what was shown, kept to be replayed, with its SHA-256."""


@dataclass(frozen=True)
class ChainedEvent:
    sequence: int
    kind: str
    client_event_id: str
    occurred_at: str
    """ISO 8601 in UTC, as stored."""
    received_at: str
    content_sha256: str
    details: dict[str, Any]
    prev_hash: str


def chain_content(event: ChainedEvent) -> dict[str, Any]:
    """What an event's hash covers: everything but the hash itself."""
    return {
        "sequence": event.sequence,
        "kind": event.kind,
        "client_event_id": event.client_event_id,
        "occurred_at": event.occurred_at,
        "received_at": event.received_at,
        "content_sha256": event.content_sha256,
        "details": event.details,
    }


def first_break(events: list[tuple[ChainedEvent, str]], chained: Any) -> int | None:
    """The sequence number of the first event whose stored hash, link or place is wrong; None when whole.

    ``chained(prev_hash, content)`` is the hash function (``audit.chain.event_hash``).
    """
    previous = GENESIS
    for expected, (event, stored_hash) in enumerate(events, start=1):
        if event.sequence != expected or event.prev_hash != previous:
            return event.sequence
        if chained(previous, chain_content(event)) != stored_hash:
            return event.sequence
        previous = stored_hash
    return None
