"""A published product, its sales material and its salespeople, for tests."""

from __future__ import annotations

from xiaobao.identity.models import Insurer
from xiaobao.kernel.actors import SYSTEM, Actor
from xiaobao.sales.actions import material_register, product_save, salesperson_save
from xiaobao.sales.models import Product, SalesMaterial, Salesperson


def make_product(insurer: Insurer, **overrides: object) -> Product:
    values: dict[str, object] = {
        "code": "fushou",
        "name": "福寿终身寿险",
        "product_line": "ordinary_life",
        "summary": "被保险人身故，按基本保险金额给付。",
        "terms": "第一条 保险责任\n被保险人身故的，我们按基本保险金额给付身故保险金。\n\n第二条 犹豫期\n15 日。",
        "register_number": "〔2024〕终身寿险 018 号",
        "register_url": "https://tiaokuan.iachina.example/products/fushou",
    }
    values.update(overrides)
    return product_save(actor=SYSTEM, product=Product(insurer=insurer, **values), changed_by="test")


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def make_material(actor: Actor, product: Product, **overrides: object) -> SalesMaterial:
    """Sales material registered by ``actor`` (staff who may register it), awaiting approval."""
    values: dict[str, object] = {
        "product_id": product.pk,
        "kind": "leaflet",
        "title": "福寿终身寿险宣传页",
        "text": "保障终身，身故给付基本保险金额。",
    }
    values.update(overrides)
    return material_register(actor=actor, **values)  # type: ignore[arg-type]


def make_salesperson(insurer: Insurer, **overrides: object) -> Salesperson:
    values: dict[str, object] = {"name": "王销售", "practice_number": "0001", "grade": 1}
    values.update(overrides)
    return salesperson_save(actor=SYSTEM, salesperson=Salesperson(insurer=insurer, **values))
