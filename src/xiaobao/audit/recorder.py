"""``record()``: append one event to its subject's chain, inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC
from typing import Any

from django.db import IntegrityError, models, transaction

from xiaobao.audit import chain
from xiaobao.audit.models import AuditEvent, ChainHead
from xiaobao.audit.registry import EventType
from xiaobao.kernel.actors import Actor
from xiaobao.ops import clock
from xiaobao.ops.context import request_id as current_request_id


def subject_key(subject: models.Model) -> tuple[str, str]:
    return subject._meta.label_lower, str(subject.pk)


def record(
    *,
    event_type: EventType,
    actor: Actor,
    subject: models.Model,
    insurer_id: int | None,
    old: Mapping[str, Any] | None = None,
    new: Mapping[str, Any] | None = None,
    first: bool = False,
) -> AuditEvent:
    """Append an event. Must run inside the transaction of the change it records.

    Values must hold no plaintext personal data: pass masked values. ``first`` says the subject
    was created in this transaction, so its chain starts here without looking for a head.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record() must be called inside the transaction of the change it records")
    event_type.check(old or {}, new or {})
    subject_type, subject_id = subject_key(subject)
    head = (
        ChainHead(subject_type=subject_type, subject_id=subject_id, hash=chain.GENESIS, insurer_id=insurer_id)
        if first
        else None
    )
    head = head or _locked_head(subject_type, subject_id, insurer_id)
    event = AuditEvent(
        subject_type=subject_type,
        subject_id=subject_id,
        sequence=head.sequence + 1,
        event_type=event_type.code,
        insurer_id=insurer_id,
        actor_kind=actor.kind.value,
        actor_id=actor.audit_id,
        old_values=_jsonable(old or {}),
        new_values=_jsonable(new or {}),
        # in UTC, as the database gives it back: a clock in another zone must not hash a string verify never sees
        occurred_at=clock.now().astimezone(UTC),
        request_id=current_request_id.get(),
        visible_to_consumer=event_type.visible_to_consumer,
        prev_hash=head.hash,
    )
    event.hash = chain.event_hash(event.prev_hash, event.chain_content())
    event.save(force_insert=True)
    head.sequence = event.sequence
    head.hash = event.hash
    if first:
        head.save(force_insert=True)  # a new chain: its head is written once, already pointing at event 1
    else:
        head.save(update_fields=["sequence", "hash"])
    return event


def _locked_head(subject_type: str, subject_id: str, insurer_id: int | None) -> ChainHead:
    heads = ChainHead.objects.select_for_update()
    head = heads.filter(subject_type=subject_type, subject_id=subject_id).first()
    if head is not None:
        return head
    try:
        with transaction.atomic():
            return ChainHead.objects.create(
                subject_type=subject_type, subject_id=subject_id, hash=chain.GENESIS, insurer_id=insurer_id
            )
    except IntegrityError:
        # Another transaction started this chain first; wait on its lock.
        return heads.get(subject_type=subject_type, subject_id=subject_id)


def _jsonable(values: Mapping[str, Any]) -> dict[str, Any]:
    # Round-trip through the canonical encoder so what is hashed is what is stored.
    import json

    loaded: dict[str, Any] = json.loads(chain.canonical(values))
    return loaded
