"""Recorded sales for tests (issue #16 item 4): a salesperson, a sale, its events and a recording."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.support.sales import make_product
from tests.support.world import Tenant
from xiaobao.identity.actions import partner_key_issue
from xiaobao.identity.actors import actor_for_api_key
from xiaobao.identity.models import Partner
from xiaobao.kernel.actors import SYSTEM, Actor, Role
from xiaobao.sales import actions
from xiaobao.sales.actions import SaleEventIn, SaleStart
from xiaobao.sales.models import Product, Sale, SaleRecording, Salesperson

STARTED = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
VIDEO = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40
PAGE = "<h1>福寿终身寿险 · 投保须知</h1><p>本产品为保险产品，登记号〔2024〕终身寿险 018 号。</p>"


@dataclass
class Shop:
    """One insurer's agent with a salesperson, a partner key acting for it, and a product on sale."""

    tenant: Tenant
    partner: Partner
    seller: Salesperson
    agent: Actor
    token: str
    product: Product


def make_shop(tenant: Tenant, *, code: str = "fushou", **product: Any) -> Shop:
    partner = tenant.partner()
    seller = Salesperson.objects.create(
        insurer=tenant.insurer, partner=partner, name="李销售", practice_number=f"PN-{partner.pk}", grade=3
    )
    _, admin = tenant.staff(Role.ADMINISTRATOR)
    _, token = partner_key_issue(actor=admin, partner_id=partner.pk, label="sales system")
    agent = actor_for_api_key(token)
    assert agent is not None
    made = make_product(tenant.insurer, code=code, **product)
    return Shop(tenant=tenant, partner=partner, seller=seller, agent=agent, token=token, product=made)


def start_sale(shop: Shop, *, buyer_age: int = 45, channel: str = "face_to_face", **more: Any) -> Sale:
    return actions.sale_start(
        actor=shop.agent,
        start=SaleStart(
            seller_id=shop.seller.pk,
            product_id=shop.product.pk,
            channel=channel,
            buyer_age=buyer_age,
            started_at=STARTED,
            **more,
        ),
    )


def page_event(n: int, content: str = PAGE) -> SaleEventIn:
    return SaleEventIn(
        client_event_id=f"e-{n}",
        kind="page_shown",
        occurred_at=STARTED + timedelta(seconds=n),
        content=content,
        details={"title": "投保须知", "url": "/sale/notice"},
    )


def trail_event(n: int) -> SaleEventIn:
    return SaleEventIn(
        client_event_id=f"e-{n}",
        kind="trail",
        occurred_at=STARTED + timedelta(seconds=n),
        details={"clicks": 3, "fields": ["budget"], "scrolled_to": 0.9},
    )


def assess(shop: Shop, sale: Sale) -> Sale:
    """The buyer's suitability assessed by a seller of the insurer (SAL-2): a careful buyer of the sale's age
    who wants cover, for a modest yearly premium — suitable, so nothing to declare and the sale may complete."""
    from tests.support.suitability import CAREFUL, questionnaire
    from xiaobao.ops import clock
    from xiaobao.sales.domain.suitability import ElderCare, Need
    from xiaobao.sales.suitability.actions import sale_assess_suitability

    today = clock.today()
    born = today.replace(year=today.year - sale.buyer_age, day=1) - timedelta(days=40)
    asked = questionnaire("3000", 5, needs=frozenset({Need.PROTECTION}), risk=CAREFUL, birth_date=born)
    if sale.buyer_age >= 65:
        asked = replace(asked, elder_care=tuple(ElderCare), companion_present=True)
    sale_assess_suitability(actor=shop.tenant.staff(Role.HANDLER)[1], sale_id=sale.pk, questionnaire=asked)
    sale.refresh_from_db()
    return sale


def record(shop: Shop, sale: Sale, content: bytes = VIDEO, *, chunk: int = 1000) -> SaleRecording:
    upload = actions.recording_upload_open(
        actor=shop.agent,
        sale_id=sale.pk,
        media_type="video/mp4",
        duration_seconds=620,
        recorded_at=STARTED,
        size_bytes=len(content),
    )
    for offset in range(0, len(content), chunk):
        actions.recording_chunk_put(
            actor=shop.agent, token=upload.token, offset=offset, content=content[offset : offset + chunk]
        )
    return actions.recording_upload_finish(
        actor=shop.agent, token=upload.token, sha256=hashlib.sha256(content).hexdigest()
    )


def recorded_sale(shop: Shop, *, buyer_age: int = 62, complete: bool = True) -> Sale:
    sale = start_sale(shop, buyer_age=buyer_age)
    actions.sale_events_append(actor=shop.agent, sale_id=sale.pk, batch=[page_event(1), trail_event(2)])
    record(shop, sale)
    assess(shop, sale)
    if complete:
        actions.sale_complete(actor=shop.agent, sale_id=sale.pk)
    sale.refresh_from_db()
    return sale


__all__ = ["SYSTEM"]
