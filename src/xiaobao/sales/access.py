"""The one gate for reads of an insurer's sales records (products as its staff keep them, sales material,
salespeople): tenant and role; not found and not allowed look the same (``NotFound``).

The public product pages read published products through ``sales.selectors`` without an actor."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from xiaobao.identity.access import one, tenant_scoped
from xiaobao.identity.domain.permissions import Permission, staff_may
from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.kernel.errors import NotFound
from xiaobao.sales.models import Product, SalesMaterial, Salesperson

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
    """A salesperson of this insurer, for a sale about to start (same reach as ``material_of_insurer``)."""
    if actor.kind is not ActorKind.SYSTEM and (
        actor.kind not in {ActorKind.STAFF, ActorKind.PARTNER} or actor.insurer_id != insurer_id
    ):
        raise NotFound()
    return one(Salesperson.objects.filter(insurer_id=insurer_id), salesperson_id)
