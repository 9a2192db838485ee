"""Product pages are published and changed only through the audited action (SAL-1); never deleted."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client

from tests.conftest import World
from tests.support.sales import make_product
from xiaobao.audit.models import AuditEvent
from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.kernel.errors import PermissionDenied
from xiaobao.sales.actions import product_save
from xiaobao.sales.models import Product

pytestmark = pytest.mark.django_db


def _events(product: Product) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(subject_type="sales.product", subject_id=str(product.pk)).order_by("sequence")
    )


def test_publishing_and_changing_a_product_are_recorded_with_what_changed(world: World) -> None:
    product = make_product(world.ours.insurer)
    product.on_sale = False
    product.terms += "\n\n第三条 新增条款"
    product_save(actor=Actor(kind=ActorKind.SYSTEM), product=product, changed_by="platform")
    published, changed = _events(product)
    assert (published.event_type, published.insurer_id) == ("sales.product_published", world.ours.insurer.pk)
    assert published.new_values["name"] == "福寿终身寿险"
    assert changed.event_type == "sales.product_changed"
    assert changed.old_values == {"on_sale": True, "terms_sha256": published.new_values["terms_sha256"]}
    assert changed.new_values["by"] == "platform"
    assert set(changed.new_values) == {"by", "on_sale", "terms_sha256"}


def test_only_the_platform_administrators_publish(world: World) -> None:
    staff = Actor(kind=ActorKind.STAFF, insurer_id=world.ours.insurer.pk, staff_id=1)
    with pytest.raises(PermissionDenied):
        product_save(actor=staff, product=Product(insurer=world.ours.insurer, code="x"), changed_by="someone")
    assert not Product.objects.exists()
    assert not AuditEvent.objects.filter(subject_type="sales.product").exists()


def test_an_incomplete_product_is_refused_and_nothing_is_written(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        make_product(world.ours.insurer, register_url="not a web address", terms="")
    assert {"register_url", "terms"} <= set(refused.value.message_dict)
    assert not Product.objects.exists()


def test_the_admin_site_publishes_through_the_action_and_cannot_delete(client: Client, world: World) -> None:
    admin = get_user_model().objects.create_superuser(username="platform", password="p" * 16)
    client.force_login(admin)
    added = client.post(
        "/admin/sales/product/add/",
        {
            "insurer": world.ours.insurer.pk,
            "code": "kangjian",
            "name": "康健重大疾病保险",
            "product_line": "illness",
            "summary": "确诊重大疾病，一次性给付。",
            "terms": "第一条 保险责任……",
            "register_number": "〔2023〕疾病保险 042 号",
            "register_url": "https://tiaokuan.iachina.example/products/kangjian",
            "on_sale": "on",
        },
    )
    assert added.status_code == 302, added.content.decode()[:2000]
    product = Product.objects.get(code="kangjian")
    (event,) = _events(product)
    assert event.new_values["by"] == "platform"
    assert client.post(f"/admin/sales/product/{product.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Product.objects.filter(pk=product.pk).exists()
