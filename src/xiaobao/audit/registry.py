"""The registry of audit event types: one object per kind of state change.

Apps declare their types in their own ``events.py``; ``record()`` takes the
object, so a misspelt type is an import error, not a silent new type. Each type
names the fields its old and new values may carry, and ``record()`` refuses any
other: the payload of an event is a declared shape, not whatever a caller passed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise

_REGISTRY: dict[str, EventType] = {}


@dataclass(frozen=True)
class EventType:
    code: str
    label: str | Promise
    visible_to_consumer: bool = False
    """Shown on the consumer's progress page (CMP-2) when true."""
    fields: frozenset[str] = frozenset()
    """The keys its old and new values may hold; any other is refused by ``record()``."""

    def check(self, *values: Iterable[str]) -> None:
        unknown = sorted({key for keys in values for key in keys} - self.fields)
        if unknown:
            raise UndeclaredEventField(f"audit event {self.code!r} declares no field {', '.join(unknown)}")


class UndeclaredEventField(ValueError):
    """A programming error: the action records a value its event type does not declare."""


def event_type(
    code: str, label: str | Promise, *, fields: Iterable[str], visible_to_consumer: bool = False
) -> EventType:
    if code in _REGISTRY:
        raise ValueError(f"audit event type {code!r} is declared twice")
    declared = EventType(code=code, label=label, visible_to_consumer=visible_to_consumer, fields=frozenset(fields))
    _REGISTRY[code] = declared
    return declared


def lookup(code: str) -> EventType | None:
    return _REGISTRY.get(code)


def all_types() -> list[EventType]:
    return sorted(_REGISTRY.values(), key=lambda item: item.code)
