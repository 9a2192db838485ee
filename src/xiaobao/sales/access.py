"""The one gate for reads of an insurer's sales records (products as its staff keep them, sales material,
salespeople): tenant and role; not found and not allowed look the same (``NotFound``).

The public product pages read published products through ``sales.selectors`` without an actor.

Recorded sales (SAL-3): who may see and who may add to a sale.

- staff with ``sales.view`` see their insurer's sales; staff who sell (a ``Salesperson``) see their own;
- a partner (an agent, by its API key) sees and submits the sales of its own salespeople;
- a buyer sees the sales they bought (read only).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from xiaobao.identity.access import one, tenant_scoped
from xiaobao.identity.domain.permissions import Permission, staff_may
from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.kernel.errors import NotFound
from xiaobao.sales.models import (
    BuyerDeclaration,
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
)

MATERIAL_READERS = (Permission.REGISTER_SALES_MATERIAL, Permission.APPROVE_SALES_MATERIAL)


def products_kept_by(actor: Actor) -> QuerySet[Product]:
    return tenant_scoped(Product.objects.all(), actor, Permission.MANAGE_PRODUCTS)


def product_kept_by(actor: Actor, product_id: Any, *, for_update: bool = False) -> Product:
    return one(products_kept_by(actor), product_id, for_update=for_update)


def products_for_material(actor: Actor) -> QuerySet[Product]:
    """The insurer's products, for those who register material about them."""
    return tenant_scoped(Product.objects.all(), actor, Permission.REGISTER_SALES_MATERIAL)


def materials_for(actor: Actor) -> QuerySet[SalesMaterial]:
    """Sales material of the actor's insurer, for those who register it or approve it."""
    if actor.kind is ActorKind.SYSTEM:
        return SalesMaterial.objects.all()
    if not any(staff_may(actor, permission) for permission in MATERIAL_READERS):
        return SalesMaterial.objects.none()
    return SalesMaterial.objects.filter(insurer_id=actor.insurer_id or 0)


def material_for(actor: Actor, material_id: Any, *, for_update: bool = False) -> SalesMaterial:
    return one(materials_for(actor), material_id, for_update=for_update)


def material_of_insurer(actor: Actor, insurer_id: int, material_id: Any) -> SalesMaterial:
    """A material of this insurer for someone about to use it in a sale: the system, or staff or a partner of
    that insurer (their roles aside: a sale is made by whoever sells). Anyone else: ``NotFound``."""
    if actor.kind is not ActorKind.SYSTEM and (
        actor.kind not in {ActorKind.STAFF, ActorKind.PARTNER} or actor.insurer_id != insurer_id
    ):
        raise NotFound()
    return one(SalesMaterial.objects.filter(insurer_id=insurer_id).select_related("product"), material_id)


def salespeople_for(actor: Actor) -> QuerySet[Salesperson]:
    return tenant_scoped(Salesperson.objects.all(), actor, Permission.MANAGE_SALESPEOPLE)


def salesperson_for(actor: Actor, salesperson_id: Any, *, for_update: bool = False) -> Salesperson:
    return one(salespeople_for(actor), salesperson_id, for_update=for_update)


def seller_of_insurer(actor: Actor, insurer_id: int, salesperson_id: Any) -> Salesperson:
    """One of this insurer's salespeople the actor may sell as (``sellers_for``), for a sale about to start."""
    return one(sellers_for(actor).filter(insurer_id=insurer_id), salesperson_id)


def sales_for(actor: Actor, permission: Permission = Permission.VIEW_SALES) -> QuerySet[Sale]:
    """Every sale the actor may read (``VIEW_SALES``) or act on as compliance (``CHECK_SALES``)."""
    sales = Sale.objects.all()
    reading = permission is Permission.VIEW_SALES
    if actor.kind is ActorKind.SYSTEM:
        return sales
    if actor.kind is ActorKind.STAFF and staff_may(actor, permission):
        return sales.filter(insurer_id=actor.insurer_id or 0)
    if not reading:
        return sales.none()
    if actor.kind is ActorKind.CONSUMER:
        return sales.filter(buyer_id=actor.consumer_id or 0)
    return selling_for(actor)


def sale_for(
    actor: Actor, sale_id: Any, permission: Permission = Permission.VIEW_SALES, *, for_update: bool = False
) -> Sale:
    sales = sales_for(actor, permission)
    if for_update:  # the sale's row only: its product and seller are shared by every sale of theirs
        sales = sales.select_for_update(of=("self",))
    return one(sales.select_related("product", "seller", "insurer"), sale_id)


def sale_by_reference(actor: Actor, reference: str, permission: Permission = Permission.VIEW_SALES) -> Sale:
    found = sales_for(actor, permission).filter(reference=reference).values_list("pk", flat=True).first()
    if found is None:
        raise NotFound()
    return sale_for(actor, found, permission)


def selling_for(actor: Actor) -> QuerySet[Sale]:
    """The sales this actor submits events and recordings to: a partner's own salespeople's, or the staff
    seller's own; compliance reads them but never writes into a session."""
    if actor.kind is ActorKind.SYSTEM:
        return Sale.objects.all()
    return Sale.objects.filter(seller__in=sellers_for(actor))


def sale_to_submit(actor: Actor, sale_id: Any) -> Sale:
    """The sale, locked, for the seller submitting to it; NotFound for anyone else."""
    return one(selling_for(actor).select_for_update(of=("self",)).select_related("product", "seller"), sale_id)


def sellers_for(actor: Actor) -> QuerySet[Salesperson]:
    """The salespeople this actor sells as: a partner's own (its agent's people), the staff member themself;
    every one for the system. Active or not: a sale about to start says "no longer active" itself."""
    sellers = Salesperson.objects.all()
    if actor.kind is ActorKind.PARTNER:
        return sellers.filter(insurer_id=actor.insurer_id or 0, partner_id=actor.partner_id or 0)
    if actor.kind is ActorKind.STAFF:
        return sellers.filter(insurer_id=actor.insurer_id or 0, staff_id=actor.staff_id or 0)
    return sellers if actor.kind is ActorKind.SYSTEM else sellers.none()


def seller_for(actor: Actor, seller_id: Any) -> Salesperson:
    """A salesperson this actor may sell as."""
    return one(sellers_for(actor), seller_id)


def products_to_sell(insurer_id: int) -> QuerySet[Any]:
    from xiaobao.sales.models import Product

    return Product.objects.filter(insurer_id=insurer_id, on_sale=True)


def events_of(sale: Sale) -> QuerySet[SaleEvent]:
    """The events of a sale already fetched through the gate, in order."""
    return SaleEvent.objects.filter(sale=sale).order_by("sequence")


def declaration_of_sale(sale: Sale) -> BuyerDeclaration | None:
    """The buyer's signed declaration (SAL-S3, SAL-S4) of a sale already fetched through the gate, if any."""
    return BuyerDeclaration.objects.filter(assessment__sale_id=sale.pk).first()


def recordings_of(sale: Sale) -> QuerySet[SaleRecording]:
    return SaleRecording.objects.filter(sale=sale).select_related("recorded_by").order_by("recorded_at", "pk")


def recording_for(actor: Actor, recording_id: Any) -> SaleRecording:
    """A recording of a sale the actor may read."""
    return one(SaleRecording.objects.filter(sale__in=sales_for(actor)).select_related("sale"), recording_id)


def upload_for(actor: Actor, token: str, *, for_update: bool = False) -> RecordingUpload:
    """An upload the actor opened on one of the sales they submit to (the token alone is not enough)."""
    uploads = RecordingUpload.objects.filter(sale__in=selling_for(actor), token=token)
    if for_update:
        uploads = uploads.select_for_update(of=("self",))
    found = uploads.select_related("sale", "sale__product").first()
    if found is None:
        raise NotFound()
    return found


def disputes_of(sale: Sale) -> QuerySet[SaleDispute]:
    return SaleDispute.objects.filter(sale=sale).select_related("complaint").order_by("opened_on", "pk")


def sales_named_by_complaint(actor: Actor, complaint_id: int) -> QuerySet[Sale]:
    """The sales a complaint is about (through their disputes) that the actor may read."""
    return sales_for(actor).filter(disputes__complaint_id=complaint_id).distinct().order_by("pk")


def quality_checks_for(actor: Actor) -> QuerySet[QualityCheck]:
    """Compliance's queue: the checks of the actor's insurer."""
    return QualityCheck.objects.filter(sale__in=sales_for(actor, Permission.CHECK_SALES)).select_related(
        "sale", "sale__product", "sale__seller"
    )


def quality_check_for(actor: Actor, check_id: Any, *, for_update: bool = False) -> QualityCheck:
    checks = quality_checks_for(actor)
    return one(checks.select_for_update(of=("self",)) if for_update else checks, check_id)


def draws_for(actor: Actor) -> QuerySet[SampleDraw]:
    return tenant_scoped(SampleDraw.objects.all(), actor, Permission.CHECK_SALES)


def may_record_sale_disputes(actor: Actor) -> bool:
    """Whether the actor records and ends disputes about sales (SAL-R3): the insurer's staff who read its sales
    (``VIEW_SALES``) — never the buyer, nor the agent or seller whose sale it is, though they read it."""
    return actor.kind is ActorKind.SYSTEM or (actor.kind is ActorKind.STAFF and staff_may(actor, Permission.VIEW_SALES))


def sales_for_disputes(actor: Actor) -> QuerySet[Sale]:
    """The sales the actor may record a dispute about, or end one of (SAL-R3: a dispute holds the sale's records
    until two years after it ends, so ending one is as guarded as opening it)."""
    if not may_record_sale_disputes(actor):
        return Sale.objects.none()
    if actor.kind is ActorKind.SYSTEM:
        return Sale.objects.all()
    # Never the seller whose sale it is: ending the dispute would let its records go sooner.
    return Sale.objects.filter(insurer_id=actor.insurer_id or 0).exclude(seller__staff_id=actor.staff_id or 0)


def may_record_disputes_about(actor: Actor, sale: Sale) -> bool:
    """``sales_for_disputes`` asked of one sale already read (the replay page offers the dispute forms by it)."""
    if not may_record_sale_disputes(actor):
        return False
    if actor.kind is ActorKind.SYSTEM:
        return True
    return sale.insurer_id == actor.insurer_id and (
        sale.seller.staff_id is None or sale.seller.staff_id != actor.staff_id
    )


def sale_for_dispute(actor: Actor, sale_id: Any, *, for_update: bool = False) -> Sale:
    sales = sales_for_disputes(actor)
    if for_update:
        sales = sales.select_for_update(of=("self",))
    return one(sales.select_related("product", "seller", "insurer"), sale_id)


def dispute_for(actor: Actor, dispute_id: Any, *, sale_id: Any = None, for_update: bool = False) -> SaleDispute:
    """A dispute about one of the sales the actor records disputes for (and of the sale ``sale_id``, when
    given: a dispute reached through another sale's address is not found)."""
    disputes = SaleDispute.objects.filter(sale__in=sales_for_disputes(actor))
    if sale_id is not None:
        disputes = disputes.filter(sale_id=sale_id)
    if for_update:
        disputes = disputes.select_for_update(of=("self",))
    return one(disputes.select_related("sale", "complaint"), dispute_id)


def buyer_of_insurer(insurer_id: int, consumer_id: int) -> bool:
    """The consumer deals with this insurer (a buyer named by a sale must be one of its consumers)."""
    from xiaobao.identity.access import consumers_for
    from xiaobao.kernel.actors import SYSTEM

    return consumers_for(SYSTEM).filter(pk=consumer_id, relationships__insurer_id=insurer_id).exists()


def is_seller(actor: Actor) -> bool:
    return actor.kind is ActorKind.STAFF and sellers_for(actor).exists()


def complaint_id_by_reference(actor: Actor, reference: str) -> int:
    """The id of a complaint the actor handles, by its reference; NotFound otherwise (to link it to a sale)."""
    from xiaobao.complaints.access import complaints_for

    found = (
        complaints_for(actor, Permission.HANDLE_COMPLAINTS)
        .filter(reference=reference.strip().upper())
        .values_list("pk", flat=True)
        .first()
    )
    if found is None:
        raise NotFound()
    return int(found)


def stored_file_names() -> list[str]:
    from xiaobao.sales.models import RecordingChunk

    names = list(SaleRecording.objects.values_list("file", flat=True))
    names += RecordingChunk.objects.values_list("file", flat=True)
    return [name for name in names if name]
