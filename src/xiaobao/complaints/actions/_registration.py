"""Registering a complaint from any channel: idempotent, duplicates linked, clock started (CMP-A1, CMP-T1)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from xiaobao.audit.recorder import record
from xiaobao.complaints import events
from xiaobao.complaints.actions._complainant import complaint_attach
from xiaobao.complaints.actions._shared import (
    ELDERLY_AGE,
    Upload,
    _of_insurer,
    _open_deadline,
    _staff_with,
    checked_uploads,
)
from xiaobao.complaints.domain import clocks
from xiaobao.complaints.domain.classification import GROUP_COMPLAINT_THRESHOLD, Channel, ProductLine, Reason
from xiaobao.complaints.domain.intake import check_intake
from xiaobao.complaints.models import (
    Complaint,
)
from xiaobao.complaints.notices import tell_complainant, tell_staff
from xiaobao.identity import access as identity_access
from xiaobao.identity import actions as identity_actions
from xiaobao.identity.actions import ConsumerDetails
from xiaobao.identity.domain.permissions import Permission
from xiaobao.identity.models import Branch, Consumer, Insurer, Partner, Staff
from xiaobao.kernel.actors import Actor, ActorKind, Role
from xiaobao.kernel.errors import InvalidInput, NotFound, PermissionDenied
from xiaobao.kernel.i18n import _
from xiaobao.ops import clock, idempotency, stored_files
from xiaobao.privacy.domain.identifiers import normalise_policy_number
from xiaobao.privacy.keys import blind_indexer


@dataclass(frozen=True)
class NewComplaint:
    handling_branch_id: int
    channel: Channel
    received_at: datetime
    product_line: ProductLine
    reason: Reason
    description: str
    complainant_id: int | None = None
    complainant: ConsumerDetails | None = None
    requested_outcome: str = ""
    policy_number: str = ""
    claim_reference: str = ""
    group_size: int = 1
    major_emergency: bool = False
    involved_staff_ids: tuple[int, ...] = field(default_factory=tuple)
    involved_partner_ids: tuple[int, ...] = field(default_factory=tuple)
    involved_branch_id: int | None = None
    policy_seller_id: int | None = None
    channel_note: str = ""
    """What the channel adds about the contact, not what the person said (a call's recording reference): kept
    with the description, left out of the duplicate fingerprint, so the same words twice are one case (CHN-1)."""


SCOPE = "complaint_register"


@dataclass(frozen=True)
class Registration:
    """What registering gives back: the complaint; its access code, to be shown once (empty when this was a
    retry of the same request or a repeat linked to a recent complaint); and whether it was such a repeat."""

    complaint: Complaint
    access_code: str = ""
    linked_duplicate: bool = False


def complaint_register(
    *, actor: Actor, data: NewComplaint, insurer_id: int | None = None, idempotency_key: str | None = None
) -> Complaint:
    """Register a complaint (CMP-A1) and start its 15-day clock from the day it was received (CMP-T1, CMP-T7).

    A retried request with the same ``idempotency_key`` returns the first complaint. ``complaint_registration``
    says more: the access code and whether the complaint was a repeat.
    """
    return complaint_registration(
        actor=actor, data=data, insurer_id=insurer_id, idempotency_key=idempotency_key
    ).complaint


def complaint_registration(
    *, actor: Actor, data: NewComplaint, insurer_id: int | None = None, idempotency_key: str | None = None
) -> Registration:
    """``complaint_register``, with the whole result."""
    for attempt in range(2):
        try:
            return _register(actor=actor, data=data, insurer_id=insurer_id, idempotency_key=idempotency_key)
        except IntegrityError:
            # A concurrent request with the same key won the race; the retry finds its complaint.
            if attempt == 1 or idempotency_key is None:
                raise
    raise AssertionError("unreachable")


def new_access_code() -> str:
    """The 8 digits that, with the reference, open a complaint to whoever holds them (CMP-2); only a keyed hash
    of the pair is kept on the complaint."""
    return f"{secrets.randbelow(10**8):08d}"


@transaction.atomic
def _register(
    *,
    actor: Actor,
    data: NewComplaint,
    insurer_id: int | None,
    idempotency_key: str | None,
    receipt: str = "",
    access_code: str = "",
) -> Registration:
    """``receipt``: the reference of the write-behind receipt this registers (ADR 0023), kept in the audit event;
    ``access_code``: the code the consumer was already given with that receipt (the portal), else a new one."""
    insurer_id = _intake_insurer(actor, insurer_id)
    hashed = idempotency.request_hash(data)
    if idempotency_key:
        previous = idempotency.previous_result(SCOPE, actor.audit_id, idempotency_key, hashed)
        if previous is not None:
            return Registration(Complaint.objects.get(pk=previous))

    now = clock.now()
    check_intake(
        received_at=data.received_at,
        now=now,
        description=data.description,
        requested_outcome=data.requested_outcome,
        group_size=data.group_size,
    )
    branch = _of_insurer(Branch, data.handling_branch_id, insurer_id)
    involved_staff = [_of_insurer(Staff, pk, insurer_id) for pk in data.involved_staff_ids]
    involved_partners = [_of_insurer(Partner, pk, insurer_id) for pk in data.involved_partner_ids]
    involved_branch = _of_insurer(Branch, data.involved_branch_id, insurer_id) if data.involved_branch_id else None
    seller = _of_insurer(Staff, data.policy_seller_id, insurer_id) if data.policy_seller_id else None

    consumer = _complainant(actor, data, insurer_id)

    fingerprint = _fingerprint(insurer_id, consumer.pk, data.policy_number, data.description)
    duplicate = _recent_duplicate(fingerprint)
    if duplicate is not None:
        record(
            event_type=events.DUPLICATE_LINKED,
            actor=actor,
            subject=duplicate,
            insurer_id=insurer_id,
            new={"channel": Channel(data.channel).value, **({"receipt": receipt} if receipt else {})},
        )
        return Registration(duplicate, linked_duplicate=True)

    received_on = clock.statutory_date_of(data.received_at)
    access_code = access_code or new_access_code()
    complaint = Complaint.objects.create(
        fingerprint=fingerprint,
        insurer_id=insurer_id,
        handling_branch=branch,
        channel=Channel(data.channel).value,
        received_at=data.received_at,
        received_on=received_on,
        registered_at=now,
        complainant=consumer,
        policy_number=data.policy_number,
        policy_number_index=policy_number_index(data.policy_number),
        claim_reference=data.claim_reference,
        product_line=ProductLine(data.product_line).value,
        reason=Reason(data.reason).value,
        description=_with_note(data.description, data.channel_note),
        requested_outcome=data.requested_outcome,
        elderly=bool(consumer.birth_year and received_on.year - consumer.birth_year >= ELDERLY_AGE),
        disabled=consumer.disabled or consumer.visually_impaired,
        new_urban_resident=consumer.new_urban_resident,
        group_size=data.group_size,
        major_emergency=data.major_emergency,
        involved_branch=involved_branch,
        policy_seller=seller,
    )
    complaint.reference = f"LN-{now.year}-{complaint.pk:06d}"
    complaint.access_code_hash = access_code_hash(complaint.reference, access_code)
    complaint.save(update_fields=["reference", "access_code_hash"])
    if involved_staff:
        complaint.involved_staff.set(involved_staff)
    if involved_partners:
        complaint.involved_partners.set(involved_partners)
    deadline = _open_deadline(complaint, clocks.RULE_OF[clocks.Complexity.SIMPLE], received_on, new=True)
    record(
        event_type=events.REGISTERED,
        actor=actor,
        subject=complaint,
        insurer_id=insurer_id,
        new={
            "reference": complaint.reference,
            "channel": complaint.channel,
            "received_on": received_on.isoformat(),
            "due": deadline.due.isoformat(),
            **({"receipt": receipt} if receipt else {}),
        },
        first=True,
    )
    if actor.kind in {ActorKind.SYSTEM, ActorKind.CONSUMER}:
        # Staff could only pick a consumer already related to their insurer; intake channels may not have.
        identity_actions.consumer_relate(actor=actor, consumer=consumer, insurer_id=insurer_id)
    tell_complainant(
        actor=actor,
        complaint=complaint,
        purpose="complaint_received",
        template="received",
        due=deadline.due,
        access_code=access_code,
    )
    if complaint.group_size >= GROUP_COMPLAINT_THRESHOLD:
        tell_staff(
            actor=actor,
            staff=_staff_with(complaint, Role.COMPLIANCE_OFFICER, Role.SENIOR_MANAGER),
            complaint=complaint,
            purpose="group_complaint",
            body=gettext("Group complaint of %(count)s complainants: start the emergency plan (CMP-G1).")
            % {"count": complaint.group_size},
        )
    if idempotency_key:
        idempotency.remember(SCOPE, actor.audit_id, idempotency_key, hashed, complaint.pk)
    return Registration(complaint, access_code=access_code)


def _complainant(actor: Actor, data: NewComplaint, insurer_id: int) -> Consumer:
    """Who complains: a consumer files in their own name; staff and channels name or register one."""
    if actor.kind is ActorKind.CONSUMER:
        if data.complainant_id not in (None, actor.consumer_id):
            raise PermissionDenied(_("A consumer files complaints in their own name."))
        return identity_access.consumer_for(actor, actor.consumer_id)
    if data.complainant_id is not None:
        return identity_access.consumer_for(actor, data.complainant_id)
    if data.complainant is not None:
        return identity_actions.consumer_register(actor=actor, details=data.complainant, insurer_id=insurer_id)
    raise InvalidInput(_("Say who the complainant is."))


def policy_number_index(policy_number: str) -> str:
    """The blind index the queue's search finds a policy number by; empty when there is none."""
    normalised = normalise_policy_number(policy_number)
    return blind_indexer().index("policy_number", normalised) if normalised else ""


def access_code_hash(reference: str, code: str) -> str:
    return blind_indexer().index("complaint_access", f"{reference}:{code.strip()}")


def _with_note(description: str, note: str) -> str:
    return f"{description}\n[{note}]" if note.strip() else description


def _fingerprint(insurer_id: int, consumer_id: int, policy_number: str, description: str) -> str:
    text = " ".join(description.split())
    return hashlib.sha256(f"{insurer_id}|{consumer_id}|{policy_number.strip().upper()}|{text}".encode()).hexdigest()


def _recent_duplicate(fingerprint: str) -> Complaint | None:
    from django.conf import settings

    since = clock.now() - timedelta(hours=settings.XIAOBAO_DUPLICATE_WINDOW_HOURS)
    return Complaint.objects.filter(fingerprint=fingerprint, registered_at__gte=since).order_by("pk").first()


def _intake_insurer(actor: Actor, insurer_id: int | None) -> int:
    """Staff register for their own insurer; intake channels (the system) and consumers name the insurer."""
    if actor.kind is ActorKind.CONSUMER:
        if insurer_id is None or not Insurer.objects.filter(pk=insurer_id).exists():
            raise NotFound()
    elif actor.kind is not ActorKind.SYSTEM:
        identity_access.require(actor, Permission.REGISTER_COMPLAINTS)
        insurer_id = actor.insurer_id
    if insurer_id is None:
        raise InvalidInput(_("The insurer of the complaint is not known."))
    return insurer_id


@stored_files.atomic
def complaint_file_online(
    *, actor: Actor, insurer_id: int, data: NewComplaint, uploads: list[Upload], idempotency_key: str
) -> Registration:
    """A consumer's online complaint with its files, all or nothing: a failure leaves no half-written case,
    and no file on disk (``stored_files.atomic`` deletes the files written when the transaction rolls back)."""
    checked_uploads(uploads)  # refuse a bad file before anything is written (or read, when too large)
    registration = complaint_registration(
        actor=actor, data=data, insurer_id=insurer_id, idempotency_key=idempotency_key
    )
    attach_sent(actor=actor, registration=registration, uploads=uploads)
    return registration


def attach_sent(*, actor: Actor, registration: Registration, uploads: Sequence[Upload]) -> None:
    """The files sent with a complaint kept with the case it became (``complaint_attach``: stored encrypted under
    the case, the ``complaint.attached`` event), in the request or by the intake worker. A case that has files
    already (a retry, or a repeat linked to the first case) is left as it is."""
    complaint = registration.complaint
    if uploads and not complaint.attachments.exists():
        complaint_attach(actor=actor, complaint_id=complaint.pk, uploads=list(uploads))
