"""Public reads: products are published information, shown only under the insurer that sells them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from xiaobao.kernel.actors import Actor
from xiaobao.kernel.errors import NotFound
from xiaobao.ops.clock import statutory_date_of
from xiaobao.sales import access
from xiaobao.sales.domain import retention as retention_rules
from xiaobao.sales.models import (
    Product,
    QualityCheck,
    RecordingUpload,
    Sale,
    SaleDispute,
    SaleEvent,
    SaleRecording,
    SampleDraw,
)


def products_of(insurer_id: int) -> QuerySet[Product]:
    """On sale first, then by name; withdrawn products keep their pages for the people who hold them."""
    return Product.objects.filter(insurer_id=insurer_id).order_by("-on_sale", "name")


def product_page(insurer_id: int, code: str) -> Product | None:
    """A product of this insurer; another insurer's product code is simply not found here."""
    return Product.objects.filter(insurer_id=insurer_id, code=code).first()


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
    """The day the sale's contract ends: its term from the day the sale was completed.

    TODO(lead, at merge): take the policy's own dates from the suitability branch's policy (cooling-off,
    surrender) when it has them; a surrendered policy ends on its surrender.
    """
    if sale.completed_at is None:
        return None
    return retention_rules.contract_ends_on(statutory_date_of(sale.completed_at), sale.product.term_months)


def retention_of(sale: Sale) -> retention_rules.Retention:
    """SAL-R3 for this sale: kept until this date (None: kept, no end date yet)."""
    return retention_rules.retention(
        term_months=sale.product.term_months, contract_end=contract_end(sale), disputes=dispute_periods(sale)
    )


def has_open_dispute(sale: Sale) -> bool:
    return any(period.ended_on is None for period in dispute_periods(sale))


def replay(actor: Actor, sale_id: int) -> Replay:
    from xiaobao.sales.actions import chain_break, recording_required

    sale = access.sale_for(actor, sale_id)
    return Replay(
        sale=sale,
        events=[_shown(event) for event in access.events_of(sale)],
        chain_break=chain_break(sale),
        recordings=list(access.recordings_of(sale)),
        recording_required=recording_required(sale),
        check=QualityCheck.objects.filter(sale=sale).select_related("checked_by").first(),
        disputes=list(access.disputes_of(sale)),
        retention=retention_of(sale),
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
