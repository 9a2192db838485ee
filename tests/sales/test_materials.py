"""SAL-1: sales material is registered, approved by someone else (four eyes) before any use, and withdrawn
when it must no longer be used; unapproved or withdrawn material cannot be used in a sale."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import World
from tests.support.clock import SHANGHAI, SettableClock
from tests.support.matrix import Cast, assert_matrix
from tests.support.sales import PDF, make_material, make_product
from xiaobao.audit.models import AuditEvent
from xiaobao.kernel.actors import SYSTEM, Actor, Role
from xiaobao.kernel.errors import InvalidInput, NotFound, PermissionDenied, TransitionNotAllowed
from xiaobao.ops import clock as app_clock
from xiaobao.sales import actions, selectors
from xiaobao.sales.domain.materials import MaterialEmpty, MaterialNotUsable, MaterialSelfApproval
from xiaobao.sales.models import Product, SalesMaterial

pytestmark = pytest.mark.django_db


@pytest.fixture
def product(world: World) -> Product:
    return make_product(world.ours.insurer)


@pytest.fixture
def registrant(world: World) -> Actor:
    return world.ours.staff(Role.COMPLIANCE_OFFICER)[1]


@pytest.fixture
def approver(world: World) -> Actor:
    return world.ours.staff(Role.COMPLIANCE_OFFICER)[1]


def test_registered_material_awaits_approval_and_cannot_be_used(
    world: World, product: Product, registrant: Actor
) -> None:
    material = make_material(registrant, product)
    assert material.state == "draft"
    assert not selectors.material_usable(material)
    with pytest.raises(MaterialNotUsable) as refused:
        selectors.material_for_sale(SYSTEM, world.ours.insurer.pk, material.pk)
    assert refused.value.code == "material_not_usable"
    event = AuditEvent.objects.get(event_type="sales.material_registered")
    assert event.new_values["text_sha256"] == hashlib.sha256(material.text.encode()).hexdigest()


def test_approved_material_may_be_used_in_a_sale(
    world: World, product: Product, registrant: Actor, approver: Actor
) -> None:
    material = make_material(registrant, product)
    actions.material_approve(actor=approver, material_id=material.pk)
    seller = world.ours.staff()[1]  # whoever sells, of that insurer
    assert selectors.material_for_sale(seller, world.ours.insurer.pk, material.pk).pk == material.pk
    event = AuditEvent.objects.get(event_type="sales.material_approved")
    assert event.new_values == {"state": "approved", "registered_by": registrant.staff_id}


def test_the_registrant_cannot_approve_their_own_material(product: Product, registrant: Actor) -> None:
    material = make_material(registrant, product)
    with pytest.raises(MaterialSelfApproval):
        actions.material_approve(actor=registrant, material_id=material.pk)
    material.refresh_from_db()
    assert material.state == "draft"
    assert not AuditEvent.objects.filter(event_type="sales.material_approved").exists()


def test_withdrawn_material_cannot_be_used_any_more(
    world: World, product: Product, registrant: Actor, approver: Actor
) -> None:
    material = make_material(registrant, product)
    actions.material_approve(actor=approver, material_id=material.pk)
    actions.material_withdraw(actor=registrant, material_id=material.pk, reason="条款已修订")
    with pytest.raises(MaterialNotUsable):
        selectors.material_for_sale(SYSTEM, world.ours.insurer.pk, material.pk)
    with pytest.raises(TransitionNotAllowed):
        actions.material_approve(actor=approver, material_id=material.pk)


def test_whether_material_was_usable_is_answered_for_a_moment_and_a_day(
    product: Product, registrant: Actor, approver: Actor
) -> None:
    material = make_material(registrant, product)
    settable = SettableClock(datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI))
    with app_clock.using(settable):
        actions.material_approve(actor=approver, material_id=material.pk)
        settable.set("2026-03-05 09:00")
        actions.material_withdraw(actor=approver, material_id=material.pk, reason="活动结束了")
    material.refresh_from_db()
    assert selectors.material_usable(material, on=datetime(2026, 3, 4, 12, 0, tzinfo=SHANGHAI))
    assert not selectors.material_usable(material, on=datetime(2026, 3, 5, 9, 0, tzinfo=SHANGHAI))
    assert not selectors.material_usable(material, on=datetime(2026, 3, 2, 9, 59, tzinfo=SHANGHAI))
    assert selectors.material_usable(material, on=date(2026, 3, 2))
    assert selectors.material_usable(material, on=date(2026, 3, 4))
    assert not selectors.material_usable(material, on=date(2026, 3, 5))  # withdrawn that day: not that day
    assert not selectors.material_usable(material, on=date(2026, 3, 1))


def test_rejection_needs_a_reason_and_the_material_is_never_usable(
    product: Product, registrant: Actor, approver: Actor
) -> None:
    material = make_material(registrant, product)
    with pytest.raises(InvalidInput):
        actions.material_reject(actor=approver, material_id=material.pk, reason=" ")
    assert SalesMaterial.objects.get(pk=material.pk).state == "draft"
    actions.material_reject(actor=approver, material_id=material.pk, reason="收益描述超出条款")
    material.refresh_from_db()
    assert (material.state, material.rejection_reason) == ("rejected", "收益描述超出条款")
    assert not selectors.material_usable(material)


def test_another_insurers_material_is_not_found_for_a_sale(
    world: World, product: Product, registrant: Actor, approver: Actor
) -> None:
    material = make_material(registrant, product)
    actions.material_approve(actor=approver, material_id=material.pk)
    their_seller = world.theirs.staff()[1]
    with pytest.raises(NotFound):
        selectors.material_for_sale(their_seller, world.ours.insurer.pk, material.pk)
    with pytest.raises(NotFound):
        selectors.material_for_sale(SYSTEM, world.theirs.insurer.pk, material.pk)


def test_material_without_text_or_file_is_refused(product: Product, registrant: Actor) -> None:
    with pytest.raises(MaterialEmpty):
        make_material(registrant, product, text="  ")
    assert not SalesMaterial.objects.exists()


def test_a_file_is_stored_encrypted_with_its_sha256(
    settings: Any, tmp_path: Path, product: Product, registrant: Actor
) -> None:
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("宣传页.pdf", PDF)
    material = make_material(registrant, product, text="", file_name="宣传页.pdf", content=upload)
    assert (material.content_type, material.sha256) == ("application/pdf", hashlib.sha256(PDF).hexdigest())
    (stored,) = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert PDF not in stored.read_bytes()  # encrypted at rest
    with material.file.open("rb") as kept:
        assert kept.read() == PDF


def test_a_file_that_is_not_a_document_or_image_is_refused(product: Product, registrant: Actor) -> None:
    with pytest.raises(InvalidInput):
        make_material(registrant, product, file_name="x.exe", content=SimpleUploadedFile("x.exe", b"MZ\x90\x00"))
    assert not SalesMaterial.objects.exists()


def test_the_same_registration_sent_twice_registers_once(product: Product, registrant: Actor) -> None:
    first = make_material(registrant, product, idempotency_key="form-1")
    again = make_material(registrant, product, idempotency_key="form-1")
    assert first.pk == again.pk
    assert AuditEvent.objects.filter(event_type="sales.material_registered").count() == 1


def test_only_staff_who_register_material_register_it(world: World, product: Product) -> None:
    cast = Cast.build(world, Role.SENIOR_MANAGER)
    assert_matrix(cast, lambda actor: make_material(actor, product), {"staff_with_role"})


def test_only_compliance_of_that_insurer_approves(world: World, product: Product, registrant: Actor) -> None:
    cast = Cast.build(world, Role.COMPLIANCE_OFFICER)
    assert_matrix(
        cast,
        lambda actor, material: actions.material_approve(actor=actor, material_id=material.pk),
        {"staff_with_role"},
        given=lambda: make_material(registrant, product),
    )


def test_a_senior_manager_who_registers_material_cannot_approve_any(
    world: World, product: Product, registrant: Actor
) -> None:
    material = make_material(registrant, product)
    manager = world.ours.staff(Role.SENIOR_MANAGER)[1]
    with pytest.raises(PermissionDenied):
        actions.material_approve(actor=manager, material_id=material.pk)
    assert SalesMaterial.objects.get(pk=material.pk).state == "draft"


def test_the_approvals_list_shows_only_what_someone_else_registered(
    product: Product, registrant: Actor, approver: Actor
) -> None:
    material = make_material(registrant, product)
    assert list(selectors.materials_awaiting_approval(approver)) == [material]
    assert list(selectors.materials_awaiting_approval(registrant)) == []


def test_registration_tells_the_other_compliance_officers_and_a_decision_tells_the_registrant(
    world: World, product: Product, registrant: Actor, approver: Actor
) -> None:
    from xiaobao.notifications.models import Notification

    material = make_material(registrant, product)
    told = set(Notification.objects.filter(purpose="sales.material_to_approve").values_list("staff_id", flat=True))
    assert approver.staff_id in told
    assert registrant.staff_id not in told
    actions.material_reject(actor=approver, material_id=material.pk, reason="收益描述超出条款")
    (notice,) = Notification.objects.filter(purpose="sales.material_rejected")
    assert notice.staff_id == registrant.staff_id
    assert "收益描述超出条款" in notice.body
