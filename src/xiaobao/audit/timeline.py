"""A subject's story as people read it: its audit events in order, with their registered labels.

The complaint and claim pages (staff and consumer) all read their timeline here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models

from xiaobao.audit.models import AuditEvent
from xiaobao.audit.recorder import subject_key
from xiaobao.audit.registry import lookup


@dataclass(frozen=True)
class TimelineEntry:
    at: Any
    event_type: str
    label: str
    actor: str
    visible_to_consumer: bool
    values: dict[str, Any]


def timeline(subject: models.Model, *, consumer_view: bool = False) -> list[TimelineEntry]:
    """Every event of ``subject`` (only those the consumer may see with ``consumer_view``), oldest first.
    The caller has already checked that the reader may see the subject."""
    subject_type, subject_id = subject_key(subject)
    events = AuditEvent.objects.filter(subject_type=subject_type, subject_id=subject_id)
    if consumer_view:
        events = events.filter(visible_to_consumer=True)
    entries = []
    for event in events.order_by("sequence"):
        registered = lookup(event.event_type)
        entries.append(
            TimelineEntry(
                at=event.occurred_at,
                event_type=event.event_type,
                label=str(registered.label) if registered else event.event_type,
                actor=event.actor_kind,
                visible_to_consumer=event.visible_to_consumer,
                values=event.new_values,
            )
        )
    return entries
