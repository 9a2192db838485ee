"""Verify every chain of the audit log; report the first break (DESIGN.md, issue "Foundation").

A break is one of: an event whose hash does not match its content (changed),
a gap in sequence or a ``prev_hash`` that is not the hash before (removed or
inserted), or a chain whose end is not its recorded head (newest removed,
or one appended around ``record()``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from xiaobao.audit import chain
from xiaobao.audit.models import AuditEvent, ChainHead


@dataclass(frozen=True)
class ChainBreak:
    subject_type: str
    subject_id: str
    sequence: int
    event_id: int | None
    reason: str

    def describe(self) -> str:
        where = f"event {self.event_id}" if self.event_id is not None else "chain head"
        return f"{where} ({self.subject_type}:{self.subject_id} #{self.sequence}): {self.reason}"


@dataclass(frozen=True)
class VerificationReport:
    chains: int
    events: int
    breaks: list[ChainBreak]

    @property
    def ok(self) -> bool:
        return not self.breaks


def verify(*, stop_at_first: bool = True) -> VerificationReport:
    heads = {(h.subject_type, h.subject_id): h for h in ChainHead.objects.all().iterator(chunk_size=5000)}
    breaks: list[ChainBreak] = []
    chains = events = 0
    seen: set[tuple[str, str]] = set()
    for key, chain_events in _chains():
        chains += 1
        seen.add(key)
        events += len(chain_events)
        found = _check_chain(key, chain_events, heads.get(key))
        if found:
            breaks.append(found)
            if stop_at_first:
                break
    if not breaks or not stop_at_first:
        for key, head in heads.items():
            if key not in seen and head.sequence > 0:
                breaks.append(ChainBreak(key[0], key[1], 1, None, "the chain's events are missing"))
                if stop_at_first:
                    break
    return VerificationReport(chains=chains, events=events, breaks=breaks)


def _chains() -> Iterator[tuple[tuple[str, str], list[AuditEvent]]]:
    current: tuple[str, str] | None = None
    bucket: list[AuditEvent] = []
    ordered = AuditEvent.objects.order_by("subject_type", "subject_id", "sequence")
    for event in ordered.iterator(chunk_size=5000):
        key = (event.subject_type, event.subject_id)
        if key != current:
            if current is not None:
                yield current, bucket
            current, bucket = key, []
        bucket.append(event)
    if current is not None:
        yield current, bucket


def _check_chain(key: tuple[str, str], events: list[AuditEvent], head: ChainHead | None) -> ChainBreak | None:
    expected_prev = chain.GENESIS
    for position, event in enumerate(events, start=1):
        if event.sequence != position:
            return ChainBreak(
                *key,
                position,
                event.id,
                f"sequence {event.sequence} found where {position} belongs (an event was removed or inserted)",
            )
        if event.prev_hash != expected_prev:
            return ChainBreak(
                *key, position, event.id, "does not follow the event before it (an event was removed or inserted)"
            )
        if chain.event_hash(event.prev_hash, event.chain_content()) != event.hash:
            return ChainBreak(
                *key, position, event.id, "its content no longer matches its hash (the event was changed)"
            )
        expected_prev = event.hash
    last = events[-1]
    if head is None:
        return ChainBreak(*key, last.sequence, last.id, "no chain head records this chain (events were inserted)")
    if head.sequence != last.sequence or head.hash != last.hash:
        if head.sequence > last.sequence:
            reason = f"the chain ends at #{last.sequence} but its head records #{head.sequence} (newest events removed)"
        else:
            reason = f"the chain runs to #{last.sequence} past its head #{head.sequence} (events were inserted)"
        return ChainBreak(*key, last.sequence, last.id, reason)
    return None
