"""SAL-1, SAL-S1: the insurer's own staff keep its products — with the tier decided from the assessments —
and no other insurer's; every change is audited."""

from __future__ import annotations

import pytest

from tests.conftest import World
from tests.support.matrix import Cast, assert_matrix
from tests.support.sales import make_product
from xiaobao.audit.models import AuditEvent
from xiaobao.kernel.actors import Actor, Role
from xiaobao.kernel.errors import NotFound
from xiaobao.sales.actions import product_save
from xiaobao.sales.models import Product

pytestmark = pytest.mark.django_db


def test_the_tier_follows_the_assessments_and_the_change_is_audited(world: World) -> None:
    product = make_product(world.ours.insurer)
    _, compliance = world.ours.staff(Role.COMPLIANCE_OFFICER)
    product.uncertain_benefit, product.premium_burden, product.tier = True, 1, 1
    product_save(actor=compliance, product=product, changed_by="compliance")
    product.refresh_from_db()
    assert product.tier == 2
    event = AuditEvent.objects.filter(event_type="sales.product_changed").get()
    assert event.old_values == {"tier": 1, "uncertain_benefit": False}
    assert event.new_values == {"by": "compliance", "tier": 2, "uncertain_benefit": True}
    assert event.actor_id == compliance.audit_id


def test_a_typed_tier_is_not_kept(world: World) -> None:
    product = make_product(world.ours.insurer, tier=3)
    assert product.tier == 1


def test_only_administrators_and_compliance_of_that_insurer_change_a_product(world: World) -> None:
    product = make_product(world.ours.insurer)
    cast = Cast.build(world, Role.COMPLIANCE_OFFICER)

    def rename(actor: Actor) -> bool:
        fetched = Product.objects.get(pk=product.pk)
        fetched.name = f"新名字 {actor.kind}"
        return bool(product_save(actor=actor, product=fetched, changed_by="x"))

    assert_matrix(cast, rename, {"staff_with_role"})
    _, administrator = world.ours.staff(Role.ADMINISTRATOR)
    assert rename(administrator)


def test_another_insurers_product_cannot_be_moved_into_ours(world: World) -> None:
    theirs = make_product(world.theirs.insurer, code="theirs")
    _, compliance = world.ours.staff(Role.COMPLIANCE_OFFICER)
    theirs.insurer = world.ours.insurer
    with pytest.raises(NotFound):
        product_save(actor=compliance, product=theirs, changed_by="x")
    assert Product.objects.get(pk=theirs.pk).insurer_id == world.theirs.insurer.pk
    assert not AuditEvent.objects.filter(event_type="sales.product_changed").exists()


def test_a_new_product_sent_twice_is_saved_once(world: World) -> None:
    _, compliance = world.ours.staff(Role.COMPLIANCE_OFFICER)
    values = {
        "code": "kangjian",
        "name": "康健重大疾病保险",
        "product_line": "illness",
        "summary": "确诊重大疾病，一次性给付。",
        "terms": "第一条 保险责任……",
        "register_number": "〔2023〕疾病保险 042 号",
        "register_url": "https://tiaokuan.iachina.example/products/kangjian",
    }
    first = product_save(
        actor=compliance, product=Product(insurer=world.ours.insurer, **values), changed_by="c", idempotency_key="k1"
    )
    again = product_save(
        actor=compliance, product=Product(insurer=world.ours.insurer, **values), changed_by="c", idempotency_key="k1"
    )
    assert first.pk == again.pk
    assert Product.objects.count() == 1
    assert AuditEvent.objects.filter(event_type="sales.product_published").count() == 1
