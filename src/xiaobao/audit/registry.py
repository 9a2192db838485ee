"""The registry of audit event types: one object per kind of state change.

Apps declare their types in their own ``events.py``; ``record()`` takes the
object, so a misspelt type is an import error, not a silent new type.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise

_REGISTRY: dict[str, EventType] = {}


@dataclass(frozen=True)
class EventType:
    code: str
    label: str | Promise
    visible_to_consumer: bool = False
    """Shown on the consumer's progress page (CMP-2) when true."""


def event_type(code: str, label: str | Promise, *, visible_to_consumer: bool = False) -> EventType:
    if code in _REGISTRY:
        raise ValueError(f"audit event type {code!r} is declared twice")
    declared = EventType(code=code, label=label, visible_to_consumer=visible_to_consumer)
    _REGISTRY[code] = declared
    return declared


def lookup(code: str) -> EventType | None:
    return _REGISTRY.get(code)


def all_types() -> list[EventType]:
    return sorted(_REGISTRY.values(), key=lambda item: item.code)
