"""Reads for pages and for other apps: the public product pages and the approved material on them (published
information, shown only under the insurer that sells it); and what a sale asks before it starts — may this
material be shown (``material_for_sale``, ``material_usable``), may this person sell this product
(``seller_for_sale``, ``grade_table``) — through ``sales.access``."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from xiaobao.identity.domain.permissions import Permission, staff_may
from xiaobao.kernel.actors import Actor
from xiaobao.kernel.errors import NotFound
from xiaobao.ops.clock import statutory_date_of
from xiaobao.ops.i18n import translated_labels
from xiaobao.sales import access
from xiaobao.sales.domain import policies as policy_dates
from xiaobao.sales.domain import retention as retention_rules
from xiaobao.sales.domain.grades import HIGHEST_TIER_BY_GRADE, SellerNotActive, check_may_sell, may_sell
from xiaobao.sales.domain.materials import (
    STATE_TEXT,
    MaterialState,
    check_usable,
    check_usable_at,
    usable,
    usable_on,
)
from xiaobao.sales.models import (
    BuyerDeclaration,
    Policy,
    Product,
    QualityCheck,
    RecordingUpload,
    Sale,
    SaleDispute,
    SaleEvent,
    SaleRecording,
    SalesMaterial,
    Salesperson,
    SampleDraw,
    Surrender,
)


def products_of(insurer_id: int) -> QuerySet[Product]:
    """On sale first, then by name; withdrawn products keep their pages for the people who hold them."""
    return Product.objects.filter(insurer_id=insurer_id).order_by("-on_sale", "name")


def product_page(insurer_id: int, code: str) -> Product | None:
    """A product of this insurer; another insurer's product code is simply not found here."""
    return Product.objects.filter(insurer_id=insurer_id, code=code).first()


# --- sales material (SAL-1) and who may sell what (SAL-S1), for the sale itself and for the pages ---


def material_usable(material: SalesMaterial, on: date | datetime | None = None) -> bool:
    """SAL-1: whether the material may be (or could have been) shown in a sale — now, at a moment, or on a day
    in Asia/Shanghai: approved by then and not withdrawn."""
    if on is None:
        return usable(material.state)
    approved_at, withdrawn_at = material.approved_at, material.withdrawn_at
    if not isinstance(on, datetime):  # compare days as the insurer counts them
        approved_at = timezone.localtime(approved_at) if approved_at is not None else None
        withdrawn_at = timezone.localtime(withdrawn_at) if withdrawn_at is not None else None
    return usable_on(approved_at=approved_at, withdrawn_at=withdrawn_at, on=on)


def material_for_sale(
    actor: Actor, insurer_id: int, material_id: object, *, shown_at: datetime | None = None
) -> SalesMaterial:
    """SAL-1: the material a seller is about to show (or, ``shown_at``, says they showed) a buyer, if it may be
    used: approved and not withdrawn now, and — with ``shown_at`` — approved before that moment and not
    withdrawn by it.

    Raises ``NotFound`` when it is not this insurer's material (or the actor is not the system, nor staff or a
    partner of that insurer), and ``MaterialNotUsable`` (code ``material_not_usable``) when it is still
    awaiting approval, rejected or withdrawn, or could not be used at ``shown_at``."""
    material = access.material_of_insurer(actor, insurer_id, material_id)
    check_usable(material.state, str(translated_labels(STATE_TEXT)[material.state]))
    if shown_at is not None:
        check_usable_at(approved_at=material.approved_at, withdrawn_at=material.withdrawn_at, shown_at=shown_at)
    return material


def seller_for_sale(actor: Actor, *, insurer_id: int, seller_id: object, product: Product) -> Salesperson:
    """SAL-S1: the salesperson about to sell this product, if they may: active, of this insurer, and of a grade
    that reaches the product's tier. Raises ``NotFound`` (not this insurer's), ``SellerNotActive`` or
    ``SellerGradeTooLow`` (code ``seller_grade_too_low``)."""
    if product.insurer_id != insurer_id:
        raise NotFound()
    seller = access.seller_of_insurer(actor, insurer_id, seller_id)
    if not seller.active:
        raise SellerNotActive()
    check_may_sell(seller.grade, product.tier, grade_table())
    return seller


def grade_table() -> dict[int, int]:
    """SAL-S1: the most demanding tier each grade may sell — the default of ``sales.domain.grades`` (*unverified*)
    with the deployment's ``XIAOBAO_SALES_GRADE_TIERS`` over it."""
    overrides = getattr(settings, "XIAOBAO_SALES_GRADE_TIERS", {}) or {}
    return {**HIGHEST_TIER_BY_GRADE, **{int(grade): int(tier) for grade, tier in overrides.items()}}


def approved_materials_of(product: Product) -> QuerySet[SalesMaterial]:
    """Public: the material approved for this product and still in use, so a buyer can check what they were
    shown (SAL-1)."""
    return SalesMaterial.objects.filter(product=product, state=MaterialState.APPROVED).order_by("title", "pk")


def approved_material_page(product: Product, material_id: object) -> SalesMaterial | None:
    return (
        approved_materials_of(product).filter(pk=int(str(material_id))).first() if str(material_id).isdigit() else None
    )


def materials_awaiting_approval(actor: Actor) -> QuerySet[SalesMaterial]:
    """SAL-1, four eyes: material of the actor's insurer awaiting approval that someone else registered."""
    if not staff_may(actor, Permission.APPROVE_SALES_MATERIAL):
        return SalesMaterial.objects.none()
    return (
        access.materials_for(actor)
        .filter(state=MaterialState.DRAFT)
        .exclude(registered_by_id=actor.staff_id)
        .select_related("product", "registered_by")
        .order_by("registered_at", "pk")
    )


def material_file_names() -> list[str]:
    """Every stored material file a row names (system use: the orphan sweep of ops.stored_files)."""
    return [name for name in SalesMaterial.objects.values_list("file", flat=True) if name]


# -- the replayable sale (issue #16 item 4) -----------------------------------------------------------------------


@dataclass(frozen=True)
class SaleSummary:
    sale: Sale
    events: int
    head: str
    recordings: int
    recording_required: bool


def sale_summary(actor: Actor, sale_id: int) -> SaleSummary:
    from xiaobao.sales.actions import recording_required

    sale = access.sale_for(actor, sale_id)
    head = access.events_of(sale).order_by("-sequence").values_list("sequence", "hash").first()
    return SaleSummary(
        sale=sale,
        events=head[0] if head else 0,
        head=head[1] if head else "0" * 64,
        recordings=access.recordings_of(sale).count(),
        recording_required=recording_required(sale),
    )


def upload_state(actor: Actor, token: str) -> RecordingUpload:
    return access.upload_for(actor, token)


@dataclass(frozen=True)
class ShownEvent:
    event: SaleEvent
    content_intact: bool | None
    """The stored content still has the SHA-256 kept when it was shown; None when the event showed nothing."""


@dataclass(frozen=True)
class Replay:
    """A sale as compliance (or the seller, or the buyer) replays it: its events in order, each shown page
    checked against its hash, the chain checked, the recordings, the quality check, the retention (SAL-R3)."""

    sale: Sale
    events: list[ShownEvent]
    chain_break: int | None
    recordings: list[SaleRecording]
    recording_required: bool
    check: QualityCheck | None
    disputes: list[SaleDispute]
    retention: retention_rules.Retention
    declaration: BuyerDeclaration | None = None
    """The buyer's signed declaration that the product is their own choice (SAL-S3, SAL-S4), if any."""
    held_by_complaint: frozenset[int] = frozenset()
    """The open disputes that are complaints still open: they end with the complaint, not by hand."""


def _shown(event: SaleEvent) -> ShownEvent:
    if not event.content_sha256:
        return ShownEvent(event, None)
    return ShownEvent(event, hashlib.sha256(event.content.encode()).hexdigest() == event.content_sha256)


def dispute_periods(sale: Sale) -> list[retention_rules.Dispute]:
    """The sale's disputes as SAL-R3 counts them: a complaint naming the sale is open until the complaint is
    closed (its closing day ends it, unless an end was recorded); a mediation or lawsuit until its end is recorded."""
    periods = []
    for dispute in access.disputes_of(sale):
        ended = dispute.ended_on
        if ended is None and dispute.complaint is not None and dispute.complaint.closed_at is not None:
            ended = statutory_date_of(dispute.complaint.closed_at)
        periods.append(retention_rules.Dispute(opened_on=dispute.opened_on, ended_on=ended))
    return periods


def contract_end(sale: Sale) -> date | None:
    """The day the sale's contract ends (SAL-R3 counts from it). With an issued policy: the policy's own end
    (``ends_on``; None for whole-life cover still in force), or the day the holder asked to surrender it when
    that came first (a surrender in the cooling-off period, or later on the cash-value path, ends the contract).
    Without a policy (one issued outside the platform): the product's term from the day the sale completed."""
    policy = Policy.objects.filter(sale_id=sale.pk).select_related("surrender").first()
    if policy is not None:
        surrender: Surrender | None = getattr(policy, "surrender", None)
        if surrender is not None and (policy.ends_on is None or surrender.requested_on < policy.ends_on):
            return surrender.requested_on
        return policy.ends_on
    if sale.completed_at is None:
        return None
    return policy_dates.contract_end(statutory_date_of(sale.completed_at), sale.product.term_months)


def retention_of(sale: Sale) -> retention_rules.Retention:
    """SAL-R3 for this sale: kept until this date (None: kept, no end date yet)."""
    return retention_rules.retention(
        term_months=sale.product.term_months, contract_end=contract_end(sale), disputes=dispute_periods(sale)
    )


def dispute_held_by_complaint(dispute: SaleDispute) -> bool:
    """The dispute is a complaint still open (SAL-R3): it ends when the complaint is closed, not by hand."""
    from xiaobao.complaints.domain.lifecycle import State as ComplaintState

    return dispute.complaint is not None and dispute.complaint.state != ComplaintState.CLOSED


def has_open_dispute(sale: Sale) -> bool:
    return any(period.ended_on is None for period in dispute_periods(sale))


def replay(actor: Actor, sale_id: int) -> Replay:
    from xiaobao.sales.actions import chain_break, recording_required

    sale = access.sale_for(actor, sale_id)
    disputes = list(access.disputes_of(sale))
    return Replay(
        sale=sale,
        events=[_shown(event) for event in access.events_of(sale)],
        chain_break=chain_break(sale),
        recordings=list(access.recordings_of(sale)),
        recording_required=recording_required(sale),
        check=QualityCheck.objects.filter(sale=sale).select_related("checked_by").first(),
        disputes=disputes,
        retention=retention_of(sale),
        declaration=access.declaration_of_sale(sale),
        held_by_complaint=frozenset(d.pk for d in disputes if d.ended_on is None and dispute_held_by_complaint(d)),
    )


def shown_content(actor: Actor, sale_id: int, sequence: int) -> SaleEvent:
    """One event's stored content, for its replay in a sandboxed frame."""
    sale = access.sale_for(actor, sale_id)
    event = access.events_of(sale).filter(sequence=sequence).exclude(content_sha256="").first()
    if event is None:
        raise NotFound()
    return event


def sales_list(actor: Actor, *, limit: int = 200) -> list[Sale]:
    """The sales the actor may read, newest first (a seller: their own; compliance: the insurer's; a buyer: theirs)."""
    return list(
        access.sales_for(actor).select_related("product", "seller", "insurer").order_by("-started_at", "-pk")[:limit]
    )


def quality_queue(actor: Actor) -> list[QualityCheck]:
    """Compliance's queue (SAL-R2): unchecked first, high-risk first, then oldest sale."""
    return list(access.quality_checks_for(actor).order_by("-finding", "reason", "sale__completed_at", "pk")[:500])


def recent_draws(actor: Actor) -> list[SampleDraw]:
    return list(access.draws_for(actor).order_by("-drawn_at")[:10])


def bundles_of_complaint(actor: Actor, complaint_id: int) -> list[Sale]:
    """The sales a complaint names that the actor may read, for a link to each one's replay and bundle (one query)."""
    return list(access.sales_named_by_complaint(actor, complaint_id))


def sells(actor: Actor) -> bool:
    """The staff member is a salesperson of their insurer (their own sales are theirs to see)."""
    return access.is_seller(actor)


def complaint_handled(actor: Actor, reference: str) -> int:
    """The complaint (handled by the actor) a dispute form names, by reference."""
    return access.complaint_id_by_reference(actor, reference)


def stored_file_names() -> list[str]:
    """Every stored file a row names — recordings and the chunks of uploads still open — across insurers (system
    use: the orphan sweep of ``ops.stored_files``)."""
    return access.stored_file_names()


# -- the staff seller's sale desk (issue #16) ---------------------------------------------------------------------


def seller_of_staff(actor: Actor) -> Salesperson | None:
    """The active salesperson a staff member sells as, or None (not a seller, or no longer active)."""
    return access.sellers_for(actor).filter(active=True).first() if access.is_seller(actor) else None


def products_seller_may_sell(seller: Salesperson) -> list[Product]:
    """SAL-S1: the insurer's products on sale whose tier the seller's grade reaches, by name."""
    table = grade_table()
    products = access.products_to_sell(seller.insurer_id).order_by("name", "pk")
    return [product for product in products if may_sell(seller.grade, product.tier, table)]


def sale_missing(summary: SaleSummary) -> list[str]:
    """What still stands between the seller's open sale and its completion, in the active language."""
    from django.utils.translation import gettext

    from xiaobao.sales.suitability.selectors import sale_ready_to_complete

    missing = sale_ready_to_complete(summary.sale)
    if summary.recording_required and summary.recordings == 0:
        missing.append(gettext("This sale must be recorded on audio and video (SAL-R1): upload the recording first."))
    return missing


def event_received(sale: Sale, client_event_id: str) -> bool:
    """The sale (already opened through the gate) has an event with this client id."""
    return access.events_of(sale).filter(client_event_id=client_event_id).exists()
