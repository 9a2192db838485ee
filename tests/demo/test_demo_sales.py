"""Demo data for issue #16: tiered products, approved material, and salespeople of every kind, so `make run`
shows them."""

from __future__ import annotations

import pytest

from xiaobao.demo.data import load
from xiaobao.kernel.actors import SYSTEM
from xiaobao.sales.domain.grades import SellerGradeTooLow
from xiaobao.sales.models import Product, SalesMaterial, Salesperson
from xiaobao.sales.selectors import seller_for_sale

pytestmark = pytest.mark.django_db


def test_the_demo_has_tiered_products_approved_material_and_salespeople() -> None:
    load()
    tiers = dict(Product.objects.filter(insurer__code="anhe-life").values_list("code", "tier"))
    assert tiers == {"fushou-whole-life": 2, "ruifeng-participating-endowment": 3, "kangjian-critical-illness": 1}
    states = set(SalesMaterial.objects.filter(insurer__code="anhe-life").values_list("state", flat=True))
    assert states == {"approved", "draft"}
    people = Salesperson.objects.filter(insurer__code="anhe-life")
    assert {(p.grade, p.staff_id is not None, p.partner_id is not None) for p in people} == {
        (3, True, False),
        (2, False, False),
        (1, False, True),
    }


def test_the_demo_agents_junior_seller_may_not_sell_the_participating_product() -> None:
    load()
    product = Product.objects.get(code="ruifeng-participating-endowment")
    junior = Salesperson.objects.get(insurer=product.insurer, grade=1)
    with pytest.raises(SellerGradeTooLow):
        seller_for_sale(SYSTEM, insurer_id=product.insurer_id, seller_id=junior.pk, product=product)
