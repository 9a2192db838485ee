"""What the auditor's page reads (issue #18): their insurer's verifications, and a case's timeline as exported.

Personal data is never in an export: event values were masked when recorded (``recorder.record``), and the
actor is named by kind and number only (``staff:12``), the pseudonymous id the log keeps — never by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from xiaobao.audit.access import references_of, verification_for, verifications_for
from xiaobao.audit.models import AuditEvent, Verification
from xiaobao.audit.registry import lookup
from xiaobao.kernel.actors import Actor

RECENT = 20


@dataclass(frozen=True)
class TimelineRow:
    sequence: int
    event_id: int
    at: datetime
    actor_kind: str
    actor_id: str
    event_type: str
    label: str
    visible_to_consumer: bool
    prev_hash: str
    hash: str
    content: dict[str, Any]
    """What the hash covers, so whoever receives the file can recompute it (``chain.event_hash``)."""


def recent_verifications(actor: Actor) -> QuerySet[Verification]:
    return verifications_for(actor).order_by("-requested_at", "-pk")[:RECENT]


def verification(actor: Actor, verification_id: Any) -> Verification:
    return verification_for(actor, verification_id)


def break_references(actor: Actor, verified: Verification) -> dict[tuple[str, str], str]:
    """The references of the cases whose chains a verification found broken."""
    return references_of(actor, [(found["subject_type"], found["subject_id"]) for found in verified.breaks])


def chain_now(actor: Actor, verification_id: Any) -> list[TimelineRow]:
    """The events of a verified case's chain as they stand now (the verification is the actor's insurer's, or
    ``NotFound``); none for a verification of every chain."""
    verified = verification_for(actor, verification_id)
    if verified.scope != Verification.CASE:
        return []
    events = AuditEvent.objects.filter(subject_type=verified.subject_type, subject_id=verified.subject_id)
    return timeline_rows(list(events.order_by("sequence")))


def timeline_rows(events: list[AuditEvent]) -> list[TimelineRow]:
    """A chain's events, oldest first, labelled as the case pages label them."""
    rows = []
    for event in events:
        registered = lookup(event.event_type)
        rows.append(
            TimelineRow(
                sequence=event.sequence,
                event_id=event.pk,
                at=event.occurred_at,
                actor_kind=event.actor_kind,
                actor_id=event.actor_id,
                event_type=event.event_type,
                label=str(registered.label) if registered else event.event_type,
                visible_to_consumer=event.visible_to_consumer,
                prev_hash=event.prev_hash,
                hash=event.hash,
                content=event.chain_content(),
            )
        )
    return rows
