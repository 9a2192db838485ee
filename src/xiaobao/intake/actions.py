"""Intake's writes (CHN-1): each message a channel receives is one audited action — a mail by the mailbox's
own channel actor, a call by the call-centre's staff token — that registers a complaint or adds to one,
and remembers the message id so it is taken in once. Parsing the message is the channel's (mail.py)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction

from xiaobao.audit.recorder import record
from xiaobao.complaints import actions
from xiaobao.complaints.actions import NewComplaint, Upload
from xiaobao.complaints.domain.classification import Channel, ProductLine, Reason
from xiaobao.complaints.models import Complaint
from xiaobao.identity import access as identity_access
from xiaobao.identity.actions import ConsumerDetails, consumer_register
from xiaobao.identity.domain.permissions import Permission
from xiaobao.identity.models import Consumer, Insurer
from xiaobao.intake import events
from xiaobao.intake.access import draft_of
from xiaobao.intake.models import Draft, MailboxPoll, ReceivedMessage
from xiaobao.kernel.actors import SYSTEM, Actor, ActorKind
from xiaobao.kernel.errors import InvalidInput, PermissionDenied
from xiaobao.kernel.i18n import _
from xiaobao.ops import clock
from xiaobao.privacy.domain.identifiers import normalise_phone
from xiaobao.privacy.keys import blind_indexer


@dataclass(frozen=True)
class Call:
    call_id: str
    caller_number: str
    summary: str
    handling_branch_id: int
    caller_name: str = ""
    recording_ref: str = ""
    product_line: ProductLine = ProductLine.OTHER_PROPERTY
    reason: Reason = Reason.OTHER_SERVICE
    complaint_reference: str = ""


@dataclass(frozen=True)
class Mail:
    """A message already read off the wire, addressed to ``insurer``'s published complaint address."""

    message_id: str
    insurer: Insurer
    sender_name: str
    sender_address: str
    subject: str
    text: str
    received_at: datetime
    references: list[str] = field(default_factory=list)
    uploads: list[Upload] = field(default_factory=list)


@transaction.atomic
def intake_take_call(*, actor: Actor, call: Call) -> tuple[Complaint, str]:
    """(the complaint, "created" | "appended" | "repeat"): a call names a reference of the caller's complaint
    and is added to it, or registers one; a call id is taken in once per insurer. The recording reference
    stays with the case (CMP-A2)."""
    identity_access.require(actor, Permission.REGISTER_COMPLAINTS)
    if actor.insurer_id is None:
        raise PermissionDenied()
    seen = (
        ReceivedMessage.objects.filter(insurer_id=actor.insurer_id, channel="hotline", external_id=call.call_id)
        .select_related("complaint")
        .first()
    )
    if seen is not None:
        return seen.complaint, "repeat"
    phone = normalise_phone(call.caller_number)
    consumer = _known_or_new(
        actor.insurer_id, "phone", phone, ConsumerDetails(name=call.caller_name or "来电人", phone=phone)
    )
    recording = f"通话录音 {call.recording_ref}" if call.recording_ref else ""
    text = call.summary + (f"\n[{recording}]" if recording else "")
    existing = _their_complaint(actor.insurer_id, consumer, [call.complaint_reference])
    if existing is not None:
        actions.complaint_add_message(actor=actor, complaint_id=existing.pk, channel=Channel.HOTLINE, text=text)
        complaint, outcome = existing, "appended"
    else:
        registration = actions.complaint_registration(
            actor=actor,
            idempotency_key=f"hotline:{call.call_id}",
            data=NewComplaint(
                handling_branch_id=call.handling_branch_id,
                channel=Channel.HOTLINE,
                received_at=clock.now(),
                product_line=call.product_line,
                reason=call.reason,
                description=call.summary,
                channel_note=recording,
                complainant_id=consumer.pk,
            ),
        )
        complaint, outcome = registration.complaint, "created"
        if registration.linked_duplicate:
            # The same words again: this call is added to the case it repeats (its recording kept with it),
            # and the agent tells the caller that case's reference.
            actions.complaint_add_message(actor=actor, complaint_id=complaint.pk, channel=Channel.HOTLINE, text=text)
            outcome = "appended"
    _remember(actor.insurer_id, "hotline", call.call_id, complaint)
    return complaint, outcome


@transaction.atomic
def intake_take_mail(*, actor: Actor, mail: Mail) -> tuple[Complaint, str] | None:
    """(the complaint, "created" | "appended"), or None when this insurer already took the message in.

    A reply whose subject names a complaint of this insurer from the same sender is added to it; any other
    message registers a complaint of the insurer addressed. ``actor`` is the mailbox's channel actor.
    """
    if actor.kind is not ActorKind.SYSTEM:
        raise PermissionDenied()
    insurer = mail.insurer
    if ReceivedMessage.objects.filter(insurer=insurer, channel="email", external_id=mail.message_id).exists():
        return None
    consumer = _known_or_new(
        insurer.pk,
        "email",
        mail.sender_address,
        ConsumerDetails(
            name=mail.sender_name or mail.sender_address.split("@", maxsplit=1)[0],
            email=mail.sender_address,
            preferred_channel="email",
        ),
        only_this_address=True,
    )
    existing = _their_complaint(insurer.pk, consumer, mail.references)
    if existing is not None:
        actions.complaint_add_message(
            actor=actor,
            complaint_id=existing.pk,
            channel=Channel.EMAIL,
            text=f"{mail.subject}\n\n{mail.text}",
            uploads=mail.uploads,
        )
        complaint, outcome = existing, "appended"
    else:
        complaint = actions.complaint_register(
            actor=actor,
            insurer_id=insurer.pk,
            idempotency_key=f"email:{_digest(insurer.pk, mail.message_id)}",  # any Message-ID, any length
            data=NewComplaint(
                handling_branch_id=_intake_branch(insurer),
                channel=Channel.EMAIL,
                received_at=mail.received_at,
                product_line=ProductLine.OTHER_PROPERTY,
                reason=Reason.OTHER_SERVICE,
                description=f"{mail.subject}\n\n{mail.text}".strip() or mail.subject or "(empty)",
                complainant_id=consumer.pk,
            ),
        )
        if mail.uploads and not complaint.attachments.exists():
            actions.complaint_attach(actor=actor, complaint_id=complaint.pk, uploads=mail.uploads)
        outcome = "created"
    _remember(insurer.pk, "email", mail.message_id, complaint)
    return complaint, outcome


def _known_or_new(
    insurer_id: int, kind: str, address: str, details: ConsumerDetails, *, only_this_address: bool = False
) -> Consumer:
    """A consumer this insurer already deals with who has this phone number or email address; or a new one
    with that alone (PI-1).

    A caller's number or a sender's address proves little (both can be forged) and says nothing about
    another insurer's customers: matching across insurers would tie a stranger's record, with its name and
    ID number, to this insurer. Staff who check who it is can link the records afterwards.
    """
    lookup = {f"{kind}_index": blind_indexer().index(kind, address), "relationships__insurer_id": insurer_id}
    known_by_address = Consumer.objects.filter(**lookup)
    if only_this_address:
        # An email typed on the portal or given to staff is nobody's proof: mail from that address joins only
        # a record the mailbox itself made, one that is nothing but this address.
        known_by_address = known_by_address.filter(
            phone_index__isnull=True, resident_id_index__isnull=True, stated_resident_id_index__isnull=True
        )
    known = known_by_address.order_by("pk").first()
    if known is not None:
        return known
    return consumer_register(actor=SYSTEM, insurer_id=insurer_id, details=details)


def _their_complaint(insurer_id: int, consumer: Consumer, references: list[str]) -> Complaint | None:
    """The complaint a message names, if it is this insurer's and this same person's."""
    for reference in references:
        if not reference.strip():
            continue
        found = Complaint.objects.filter(
            reference=reference.strip().upper(), insurer_id=insurer_id, complainant=consumer
        ).first()
        if found is not None:
            return found
    return None


def _intake_branch(insurer: Insurer) -> int:
    return identity_access.intake_branch(insurer.pk).pk


def _digest(insurer_id: int, external_id: str) -> str:
    return hashlib.sha256(f"{insurer_id}|{external_id}".encode()).hexdigest()[:40]


def _remember(insurer_id: int, channel: str, external_id: str, complaint: Complaint) -> None:
    ReceivedMessage.objects.create(
        insurer_id=insurer_id, channel=channel, external_id=external_id, complaint=complaint, received_at=clock.now()
    )


def intake_mailbox_polled(*, source: str, created: int, appended: int, skipped: int, waiting: int, error: str) -> None:
    """Note a poll of a complaint mailbox (bookkeeping for /healthz; each message taken in is its own action)."""
    MailboxPoll.objects.update_or_create(
        source=source,
        defaults={
            "polled_at": clock.now(),
            "created": created,
            "appended": appended,
            "skipped": skipped,
            "waiting": waiting,
            "error": error[:500],
        },
    )


DRAFT_KEPT_FOR = timedelta(days=1)
DRAFT_KINDS = frozenset({"complaint", "claim"})


@transaction.atomic
def draft_keep(*, actor: Actor, insurer_id: int, kind: str, fields: dict[str, str], why: str) -> Draft:
    """Keep what a consumer typed into a portal form for a day (issue #15: nothing typed is lost) — when they
    ask to finish later, or when their phone check lapsed before they sent it. One draft per form: a newer
    one replaces it. Only the consumer reads it back (``intake.access.draft_of``)."""
    if actor.kind is not ActorKind.CONSUMER or actor.consumer_id is None:
        raise PermissionDenied()
    if kind not in DRAFT_KINDS or not Insurer.objects.filter(pk=insurer_id).exists():
        raise InvalidInput(_("This form cannot be kept."))
    now = clock.now()
    draft, created = Draft.objects.select_for_update().update_or_create(
        consumer_id=actor.consumer_id,
        insurer_id=insurer_id,
        kind=kind,
        defaults={
            "fields": json.dumps(fields, ensure_ascii=False),
            "saved_at": now,
            "expires_at": now + DRAFT_KEPT_FOR,
        },
    )
    record(
        event_type=events.DRAFT_KEPT,
        actor=actor,
        subject=draft,
        insurer_id=insurer_id,
        new={"kind": kind, "expires_at": draft.expires_at.isoformat(), "why": why},
        first=created,
    )
    return draft


@transaction.atomic
def draft_discard(*, actor: Actor, insurer_id: int, kind: str, why: str) -> None:
    """The form was sent (or the consumer threw the draft away): what was typed is not kept any longer."""
    draft = draft_of(actor, insurer_id, kind, for_update=True)
    if draft is None:
        return
    record(
        event_type=events.DRAFT_DISCARDED,
        actor=actor,
        subject=draft,
        insurer_id=insurer_id,
        new={"kind": kind, "why": why},
    )
    draft.delete()


@transaction.atomic
def drafts_forget_expired(*, actor: Actor) -> int:
    """Delete every draft past its day, each with its audit event; how many were deleted."""
    if actor.kind is not ActorKind.SYSTEM:
        raise PermissionDenied()
    expired = list(Draft.objects.select_for_update().filter(expires_at__lte=clock.now()))
    for draft in expired:
        record(
            event_type=events.DRAFT_DISCARDED,
            actor=actor,
            subject=draft,
            insurer_id=draft.insurer_id,
            new={"kind": draft.kind, "why": "expired"},
        )
        draft.delete()
    return len(expired)


def draft_fields(draft: Draft | None) -> dict[str, str]:
    """The typed fields of a draft (empty for none)."""
    if draft is None:
        return {}
    loaded: dict[str, str] = json.loads(draft.fields)
    return loaded
