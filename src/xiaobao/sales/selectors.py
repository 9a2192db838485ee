"""Public reads: products are published information, shown only under the insurer that sells them."""

from __future__ import annotations

from django.db.models import QuerySet

from xiaobao.sales.models import Product


def products_of(insurer_id: int) -> QuerySet[Product]:
    """On sale first, then by name; withdrawn products keep their pages for the people who hold them."""
    return Product.objects.filter(insurer_id=insurer_id).order_by("-on_sale", "name")


def product_page(insurer_id: int, code: str) -> Product | None:
    """A product of this insurer; another insurer's product code is simply not found here."""
    return Product.objects.filter(insurer_id=insurer_id, code=code).first()
