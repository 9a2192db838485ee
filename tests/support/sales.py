"""A published product for tests."""

from __future__ import annotations

from xiaobao.identity.models import Insurer
from xiaobao.kernel.actors import SYSTEM
from xiaobao.sales.actions import product_save
from xiaobao.sales.models import Product


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
