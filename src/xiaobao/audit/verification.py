"""Verify chains of the audit log; report each break (DESIGN.md, issue "Foundation"; the auditor's page, #18).

A break is one of (``BreakKind``): an event whose hash does not match its content (changed), a gap in
sequence (missing), a ``prev_hash`` naming a later event of the chain (reordered) or no event of it
(removed or replaced), or a chain whose end is not its recorded head — the checkpoint ``record()`` keeps
(newest removed, or appended around ``record()``), or a head whose events are gone.

The whole log (``verify``, for ``manage.py audit_verify``) or a scope (``verify_scope``: one case, or every
chain of one insurer). Events are read as tuples, not model instances: about three times faster, and the
content hashed is built by the same ``chain_content_of`` the recorder used.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, NamedTuple

from django.db.models import QuerySet

from xiaobao.audit import chain
from xiaobao.audit.models import AuditEvent, ChainHead, chain_content_of


class BreakKind(StrEnum):
    CHANGED = "changed"
    """An event's content no longer matches its hash."""
    MISSING = "missing"
    """The sequence jumps: events before this one were removed."""
    REORDERED = "reordered"
    """The event says it follows an event that comes later in the chain."""
    UNLINKED = "unlinked"
    """The event does not follow the one before it, nor any other: an event was removed or replaced."""
    CHECKPOINT_AHEAD = "checkpoint_ahead"
    """The head records more events than the chain holds: the newest were removed."""
    CHECKPOINT_BEHIND = "checkpoint_behind"
    """The chain runs past its head, or has none: events were added around ``record()``."""
    CHECKPOINT_MISMATCH = "checkpoint_mismatch"
    """The head records as many events, but another newest hash: the newest event was replaced."""
    CHAIN_MISSING = "chain_missing"
    """A head records a chain none of whose events is left."""


@dataclass(frozen=True)
class ChainBreak:
    subject_type: str
    subject_id: str
    sequence: int
    event_id: int | None
    reason: str
    kind: BreakKind = BreakKind.CHANGED
    head_sequence: int = 0
    """For checkpoint breaks: the sequence the head records."""

    def describe(self) -> str:
        where = f"event {self.event_id}" if self.event_id is not None else "chain head"
        return f"{where} ({self.subject_type}:{self.subject_id} #{self.sequence}): {self.reason}"


@dataclass(frozen=True)
class VerificationReport:
    chains: int
    events: int
    breaks: list[ChainBreak]
    first_at: datetime | None = None
    last_at: datetime | None = None
    head_hash: str = ""
    """The hash of the newest event, when one chain was verified."""
    broken_chains: int = field(default=0)

    @property
    def ok(self) -> bool:
        return not self.breaks


FIELDS = tuple(f.attname for f in AuditEvent._meta.concrete_fields)


class Row(NamedTuple):
    """One event as read for verification (the model's columns, in its order)."""

    id: int
    subject_type: str
    subject_id: str
    sequence: int
    event_type: str
    insurer_id: int | None
    actor_kind: str
    actor_id: str
    old_values: Any
    new_values: Any
    occurred_at: datetime
    request_id: str
    visible_to_consumer: bool
    prev_hash: str
    hash: str


def verify(*, stop_at_first: bool = True) -> VerificationReport:
    """Every chain of the whole log."""
    return verify_scope(AuditEvent.objects.all(), ChainHead.objects.all(), stop_at_first=stop_at_first)


def verify_scope(
    events: QuerySet[AuditEvent],
    heads: QuerySet[ChainHead] | Iterable[ChainHead],
    *,
    stop_at_first: bool = False,
    break_limit: int | None = None,
) -> VerificationReport:
    """The chains of ``events`` against ``heads`` (the heads of those chains, and of any whose events should be
    there). ``break_limit`` keeps only so many breaks (the count of broken chains is still exact)."""
    return verify_parts([(events, heads)], stop_at_first=stop_at_first, break_limit=break_limit)


def verify_parts(
    parts: Iterable[tuple[QuerySet[AuditEvent], QuerySet[ChainHead] | Iterable[ChainHead]]],
    *,
    stop_at_first: bool = False,
    break_limit: int | None = None,
) -> VerificationReport:
    """``verify_scope`` over disjoint parts (batches of chains, each with its heads), added up."""
    tally = _Tally(break_limit)
    for events, heads in parts:
        if tally.check(events, heads, stop_at_first=stop_at_first) and stop_at_first:
            break
    return tally.report()


class _Tally:
    def __init__(self, break_limit: int | None) -> None:
        self.break_limit = break_limit
        self.breaks: list[ChainBreak] = []
        self.chains = self.events = self.broken = 0
        self.first_at: datetime | None = None
        self.last_at: datetime | None = None
        self.head_hash = ""

    def add(self, found: ChainBreak) -> None:
        self.broken += 1
        if self.break_limit is None or len(self.breaks) < self.break_limit:
            self.breaks.append(found)

    def check(
        self, events: QuerySet[AuditEvent], heads: QuerySet[ChainHead] | Iterable[ChainHead], *, stop_at_first: bool
    ) -> bool:
        """Check one part; True when it held a break."""
        by_key = {(h.subject_type, h.subject_id): h for h in _iterate(heads)}
        seen: set[tuple[str, str]] = set()
        broken_before = self.broken
        for key, rows in _chains(events):
            self.chains += 1
            seen.add(key)
            self.events += len(rows)
            self.first_at = min(self.first_at, rows[0].occurred_at) if self.first_at else rows[0].occurred_at
            self.last_at = max(self.last_at, rows[-1].occurred_at) if self.last_at else rows[-1].occurred_at
            self.head_hash = rows[-1].hash
            found = check_chain(key, rows, by_key.get(key))
            if found:
                self.add(found)
                if stop_at_first:
                    return True
        for key, head in by_key.items():
            if key not in seen and head.sequence > 0:
                self.add(
                    ChainBreak(
                        key[0],
                        key[1],
                        1,
                        None,
                        "the chain's events are missing",
                        BreakKind.CHAIN_MISSING,
                        head.sequence,
                    )
                )
                if stop_at_first:
                    return True
        return self.broken > broken_before

    def report(self) -> VerificationReport:
        return VerificationReport(
            chains=self.chains,
            events=self.events,
            breaks=self.breaks,
            first_at=self.first_at,
            last_at=self.last_at,
            head_hash=self.head_hash if self.chains == 1 else "",
            broken_chains=self.broken,
        )


def _iterate(heads: QuerySet[ChainHead] | Iterable[ChainHead]) -> Iterable[ChainHead]:
    return heads.iterator(chunk_size=5000) if isinstance(heads, QuerySet) else heads


def _chains(events: QuerySet[AuditEvent]) -> Iterator[tuple[tuple[str, str], list[Row]]]:
    current: tuple[str, str] | None = None
    bucket: list[Row] = []
    ordered = events.order_by("subject_type", "subject_id", "sequence").values_list(*FIELDS)
    for values in ordered.iterator(chunk_size=5000):
        row = Row._make(values)
        key = (row.subject_type, row.subject_id)
        if key != current:
            if current is not None:
                yield current, bucket
            current, bucket = key, []
        bucket.append(row)
    if current is not None:
        yield current, bucket


def check_chain(key: tuple[str, str], events: list[Row], head: ChainHead | None) -> ChainBreak | None:
    """The first break of one chain (its events in sequence order), or None when it holds."""
    expected_prev = chain.GENESIS
    for position, event in enumerate(events, start=1):
        if event.sequence != position:
            return ChainBreak(
                *key,
                position,
                event.id,
                f"sequence {event.sequence} found where {position} belongs (an event was removed or inserted)",
                BreakKind.MISSING,
            )
        if event.prev_hash != expected_prev:
            later = {e.hash for e in events[position:]}
            kind = BreakKind.REORDERED if event.prev_hash in later else BreakKind.UNLINKED
            return ChainBreak(
                *key,
                position,
                event.id,
                "does not follow the event before it (an event was removed or inserted)"
                if kind is BreakKind.UNLINKED
                else "it names a later event as the one before it (events were reordered)",
                kind,
            )
        if chain.event_hash(event.prev_hash, chain_content_of(event)) != event.hash:
            return ChainBreak(
                *key,
                position,
                event.id,
                "its content no longer matches its hash (the event was changed)",
                BreakKind.CHANGED,
            )
        expected_prev = event.hash
    last = events[-1]
    if head is None:
        return ChainBreak(
            *key,
            last.sequence,
            last.id,
            "no chain head records this chain (events were inserted)",
            BreakKind.CHECKPOINT_BEHIND,
        )
    if head.sequence != last.sequence or head.hash != last.hash:
        if head.sequence == last.sequence:
            reason = f"the chain's newest event #{last.sequence} is not the one its head records (it was replaced)"
            kind = BreakKind.CHECKPOINT_MISMATCH
        elif head.sequence > last.sequence:
            reason = f"the chain ends at #{last.sequence} but its head records #{head.sequence} (newest events removed)"
            kind = BreakKind.CHECKPOINT_AHEAD
        else:
            reason = f"the chain runs to #{last.sequence} past its head #{head.sequence} (events were inserted)"
            kind = BreakKind.CHECKPOINT_BEHIND
        return ChainBreak(*key, last.sequence, last.id, reason, kind, head.sequence)
    return None
