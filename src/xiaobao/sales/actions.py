"""The only writer of products, sales material, salespeople and recorded sales. Each change is in the audit log."""

from __future__ import annotations

import hashlib
import json
import secrets
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.utils.translation import gettext

from xiaobao.audit import chain
from xiaobao.audit.recorder import record
from xiaobao.complaints.domain.files import check_file
from xiaobao.identity import access as identity_access
from xiaobao.identity.actions import ConsumerDetails, consumer_register
from xiaobao.identity.domain.permissions import Permission, staff_may
from xiaobao.identity.models import Partner, Staff
from xiaobao.identity.selectors import staff_with
from xiaobao.kernel.actors import Actor, ActorKind, Role
from xiaobao.kernel.errors import DamagedFile, InvalidInput, NotFound, PermissionDenied, TransitionNotAllowed
from xiaobao.kernel.i18n import _
from xiaobao.notifications.actions import tell_staff
from xiaobao.ops import clock, idempotency, stored_files
from xiaobao.privacy.domain.identifiers import mask_name
from xiaobao.sales import access, events
from xiaobao.sales.domain import materials as rules
from xiaobao.sales.domain import quality, recording, session
from xiaobao.sales.domain.grades import Grade
from xiaobao.sales.domain.materials import MaterialState
from xiaobao.sales.domain.session import SaleAlreadyCompleted
from xiaobao.sales.domain.tiers import ProductTraits, tier_of
from xiaobao.sales.models import (
    Product,
    QualityCheck,
    RecordingChunk,
    RecordingUpload,
    Sale,
    SaleDispute,
    SaleEvent,
    SaleRecording,
    SalesMaterial,
    Salesperson,
    SampleDraw,
)
from xiaobao.sales.selectors import dispute_held_by_complaint, material_for_sale, seller_for_sale
from xiaobao.sales.suitability.selectors import require_ready_to_complete

# --- products (SAL-1, SAL-S1) ---


def traits_of(product: Product) -> ProductTraits:
    return ProductTraits(
        complexity=product.complexity,
        premium_burden=product.premium_burden,
        risk=product.risk_level,
        investment_linked=product.investment_linked,
        uncertain_benefit=product.uncertain_benefit,
    )


@transaction.atomic
def product_save(*, actor: Actor, product: Product, changed_by: str, idempotency_key: str | None = None) -> Product:
    """Publish a new product page or change one; the event says who changed what.

    The platform's administrators (the admin site, as the system), or the insurer's own staff who keep its
    products (``MANAGE_PRODUCTS``) for that insurer only. The tier is decided from the product's assessments
    and properties (SAL-S1, ``sales.domain.tiers``), never typed. A new product sent twice under one
    ``idempotency_key`` is saved once."""
    if actor.kind is not ActorKind.SYSTEM:
        identity_access.require_for_insurer(actor, Permission.MANAGE_PRODUCTS, product.insurer_id)
        if product.pk is not None:  # the stored row is the actor's insurer's too, and stays there
            stored = access.product_kept_by(actor, product.pk, for_update=True)
            if stored.insurer_id != product.insurer_id:
                raise NotFound()
    first = product.pk is None
    hashed = idempotency.request_hash(product.insurer_id, product.code, product.name)
    if first and idempotency_key is not None:
        earlier = idempotency.previous_result("product_save", actor.audit_id, idempotency_key, hashed)
        if earlier is not None:
            return Product.objects.get(insurer_id=product.insurer_id, pk=earlier)
    old = {} if first else _described(Product.objects.select_for_update().get(pk=product.pk))
    product.tier = tier_of(traits_of(product))
    product.full_clean()
    product.save()
    if first and idempotency_key is not None:
        idempotency.remember("product_save", actor.audit_id, idempotency_key, hashed, product.pk)
    new = _described(product)
    record(
        event_type=events.PRODUCT_PUBLISHED if first else events.PRODUCT_CHANGED,
        actor=actor,
        subject=product,
        insurer_id=product.insurer_id,
        first=first,
        old={key: value for key, value in old.items() if new[key] != value},
        new={"by": changed_by, **{key: value for key, value in new.items() if old.get(key) != value}},
    )
    return product


def _described(product: Product) -> dict[str, object]:
    return {
        "code": product.code,
        "name": product.name,
        "line": product.product_line,
        "summary": product.summary,
        "terms_sha256": hashlib.sha256(product.terms.encode()).hexdigest(),
        "register_number": product.register_number,
        "register_url": product.register_url,
        "on_sale": product.on_sale,
        "tier": product.tier,
        "complexity": product.complexity,
        "premium_burden": product.premium_burden,
        "risk": product.risk_level,
        "term_months": product.term_months,
        "cooling_off_days": product.cooling_off_days,
        "uncertain_benefit": product.uncertain_benefit,
        "investment_linked": product.investment_linked,
    }


# --- sales material (SAL-1) ---


@stored_files.atomic
def material_register(
    *,
    actor: Actor,
    product_id: int,
    kind: str,
    title: str,
    text: str,
    file_name: str = "",
    content: bytes | File | None = None,  # type: ignore[type-arg]
    idempotency_key: str | None = None,
) -> SalesMaterial:
    """SAL-1: register a leaflet, script or web page for one of the insurer's products; it waits for approval
    by someone else before it may be used. The file is checked from its content, stored encrypted under its
    content address with its SHA-256; the same form sent twice registers one material."""
    if not staff_may(actor, Permission.REGISTER_SALES_MATERIAL) or actor.staff_id is None or actor.insurer_id is None:
        raise PermissionDenied()
    insurer_id: int = actor.insurer_id
    product = identity_access.one(Product.objects.filter(insurer_id=insurer_id), product_id)
    rules.check_content(text=text, has_file=content is not None)
    if kind not in set(rules.MaterialKind):
        raise InvalidInput(_("Choose the kind of material."))
    title = title.strip()
    if not title:
        raise InvalidInput(_("Give the material a title."))
    digest = stored_files.sha256_of(content) if content is not None else ""
    text_digest = hashlib.sha256(text.encode()).hexdigest()
    hashed = idempotency.request_hash(insurer_id, product.pk, kind, title, text_digest, digest)
    if idempotency_key is not None:
        earlier = idempotency.previous_result("material_register", actor.audit_id, idempotency_key, hashed)
        if earlier is not None:
            return SalesMaterial.objects.get(insurer_id=insurer_id, pk=earlier)
    material = SalesMaterial(
        insurer_id=insurer_id,
        product=product,
        kind=kind,
        title=title[:200],
        text=text,
        text_sha256=text_digest,
        registered_by_id=actor.staff_id,
        registered_at=clock.now(),
    )
    if content is not None:
        size = stored_files.size_of(content)
        material.content_type = check_file(file_name, size, stored_files.head_of(content))
        material.original_name, material.size, material.sha256 = file_name[:200], size, digest
        address = stored_files.address_of(material.file, digest)
        stored_files.store_once(material.file, f"sales/insurer-{insurer_id}/material-{address}", content, digest)
    material.save()
    if idempotency_key is not None:
        idempotency.remember("material_register", actor.audit_id, idempotency_key, hashed, material.pk)
    record(
        event_type=events.MATERIAL_REGISTERED,
        actor=actor,
        subject=material,
        insurer_id=insurer_id,
        first=True,
        new={
            "product": product.code,
            "kind": kind,
            "title": material.title,
            "text_sha256": text_digest,
            "sha256": digest,
            "size": material.size,
            "content_type": material.content_type,
        },
    )
    tell_staff(
        actor=actor,
        staff=[member for member in staff_with(insurer_id, Role.COMPLIANCE_OFFICER) if member.pk != actor.staff_id],
        reference=_material_reference(material),
        purpose="sales.material_to_approve",
        body=gettext("Sales material “%(title)s” for %(product)s waits for your approval.")
        % {"title": material.title, "product": product.name},
        insurer_id=insurer_id,
        about=material,
    )
    return material


def _material_reference(material: SalesMaterial) -> str:
    return f"SM-{material.pk}"


def _tell_registrant(actor: Actor, material: SalesMaterial, purpose: str, body: str) -> None:
    """The person who registered the material hears of the decision in their inbox."""
    registrant = [m for m in staff_with(material.insurer_id, *Role) if m.pk == material.registered_by_id]
    tell_staff(
        actor=actor,
        staff=registrant,
        reference=_material_reference(material),
        purpose=purpose,
        body=body,
        insurer_id=material.insurer_id,
        about=material,
    )


def _material_to_decide(actor: Actor, material_id: int) -> SalesMaterial:
    if not staff_may(actor, Permission.APPROVE_SALES_MATERIAL):
        raise NotFound() if not staff_may(actor, Permission.REGISTER_SALES_MATERIAL) else PermissionDenied()
    return access.material_for(actor, material_id, for_update=True)


@transaction.atomic
def material_approve(*, actor: Actor, material_id: int) -> SalesMaterial:
    """SAL-1, four eyes: compliance approves material someone else registered; from now on it may be used."""
    material = _material_to_decide(actor, material_id)
    rules.check_step(material.state, MaterialState.APPROVED)
    rules.check_approver(registered_by=material.registered_by_id, approver=actor.staff_id)
    material.state, material.decided_by_id, material.approved_at = MaterialState.APPROVED, actor.staff_id, clock.now()
    material.save(update_fields=["state", "decided_by", "approved_at"])
    record(
        event_type=events.MATERIAL_APPROVED,
        actor=actor,
        subject=material,
        insurer_id=material.insurer_id,
        old={"state": MaterialState.DRAFT.value},
        new={"state": material.state, "registered_by": material.registered_by_id},
    )
    _tell_registrant(
        actor,
        material,
        "sales.material_approved",
        gettext("Sales material “%(title)s” is approved: it may be used in sales.") % {"title": material.title},
    )
    return material


@transaction.atomic
def material_reject(*, actor: Actor, material_id: int, reason: str) -> SalesMaterial:
    """SAL-1: compliance refuses material, saying why; it is never used (a corrected version is a new one)."""
    material = _material_to_decide(actor, material_id)
    rules.check_step(material.state, MaterialState.REJECTED)
    rules.check_approver(registered_by=material.registered_by_id, approver=actor.staff_id)
    reason = rules.check_reason(reason)
    material.state, material.decided_by_id, material.rejected_at = MaterialState.REJECTED, actor.staff_id, clock.now()
    material.rejection_reason = reason
    material.save(update_fields=["state", "decided_by", "rejected_at", "rejection_reason"])
    record(
        event_type=events.MATERIAL_REJECTED,
        actor=actor,
        subject=material,
        insurer_id=material.insurer_id,
        old={"state": MaterialState.DRAFT.value},
        new={"state": material.state, "reason": reason},
    )
    _tell_registrant(
        actor,
        material,
        "sales.material_rejected",
        gettext("Sales material “%(title)s” is rejected: %(reason)s") % {"title": material.title, "reason": reason},
    )
    return material


@transaction.atomic
def material_withdraw(*, actor: Actor, material_id: int, reason: str) -> SalesMaterial:
    """SAL-1: stop material being used (out of date, a complaint about it): from this moment no sale may
    show it. Those who register material or approve it may withdraw it."""
    material = access.material_for(actor, material_id, for_update=True)
    if actor.staff_id is None:
        raise PermissionDenied()
    before = material.state
    rules.check_step(material.state, MaterialState.WITHDRAWN)
    reason = rules.check_reason(reason)
    material.state, material.withdrawn_by_id, material.withdrawn_at = (
        MaterialState.WITHDRAWN,
        actor.staff_id,
        clock.now(),
    )
    material.withdrawal_reason = reason
    material.save(update_fields=["state", "withdrawn_by", "withdrawn_at", "withdrawal_reason"])
    record(
        event_type=events.MATERIAL_WITHDRAWN,
        actor=actor,
        subject=material,
        insurer_id=material.insurer_id,
        old={"state": before},
        new={"state": material.state, "reason": reason},
    )
    return material


# --- salespeople (SAL-S1) ---


@transaction.atomic
def salesperson_save(*, actor: Actor, salesperson: Salesperson, idempotency_key: str | None = None) -> Salesperson:
    """SAL-S1: add a salesperson — one of the insurer's staff, someone working for one of its agents, or one
    of its own individual agents — or change their grade, name or whether they still sell."""
    identity_access.require_for_insurer(actor, Permission.MANAGE_SALESPEOPLE, salesperson.insurer_id)
    first = salesperson.pk is None
    if not first and actor.kind is not ActorKind.SYSTEM:
        stored = access.salesperson_for(actor, salesperson.pk, for_update=True)
        if stored.insurer_id != salesperson.insurer_id:
            raise NotFound()
    _check_employer(salesperson)
    hashed = idempotency.request_hash(salesperson.insurer_id, salesperson.practice_number)
    if first and idempotency_key is not None:
        earlier = idempotency.previous_result("salesperson_save", actor.audit_id, idempotency_key, hashed)
        if earlier is not None:
            return Salesperson.objects.get(insurer_id=salesperson.insurer_id, pk=earlier)
    old = {} if first else _salesperson_described(Salesperson.objects.select_for_update().get(pk=salesperson.pk))
    salesperson.full_clean()
    salesperson.save()
    if first and idempotency_key is not None:
        idempotency.remember("salesperson_save", actor.audit_id, idempotency_key, hashed, salesperson.pk)
    new = _salesperson_described(salesperson)
    record(
        event_type=events.SALESPERSON_ADDED if first else events.SALESPERSON_CHANGED,
        actor=actor,
        subject=salesperson,
        insurer_id=salesperson.insurer_id,
        first=first,
        old={key: value for key, value in old.items() if new[key] != value},
        new={key: value for key, value in new.items() if old.get(key) != value},
    )
    return salesperson


def _check_employer(salesperson: Salesperson) -> None:
    """Staff of this insurer, or a person of one of this insurer's agents — never both, never another's."""
    if salesperson.grade not in set(Grade):
        raise InvalidInput(_("Choose the salesperson's grade."))
    if salesperson.staff_id is not None and salesperson.partner_id is not None:
        raise InvalidInput(_("A salesperson is either the insurer's staff or an agent's, not both."))
    if salesperson.staff_id is not None:
        identity_access.one(Staff.objects.filter(insurer_id=salesperson.insurer_id), salesperson.staff_id)
    if salesperson.partner_id is not None:
        identity_access.one(
            Partner.objects.filter(insurer_id=salesperson.insurer_id, kind=Partner.AGENT), salesperson.partner_id
        )


def _salesperson_described(salesperson: Salesperson) -> dict[str, object]:
    return {
        "name": mask_name(salesperson.name),
        "practice_number": salesperson.practice_number,
        "grade": salesperson.grade,
        "active": salesperson.active,
        "staff": salesperson.staff_id,
        "partner": salesperson.partner_id,
    }


# -- the replayable sale (issue #16 item 4: SAL-3, SAL-R1..R4) ----------------------------------------------------

MAX_CONTENT_CHARS = 500_000
"""What one shown page may hold (its HTML or text): far above a real page, far below a database's limit."""
MAX_CHUNK_BYTES = 8 * 1024 * 1024
MAX_RECORDING_BYTES = 4 * 1024 * 1024 * 1024
RECORDING_MEDIA_TYPES = frozenset(
    {"audio/mpeg", "audio/mp4", "audio/wav", "audio/ogg", "audio/webm", "video/mp4", "video/webm", "video/quicktime"}
)


class RecordingMissing(TransitionNotAllowed):
    code = "recording_missing"
    default_message = _("This sale must be recorded on audio and video (SAL-R1): upload the recording first.")


class EventIdReused(InvalidInput):
    code = "event_id_reused"
    default_message = _("An event with this client event id was already received with other content.")


class ChunkOutOfPlace(TransitionNotAllowed):
    code = "chunk_out_of_place"
    default_message = _("The upload expects its next chunk at byte %(expected)s: send from there.")


class ChunkBeyondDeclaredSize(InvalidInput):
    code = "chunk_beyond_declared_size"
    default_message = _(
        "This chunk would take the upload past the %(declared)s bytes it declared: send only the bytes declared, "
        "or open a new upload with the right size."
    )


class DisputeComplaintStillOpen(TransitionNotAllowed):
    code = "dispute_complaint_open"
    default_message = _(
        "This dispute is the complaint %(reference)s, which is still open: it ends when the complaint is closed."
    )


class NothingToDraw(InvalidInput):
    code = "nothing_to_draw"
    default_message = _("No recorded sale completed in this period is left to check.")


class ChecksumMismatch(InvalidInput):
    code = "checksum_mismatch"
    default_message = _("The bytes received do not have the SHA-256 given: the upload is kept open, send it again.")


@dataclass(frozen=True)
class SaleStart:
    """A sale session as a partner's sales system (or a staff seller) opens it."""

    seller_id: int
    product_id: int
    channel: str
    buyer_age: int
    started_at: datetime
    buyer_id: int | None = None
    premium_yuan: Decimal | None = None
    premium_mode: str = ""
    payment_years: int | None = None


@dataclass(frozen=True)
class SaleEventIn:
    client_event_id: str
    kind: str
    occurred_at: datetime
    content: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    content_sha256: str | None = None
    """What the client computed of the content: refused when it differs from what arrived."""


def _recording_facts(sale: Sale) -> recording.SaleFacts:
    return recording.SaleFacts(
        buyer_age=sale.buyer_age,
        channel=sale.channel,
        term_months=sale.product.term_months,
        investment_linked=sale.product.investment_linked,
    )


def recording_required(sale: Sale) -> bool:
    """SAL-R1 for this sale (``sales.domain.recording``)."""
    return recording.recording_required(_recording_facts(sale))


def _material_details(sale: Sale, new: SaleEventIn, actor: Actor) -> dict[str, Any]:
    """A material_shown event names, by id (``details["material"]``), one of the insurer's materials for the
    sale's product that may be used now and could be used when the event occurred (SAL-1: approved before it,
    not withdrawn by it: ``MaterialNotUsable`` otherwise); the event keeps the material's id and its SHA-256
    (its file's, or its text's when it has no file)."""
    named = str(new.details.get("material", "")).strip()
    if not named:
        raise InvalidInput(_("Name the sales material shown (details.material)."))
    material = material_for_sale(actor, sale.insurer_id, named, shown_at=new.occurred_at)
    if material.product_id != sale.product_id:
        raise NotFound()
    return {**new.details, "material": material.pk, "material_sha256": material.sha256 or material.text_sha256}


def _check_ready_to_complete(sale: Sale) -> None:
    """Suitability assessed, the premium unchanged since, the declaration signed where needed (SAL-2,
    SAL-S2..S4): ``DeclarationRequired`` otherwise."""
    require_ready_to_complete(sale)


def declaration_signed(sale: Sale) -> bool:
    """The buyer signed the declaration that a product advised against is their own choice (SAL-S3, SAL-S4)."""
    return access.declaration_of_sale(sale) is not None


def _new_reference() -> str:
    return f"XS{clock.today():%Y%m%d}{secrets.token_hex(4).upper()}"


@transaction.atomic
def sale_start(*, actor: Actor, start: SaleStart, idempotency_key: str | None = None) -> Sale:
    """Open a sale session (SAL-3) for one of the actor's salespeople; a retried start returns the first sale."""
    caller = actor.audit_id
    hashed = idempotency.request_hash(start)
    if idempotency_key is not None:
        previous = idempotency.previous_result("sales.sale_start", caller, idempotency_key, hashed)
        if previous is not None:
            return access.sale_for(actor, previous)
    seller = access.seller_for(actor, start.seller_id)
    product = access.products_to_sell(seller.insurer_id).filter(pk=start.product_id).first()
    if product is None:
        raise NotFound()
    seller = seller_for_sale(actor, insurer_id=seller.insurer_id, seller_id=seller.pk, product=product)
    if start.channel not in Sale.Channel.values:
        raise InvalidInput(_("Choose a channel of the list."))
    sale = Sale(
        insurer_id=seller.insurer_id,
        reference=_new_reference(),
        product=product,
        seller=seller,
        channel=start.channel,
        buyer_id=start.buyer_id,
        buyer_age=start.buyer_age,
        premium_yuan=start.premium_yuan,
        premium_mode=start.premium_mode,
        payment_years=start.payment_years,
        started_at=start.started_at,
    )
    if start.buyer_id is not None and not _buyer_known(seller.insurer_id, start.buyer_id):
        raise NotFound()
    sale.save(force_insert=True)
    if idempotency_key is not None:
        idempotency.remember("sales.sale_start", caller, idempotency_key, hashed, sale.pk)
    record(
        event_type=events.SALE_STARTED,
        actor=actor,
        subject=sale,
        insurer_id=sale.insurer_id,
        first=True,
        new={
            "reference": sale.reference,
            "product": product.code,
            "seller": seller.practice_number,
            "channel": sale.channel,
            "buyer_age": sale.buyer_age,
            "recording_required": recording_required(sale),
        },
    )
    return sale


@transaction.atomic
def sale_start_with_buyer(
    *, actor: Actor, start: SaleStart, buyer: ConsumerDetails, idempotency_key: str | None = None
) -> Sale:
    """A staff seller opens a face-to-face sale for a buyer in front of them: the buyer found by their ID
    number, or registered as staff register a complainant (``identity.actions.consumer_register``: one person,
    one record, related to the insurer), then the session opened as ``sale_start`` does. The same form sent
    twice opens one sale."""
    consumer = consumer_register(actor=actor, details=buyer)
    return sale_start(actor=actor, start=replace(start, buyer_id=consumer.pk), idempotency_key=idempotency_key)


def _buyer_known(insurer_id: int, consumer_id: int) -> bool:
    return access.buyer_of_insurer(insurer_id, consumer_id)


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def chained_event(event: SaleEvent) -> session.ChainedEvent:
    """The stored event as the chain sees it (``sales.domain.session``)."""
    return session.ChainedEvent(
        sequence=event.sequence,
        kind=event.kind,
        client_event_id=event.client_event_id,
        occurred_at=_utc_text(event.occurred_at),
        received_at=_utc_text(event.received_at),
        content_sha256=event.content_sha256,
        details=event.details,
        prev_hash=event.prev_hash,
    )


def _same_event(stored: SaleEvent, new: SaleEventIn) -> bool:
    digest = hashlib.sha256(new.content.encode()).hexdigest() if new.content else ""
    return (stored.kind, stored.content_sha256, _utc_text(stored.occurred_at)) == (
        new.kind,
        digest,
        _utc_text(new.occurred_at),
    )


@transaction.atomic
def sale_events_append(*, actor: Actor, sale_id: int, batch: Sequence[SaleEventIn]) -> list[SaleEvent]:
    """Append a batch of events to the sale's chain (SAL-3, SAL-R4), in the order given.

    Idempotent by the client's event id: an event already received is returned as stored, not stored again
    (a retried batch, or one cut off and sent again); the same id with other content is refused. A shown page
    keeps the SHA-256 of exactly the content sent, and the content itself, encrypted.
    """
    if not batch or len(batch) > session.MAX_EVENTS_PER_BATCH:
        raise InvalidInput(_("Send 1 to %(limit)s events at a time."), limit=session.MAX_EVENTS_PER_BATCH)
    sale = access.sale_to_submit(actor, sale_id)
    ids = [item.client_event_id for item in batch]
    if len(set(ids)) != len(ids):
        raise InvalidInput(_("Each event of a batch has its own client event id."))
    known = {event.client_event_id: event for event in access.events_of(sale).filter(client_event_id__in=ids)}
    for item in batch:
        if item.client_event_id in known and not _same_event(known[item.client_event_id], item):
            raise EventIdReused()
    fresh = [item for item in batch if item.client_event_id not in known]
    if fresh and sale.completed_at is not None:
        raise SaleAlreadyCompleted()
    last = access.events_of(sale).order_by("-sequence").values_list("sequence", "hash").first()
    sequence, previous = last or (0, session.GENESIS)
    received_at = clock.now().astimezone(UTC)
    added: list[SaleEvent] = []
    for item in fresh:
        if not session.event_in_time(
            occurred_at=item.occurred_at, sale_started_at=sale.started_at, received_at=received_at
        ):
            raise session.EventOutOfTime()
        details = _checked_details(sale, item, actor)
        sequence += 1
        event = SaleEvent(
            sale=sale,
            sequence=sequence,
            kind=item.kind,
            client_event_id=item.client_event_id,
            occurred_at=item.occurred_at.astimezone(UTC),
            received_at=received_at,
            content=item.content,
            content_sha256=hashlib.sha256(item.content.encode()).hexdigest() if item.content else "",
            details=json.loads(chain.canonical(details)),
            prev_hash=previous,
        )
        event.hash = chain.event_hash(previous, session.chain_content(chained_event(event)))
        event.save(force_insert=True)
        previous = event.hash
        known[item.client_event_id] = event
        added.append(event)
    if added:
        record(
            event_type=events.SALE_EVENTS_APPENDED,
            actor=actor,
            subject=sale,
            insurer_id=sale.insurer_id,
            new={"count": len(added), "first": added[0].sequence, "last": added[-1].sequence, "head": previous},
        )
    return [known[item.client_event_id] for item in batch]


def _checked_details(sale: Sale, item: SaleEventIn, actor: Actor) -> dict[str, Any]:
    """The event may be stored: its details as kept (a material shown gains the material's SHA-256)."""
    if item.kind not in SaleEvent.Kind.values:
        raise InvalidInput(_("Choose an event kind of the list."))
    if not 0 < len(item.client_event_id) <= 64:
        raise InvalidInput(_("A client event id is 1 to 64 characters."))
    if len(item.content) > MAX_CONTENT_CHARS:
        raise InvalidInput(_("A shown page may hold at most %(limit)s characters."), limit=MAX_CONTENT_CHARS)
    if item.kind in session.CONTENT_KINDS and not item.content:
        raise InvalidInput(_("A shown page or material keeps exactly what was shown: send its content."))
    if (
        item.content_sha256 is not None
        and item.content_sha256.lower() != hashlib.sha256(item.content.encode()).hexdigest()
    ):
        raise ChecksumMismatch()
    if item.kind == SaleEvent.Kind.MATERIAL_SHOWN:
        return _material_details(sale, item, actor)
    return dict(item.details)


def chain_break(sale: Sale) -> int | None:
    """The sequence number of the first event of the sale whose hash or link is wrong; None when whole."""
    stored = [(chained_event(event), event.hash) for event in access.events_of(sale)]
    return session.first_break(stored, chain.event_hash)


# -- recordings: resumable uploads (ADR 0018) --------------------------------------------------------------------


@transaction.atomic
def recording_upload_open(
    *,
    actor: Actor,
    sale_id: int,
    media_type: str,
    duration_seconds: int,
    recorded_at: datetime,
    size_bytes: int,
    idempotency_key: str | None = None,
) -> RecordingUpload:
    """Start a resumable upload of a recording of the sale (SAL-R1); the seller of the sale recorded it. The
    upload declares the recording's whole size: no chunk may go past it (ADR 0018). A completed sale takes no
    new upload (SAL-3)."""
    caller = actor.audit_id
    hashed = idempotency.request_hash(sale_id, media_type, duration_seconds, _utc_text(recorded_at), size_bytes)
    if idempotency_key is not None:
        previous = idempotency.previous_result("sales.recording_upload", caller, idempotency_key, hashed)
        if previous is not None:
            return access.upload_for(actor, RecordingUpload.objects.get(pk=previous).token)
    sale = access.sale_to_submit(actor, sale_id)
    if sale.completed_at is not None:
        raise SaleAlreadyCompleted()
    if media_type not in RECORDING_MEDIA_TYPES:
        raise InvalidInput(
            _("A recording is audio or video: %(types)s."), types=", ".join(sorted(RECORDING_MEDIA_TYPES))
        )
    if not 0 < size_bytes <= MAX_RECORDING_BYTES:
        raise InvalidInput(_("A recording may be at most %(limit)s bytes."), limit=MAX_RECORDING_BYTES)
    upload = RecordingUpload.objects.create(
        sale=sale,
        token=secrets.token_hex(16),
        media_type=media_type,
        duration_seconds=duration_seconds,
        size_bytes=size_bytes,
        recorded_by=sale.seller,
        recorded_at=recorded_at,
        opened_by=caller,
        opened_at=clock.now(),
    )
    if idempotency_key is not None:
        idempotency.remember("sales.recording_upload", caller, idempotency_key, hashed, upload.pk)
    record(
        event_type=events.RECORDING_UPLOAD_OPENED,
        actor=actor,
        subject=sale,
        insurer_id=sale.insurer_id,
        new={"upload": upload.pk, "media_type": media_type, "duration": duration_seconds, "size": size_bytes},
    )
    return upload


@stored_files.atomic
def recording_chunk_put(*, actor: Actor, token: str, offset: int, content: bytes) -> RecordingUpload:
    """Keep one chunk of an upload at ``offset`` (ADR 0018).

    The next chunk starts where the last ended (``received_bytes``). A chunk sent again — same offset, same
    bytes — is kept once and answers with where the upload stands; a chunk elsewhere is refused with the
    offset expected, so a client that lost track asks and resumes from there; a chunk that would go past the
    size the upload declared is refused (``ChunkBeyondDeclaredSize``), and so is any chunk once the sale is
    completed (SAL-3: a completed sale is closed). Chunks are transport, not events of the sale: the upload's
    opening and its finishing are what the audit log records.
    """
    upload = access.upload_for(actor, token, for_update=True)
    if upload.state == RecordingUpload.State.OPEN and upload.sale.completed_at is not None:
        raise SaleAlreadyCompleted()
    digest = hashlib.sha256(content).hexdigest()
    repeated = RecordingChunk.objects.filter(upload=upload, offset=offset).first()
    if repeated is not None and repeated.sha256 == digest:
        return upload
    if upload.state != RecordingUpload.State.OPEN:
        raise TransitionNotAllowed(_("This upload is finished."))
    if offset != upload.received_bytes or repeated is not None:
        raise ChunkOutOfPlace(expected=upload.received_bytes)
    if not 0 < len(content) <= MAX_CHUNK_BYTES:
        raise InvalidInput(_("A chunk is 1 byte to %(limit)s bytes."), limit=MAX_CHUNK_BYTES)
    if upload.received_bytes + len(content) > upload.size_bytes:
        raise ChunkBeyondDeclaredSize(declared=upload.size_bytes)
    chunk = RecordingChunk(upload=upload, offset=offset, size=len(content), sha256=digest)
    stored_files.store_once(chunk.file, f"sales/uploads/{upload.token}/{offset:015d}", content, digest)
    chunk.save(force_insert=True)
    upload.received_bytes += len(content)
    upload.save(update_fields=["received_bytes"])
    return upload


def _joined(upload: RecordingUpload, spool: IO[bytes]) -> str:
    """Copy the chunks in order into ``spool``; the SHA-256 of the whole."""
    digest = hashlib.sha256()
    for chunk in RecordingChunk.objects.filter(upload=upload).order_by("offset"):
        with chunk.file.open("rb") as part:
            while block := part.read(1024 * 1024):
                digest.update(block)
                spool.write(block)
    spool.seek(0)
    return digest.hexdigest()


@stored_files.atomic
def recording_upload_finish(*, actor: Actor, token: str, sha256: str) -> SaleRecording:
    """The last chunk is in: the upload has all the bytes it declared and the whole recording the SHA-256
    given; it is then stored encrypted once (ADR 0012) and the chunks removed. Finishing again returns the same
    recording. The same bytes already kept for the sale (sent again through a second upload) are not stored
    again: this upload is linked to the recording kept. A completed sale takes no new recording (SAL-3)."""
    upload = access.upload_for(actor, token, for_update=True)
    sha256 = sha256.strip().lower()
    if upload.recording is not None:
        if upload.recording.sha256 != sha256:
            raise ChecksumMismatch()
        return upload.recording
    # The sale's row lock: completion, and another upload of the same bytes finishing, wait for this one.
    sale = access.sale_to_submit(actor, upload.sale_id)
    if sale.completed_at is not None:
        raise SaleAlreadyCompleted()
    if upload.received_bytes == 0:
        raise InvalidInput(_("Nothing was uploaded yet."))
    if upload.received_bytes != upload.size_bytes:
        raise InvalidInput(
            _("The upload has %(received)s of the %(declared)s bytes it declared: send the rest first."),
            received=upload.received_bytes,
            declared=upload.size_bytes,
        )
    with tempfile.TemporaryFile() as spool:
        whole = _joined(upload, spool)
        if whole != sha256:
            raise ChecksumMismatch()
        already = access.recordings_of(sale).filter(sha256=whole).first()
        kept = already or SaleRecording(
            sale=sale,
            sha256=whole,
            size=upload.received_bytes,
            duration_seconds=upload.duration_seconds,
            media_type=upload.media_type,
            recorded_by=upload.recorded_by,
            recorded_at=upload.recorded_at,
            received_at=clock.now(),
        )
        if already is None:
            upload_file = File(spool, name="recording")
            upload_file.size = upload.received_bytes
            address = stored_files.address_of(kept.file, whole)
            stored_files.store_once(kept.file, f"sales/recordings/sale-{sale.pk}/{address}", upload_file, whole)
            kept.save(force_insert=True)
    chunks = list(RecordingChunk.objects.filter(upload=upload))
    names = [chunk.file.name for chunk in chunks]
    storage = chunks[0].file.storage if chunks else None
    RecordingChunk.objects.filter(upload=upload).delete()
    upload.state = RecordingUpload.State.FINISHED
    upload.recording = kept
    upload.save(update_fields=["state", "recording"])
    if storage is not None:
        transaction.on_commit(lambda: [storage.delete(name) for name in names])
    record(
        event_type=events.RECORDING_RECEIVED,
        actor=actor,
        subject=sale,
        insurer_id=sale.insurer_id,
        new={
            "recording": kept.pk,
            "upload": upload.pk,
            "already_kept": already is not None,
            "sha256": kept.sha256,
            "size": kept.size,
            "duration": kept.duration_seconds,
            "media_type": kept.media_type,
            "recorded_by": kept.recorded_by.practice_number,
        },
    )
    return kept


@stored_files.atomic
def recording_upload_file(
    *,
    actor: Actor,
    sale_id: int,
    content: File,  # type: ignore[type-arg]
    media_type: str,
    duration_seconds: int,
    recorded_at: datetime,
) -> SaleRecording:
    """A whole recording sent at once (the workbench form): the resumable upload of ADR 0018 opened, fed in
    chunks and finished in one transaction, so the recording is checked and kept exactly as an API upload is."""
    upload = recording_upload_open(
        actor=actor,
        sale_id=sale_id,
        media_type=media_type,
        duration_seconds=duration_seconds,
        recorded_at=recorded_at,
        size_bytes=content.size or 0,
    )
    digest = hashlib.sha256()
    offset = 0
    for block in content.chunks(MAX_CHUNK_BYTES):
        digest.update(block)
        recording_chunk_put(actor=actor, token=upload.token, offset=offset, content=block)
        offset += len(block)
    return recording_upload_finish(actor=actor, token=upload.token, sha256=digest.hexdigest())


def recording_verify(kept: SaleRecording) -> bool:
    """The stored recording is whole and is the one received: the storage authenticates every byte (AES-GCM
    refuses a changed one) and its SHA-256 is computed again against the one kept (SAL-R2: never edited)."""
    digest = hashlib.sha256()
    try:
        with kept.file.open("rb") as stored:
            for block in iter(lambda: stored.read(1024 * 1024), b""):
                digest.update(block)
    except (DamagedFile, FileNotFoundError):
        return False
    return digest.hexdigest() == kept.sha256


@transaction.atomic
def sale_complete(*, actor: Actor, sale_id: int) -> Sale:
    """Close the session: a sale that must be recorded (SAL-R1) needs its recording first. Completing again
    changes nothing."""
    sale = access.sale_to_submit(actor, sale_id)
    if sale.completed_at is not None:
        return sale
    recordings = access.recordings_of(sale).count()
    if recording_required(sale) and recordings == 0:
        raise RecordingMissing()
    _check_ready_to_complete(sale)
    sale.completed_at = clock.now()
    sale.save(update_fields=["completed_at"])
    head = access.events_of(sale).order_by("-sequence").values_list("sequence", "hash").first()
    record(
        event_type=events.SALE_COMPLETED,
        actor=actor,
        subject=sale,
        insurer_id=sale.insurer_id,
        new={"events": head[0] if head else 0, "head": head[1] if head else session.GENESIS, "recordings": recordings},
    )
    return sale


# -- quality checks (SAL-R2) -------------------------------------------------------------------------------------


def risk_facts(sale: Sale) -> quality.RiskFacts:
    return quality.RiskFacts(
        buyer_age=sale.buyer_age,
        uncertain_benefit=sale.product.uncertain_benefit,
        declaration_signed=declaration_signed(sale),
        investment_linked=sale.product.investment_linked,
        disputed=access.disputes_of(sale).exists(),
    )


@transaction.atomic
def quality_sample_draw(*, actor: Actor, period_start: date, period_end: date, seed: str | None = None) -> SampleDraw:
    """Put the sample of the recorded sales completed in the period into compliance's queue (SAL-R2): at least
    30 % of them (``XIAOBAO_SALE_SAMPLE_RATE``, never less) and every high-risk one. Sales already in the queue
    are not drawn again. The seed is kept, so the draw can be repeated by anyone (``domain.quality``)."""
    if actor.staff_id is None or not staff_may(actor, Permission.CHECK_SALES):
        raise NotFound()
    if period_end < period_start:
        raise InvalidInput(_("The period ends before it starts."))
    # No lock: a sale drawn twice at once is refused by the one-check-per-sale constraint, and the draw with it.
    sales = (
        access.sales_for(actor, Permission.CHECK_SALES)
        .filter(completed_at__date__gte=period_start, completed_at__date__lte=period_end, recordings__isnull=False)
        .exclude(quality_check__isnull=False)
        .select_related("product")
        .distinct()
    )
    by_reference = {sale.reference: sale for sale in sales}
    if not by_reference:
        raise NothingToDraw()
    risks = {ref: quality.high_risk_reasons(risk_facts(sale)) for ref, sale in by_reference.items()}
    seed = seed or secrets.token_hex(16)
    rate = Decimal(str(getattr(settings, "XIAOBAO_SALE_SAMPLE_RATE", quality.MINIMUM_SAMPLE_RATE)))
    rate = max(rate, quality.MINIMUM_SAMPLE_RATE)
    sampled, high_risk = quality.draw_sample(seed, by_reference, [ref for ref, why in risks.items() if why], rate)
    draw = SampleDraw.objects.create(
        insurer_id=actor.insurer_id or 0,
        period_start=period_start,
        period_end=period_end,
        seed=seed,
        rate=rate,
        population=len(by_reference),
        drawn_at=clock.now(),
        drawn_by_id=actor.staff_id,
    )
    for reason, references in ((QualityCheck.Reason.HIGH_RISK, high_risk), (QualityCheck.Reason.SAMPLED, sampled)):
        QualityCheck.objects.bulk_create(
            QualityCheck(sale=by_reference[ref], draw=draw, reason=reason, risks=list(risks[ref])) for ref in references
        )
    record(
        event_type=events.SAMPLE_DRAWN,
        actor=actor,
        subject=draw,
        insurer_id=actor.insurer_id,
        first=True,
        new={
            "period_start": period_start.isoformat(),
            "period_end": period_end.isoformat(),
            "seed": seed,
            "rate": str(rate),
            "population": len(by_reference),
            "sampled": len(sampled),
            "high_risk": len(high_risk),
        },
    )
    return draw


@transaction.atomic
def quality_check_record(*, actor: Actor, check_id: int, finding: str, notes: str) -> QualityCheck:
    """The checker's finding on a replayed sale (SAL-R2): passed, or failed with notes saying why. A finding
    is recorded once; the same finding sent again changes nothing."""
    check = access.quality_check_for(actor, check_id, for_update=True)
    notes = notes.strip()
    if finding not in {QualityCheck.Finding.PASSED, QualityCheck.Finding.FAILED}:
        raise InvalidInput(_("Choose passed or failed."))
    if finding == QualityCheck.Finding.FAILED and not notes:
        raise InvalidInput(_("Say what failed in the notes."))
    if check.finding:
        if (check.finding, check.notes) == (finding, notes):
            return check
        raise TransitionNotAllowed(_("This sale was already checked."))
    check.finding = finding
    check.notes = notes
    check.checked_by_id = actor.staff_id
    check.checked_at = clock.now()
    check.save(update_fields=["finding", "notes", "checked_by", "checked_at"])
    record(
        event_type=events.QUALITY_CHECKED,
        actor=actor,
        subject=check.sale,
        insurer_id=check.sale.insurer_id,
        new={
            "check": check.pk,
            "finding": finding,
            "notes_sha256": hashlib.sha256(notes.encode()).hexdigest(),
            "chain_intact": chain_break(check.sale) is None,
        },
    )
    return check


# -- disputes (SAL-R3) and the bundle ----------------------------------------------------------------------------


@transaction.atomic
def sale_dispute_open(
    *,
    actor: Actor,
    sale_id: int,
    kind: str,
    opened_on: date,
    complaint_id: int | None = None,
    reference: str = "",
) -> SaleDispute:
    """A dispute about the sale: its records are kept until 2 years after it ends (SAL-R3). A complaint is
    linked by its handler (they can open it through the complaints' gate); the same complaint linked again
    returns the link already made. Only the insurer's staff who read its sales record one
    (``access.sales_for_disputes``): not the buyer, nor the agent whose sale it is."""
    sale = access.sale_for_dispute(actor, sale_id, for_update=True)
    if kind not in SaleDispute.Kind.values:
        raise InvalidInput(_("Choose a kind of dispute of the list."))
    if complaint_id is not None:
        from xiaobao.complaints.access import complaint_for

        complaint = complaint_for(actor, complaint_id, Permission.HANDLE_COMPLAINTS)
        if complaint.insurer_id != sale.insurer_id:
            raise NotFound()
        linked = access.disputes_of(sale).filter(complaint_id=complaint.pk).first()
        if linked is not None:
            return linked
        reference = complaint.reference or reference
    elif not reference.strip():
        raise InvalidInput(_("Give the dispute's reference."))
    dispute = SaleDispute.objects.create(
        sale=sale, kind=kind, complaint_id=complaint_id, reference=reference.strip(), opened_on=opened_on
    )
    record(
        event_type=events.DISPUTE_OPENED,
        actor=actor,
        subject=sale,
        insurer_id=sale.insurer_id,
        new={
            "kind": kind,
            "complaint": complaint_id,
            "reference": dispute.reference,
            "opened_on": opened_on.isoformat(),
        },
    )
    return dispute


@transaction.atomic
def sale_dispute_end(*, actor: Actor, dispute_id: int, ended_on: date, sale_id: int | None = None) -> SaleDispute:
    """The dispute ended (decided, settled, withdrawn): the two years of SAL-R3 run from ``ended_on``. A dispute
    that is a complaint ends when the complaint is closed, not by hand while it is open
    (``DisputeComplaintStillOpen``): otherwise the records could go before the complaint is answered."""
    dispute = access.dispute_for(actor, dispute_id, sale_id=sale_id, for_update=True)
    if dispute.ended_on is not None:
        raise TransitionNotAllowed(_("This dispute has already ended."))
    if dispute_held_by_complaint(dispute):
        raise DisputeComplaintStillOpen(reference=dispute.complaint.reference if dispute.complaint else "")
    if ended_on < dispute.opened_on:
        raise InvalidInput(_("A dispute cannot end before it was opened."))
    if ended_on > clock.today():
        raise InvalidInput(_("A dispute cannot end on a day still to come."))
    dispute.ended_on = ended_on
    dispute.save(update_fields=["ended_on"])
    record(
        event_type=events.DISPUTE_ENDED,
        actor=actor,
        subject=dispute.sale,
        insurer_id=dispute.sale.insurer_id,
        new={"dispute": dispute.pk, "ended_on": ended_on.isoformat()},
    )
    return dispute


@transaction.atomic
def sale_bundle_export(*, actor: Actor, sale_id: int) -> bytes:
    """The sale's one-click bundle (``sales.bundle``): the export itself is recorded, with the bundle's SHA-256."""
    from xiaobao.sales import bundle

    sale = access.sale_for(actor, sale_id)
    if actor.kind not in {ActorKind.STAFF, ActorKind.SYSTEM}:
        raise NotFound()
    data, names = bundle.build(sale)
    record(
        event_type=events.BUNDLE_EXPORTED,
        actor=actor,
        subject=sale,
        insurer_id=sale.insurer_id,
        new={"sha256": hashlib.sha256(data).hexdigest(), "files": len(names)},
    )
    return data
