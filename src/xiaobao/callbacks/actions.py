"""Call-back writes (MISSION INC-1, RULES.md INC-E3): a consumer asks with one press; a handler records the call.

Each is one atomic, audited action. A press is taken once (its form's key), and presses are rate-limited per
phone and per client address so the queue cannot be flooded; the phone is stored encrypted with a blind index.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction

from xiaobao.audit.recorder import record
from xiaobao.callbacks import access, events
from xiaobao.callbacks.domain.languages import CallLanguage, check_request_text
from xiaobao.callbacks.domain.lifecycle import CallbackState, CallOutcome, after_call
from xiaobao.callbacks.domain.timing import Slot, call_target, is_priority, timeliness
from xiaobao.callbacks.models import CallbackRequest
from xiaobao.identity import access as identity_access
from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.kernel.clock import STATUTORY_ZONE
from xiaobao.kernel.errors import InvalidInput, PermissionDenied
from xiaobao.kernel.i18n import _
from xiaobao.ops import clock, ratelimit
from xiaobao.ops.idempotency import check_key
from xiaobao.privacy.domain.identifiers import mask_phone, normalise_phone
from xiaobao.privacy.keys import blind_indexer

PER_PHONE_A_DAY = 5
PER_ADDRESS_AN_HOUR = 20
"""Enough for a family on one connection or a counter helping several people; not enough to flood the queue."""


@dataclass(frozen=True)
class CallbackAsked:
    """What the person chose. ``phone`` is empty when the phone they checked in this browser is used."""

    slot: Slot
    language: CallLanguage
    phone: str = ""
    dialect: str = ""
    note: str = ""
    elderly: bool = False
    disabled: bool = False
    new_urban_resident: bool = False
    page_language: str = "zh-hans"


def callback_request(
    *, actor: Actor, insurer_id: int, asked: CallbackAsked, idempotency_key: str, client: str
) -> CallbackRequest:
    """Queue a call-back (INC-E3). The same ``idempotency_key`` again (a double press) returns the first request."""
    for attempt in range(2):
        try:
            return _request(actor=actor, insurer_id=insurer_id, asked=asked, key=idempotency_key, client=client)
        except IntegrityError:
            # A concurrent press with the same key won the race; the retry finds its request.
            if attempt == 1:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def _request(*, actor: Actor, insurer_id: int, asked: CallbackAsked, key: str, client: str) -> CallbackRequest:
    if actor.kind not in {ActorKind.ANONYMOUS, ActorKind.CONSUMER, ActorKind.SYSTEM}:
        raise PermissionDenied()
    check_key(key)
    previous = access.callback_request_by_key(insurer_id, key)
    if previous is not None:
        return previous
    phone = _phone_of(actor, asked.phone)
    check_request_text(language=asked.language, dialect=asked.dialect, note=asked.note)
    now = clock.now()
    priority = is_priority(elderly=asked.elderly, disabled=asked.disabled, new_urban_resident=asked.new_urban_resident)
    target = call_target(slot=asked.slot, requested_at=now, priority=priority)
    phone_index = blind_indexer().index("phone", phone)
    buckets = [
        (f"callback-phone:{phone_index}", PER_PHONE_A_DAY, timedelta(days=1)),
        (f"callback-ip:{client}", PER_ADDRESS_AN_HOUR, timedelta(hours=1)),
    ]
    for bucket, limit, window in buckets:
        ratelimit.check(bucket, limit=limit, window=window)
    for bucket, _limit, _window in buckets:
        ratelimit.hit(bucket)
    callback = CallbackRequest.objects.create(
        insurer_id=insurer_id,
        consumer_id=actor.consumer_id if actor.kind is ActorKind.CONSUMER else None,
        idempotency_key=key,
        phone=phone,
        phone_index=phone_index,
        slot=asked.slot.value,
        language=asked.language.value,
        dialect=asked.dialect.strip() if asked.language is CallLanguage.DIALECT else "",
        note=asked.note.strip(),
        page_language=asked.page_language[:8],
        elderly=asked.elderly,
        disabled=asked.disabled,
        new_urban_resident=asked.new_urban_resident,
        priority=priority,
        requested_at=now,
        target_at=target.due_at,
        late_after=target.late_after,
    )
    callback.reference = f"CB-{clock.statutory_date_of(now).year}-{callback.pk:06d}"
    callback.save(update_fields=["reference"])
    record(
        event_type=events.CALLBACK_REQUESTED,
        actor=actor,
        subject=callback,
        insurer_id=insurer_id,
        new={
            "reference": callback.reference,
            "phone": mask_phone(phone),
            "slot": callback.slot,
            "language": callback.language,
            "priority": priority,
            "target_at": target.due_at,
            "late_after": target.late_after,
        },
        first=True,
    )
    return callback


def _phone_of(actor: Actor, typed: str) -> str:
    """The phone typed, or else the one the consumer checked (signed in, or by a code in this browser)."""
    if typed.strip():
        return normalise_phone(typed)
    if actor.kind is ActorKind.CONSUMER and actor.consumer_id is not None:
        consumer = identity_access.consumer_for(actor, actor.consumer_id)
        if consumer.phone:
            return normalise_phone(consumer.phone)
    raise InvalidInput(_("Enter the phone number we should call."))


@transaction.atomic
def callback_record_call(*, actor: Actor, request_id: int, outcome: CallOutcome, note: str = "") -> CallbackRequest:
    """A handler of the request's insurer called (or tried to): the state moves on, the first try is what
    timeliness is measured by, and the note is kept, dated, with the earlier ones."""
    callback = access.callback_request_for(actor, request_id, for_update=True)
    before = CallbackState(callback.state)
    state = after_call(before, outcome, note)
    now = clock.now()
    callback.state = state.value
    callback.attempts += 1
    callback.first_attempt_at = callback.first_attempt_at or now
    callback.handled_by_id = actor.staff_id
    callback.handled_at = now
    if note.strip():
        stamp = now.astimezone(STATUTORY_ZONE).strftime("%Y-%m-%d %H:%M")
        line = f"{stamp} {outcome.value}: {note.strip()}"
        callback.outcome_note = f"{callback.outcome_note}\n{line}".strip()
    callback.save(update_fields=["state", "attempts", "first_attempt_at", "handled_by", "handled_at", "outcome_note"])
    measured = timeliness(late_after=callback.late_after, first_attempt_at=callback.first_attempt_at, now=now)
    record(
        event_type=events.CALLBACK_CALL_RECORDED,
        actor=actor,
        subject=callback,
        insurer_id=callback.insurer_id,
        old={"state": before.value, "attempts": callback.attempts - 1},
        new={"state": state.value, "attempts": callback.attempts, "timeliness": measured.value},
    )
    return callback


@transaction.atomic
def callback_phone_show(*, actor: Actor, request_id: int) -> str:
    """The full number to dial, for a handler of the request's insurer; each showing is in the audit log (SEC-1)."""
    callback = access.callback_request_for(actor, request_id)
    record(
        event_type=events.CALLBACK_PHONE_SHOWN,
        actor=actor,
        subject=callback,
        insurer_id=callback.insurer_id,
        new={"purpose": "call back"},
    )
    return str(callback.phone)
