"""Reads for pages and for other apps: the public product pages and the approved material on them (published
information, shown only under the insurer that sells it); and what a sale asks before it starts — may this
material be shown (``material_for_sale``, ``material_usable``), may this person sell this product
(``seller_for_sale``, ``grade_table``) — through ``sales.access``."""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from xiaobao.identity.domain.permissions import Permission, staff_may
from xiaobao.kernel.actors import Actor
from xiaobao.kernel.errors import NotFound
from xiaobao.ops.i18n import translated_labels
from xiaobao.sales import access
from xiaobao.sales.domain.grades import HIGHEST_TIER_BY_GRADE, SellerNotActive, check_may_sell
from xiaobao.sales.domain.materials import STATE_TEXT, MaterialState, check_usable, usable, usable_on
from xiaobao.sales.models import Product, SalesMaterial, Salesperson


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


def material_for_sale(actor: Actor, insurer_id: int, material_id: object) -> SalesMaterial:
    """SAL-1: the material a seller is about to show a buyer, if it may be used: approved and not withdrawn.

    Raises ``NotFound`` when it is not this insurer's material (or the actor is not the system, nor staff or a
    partner of that insurer), and ``MaterialNotUsable`` (code ``material_not_usable``) when it is still
    awaiting approval, rejected or withdrawn."""
    material = access.material_of_insurer(actor, insurer_id, material_id)
    check_usable(material.state, str(translated_labels(STATE_TEXT)[material.state]))
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
