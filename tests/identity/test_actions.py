"""Identity actions: each is checked, audited, and leaves nothing behind when refused."""

from __future__ import annotations

import pytest

from tests.conftest import World
from tests.support.matrix import Cast, assert_matrix
from tests.support.world import fresh_resident_id
from xiaobao.audit.models import AuditEvent
from xiaobao.demo.data import ELDER_RESIDENT_ID
from xiaobao.identity import actions
from xiaobao.identity.actions import ConsumerDetails
from xiaobao.identity.actors import actor_for_partner_key
from xiaobao.identity.domain.branches import BranchHierarchyError, BranchLevel
from xiaobao.identity.models import Branch, Consumer, PartnerKey, StaffRole
from xiaobao.kernel.actors import SYSTEM, ActorKind, Role
from xiaobao.kernel.errors import InvalidInput
from xiaobao.privacy.actions import personal_data_reveal
from xiaobao.privacy.domain.identifiers import InvalidPhone, InvalidResidentId
from xiaobao.privacy.models import PersonalDataAccess


def test_an_outlet_cannot_hang_directly_under_a_province(world: World) -> None:
    before = Branch.objects.count()
    with pytest.raises(BranchHierarchyError):
        actions.branch_create(
            actor=SYSTEM,
            insurer_id=world.ours.insurer.pk,
            code="X",
            name="x",
            level=BranchLevel.OUTLET,
            parent_id=world.ours.province.pk,
        )
    assert Branch.objects.count() == before


def test_a_branch_cannot_hang_under_another_insurers_branch(world: World) -> None:
    with pytest.raises(BranchHierarchyError):
        actions.branch_create(
            actor=SYSTEM,
            insurer_id=world.ours.insurer.pk,
            code="X",
            name="x",
            level=BranchLevel.CITY,
            parent_id=world.theirs.province.pk,
        )


def test_registering_a_consumer_is_audited_with_masked_values_only(world: World) -> None:
    _, handler = world.ours.staff(Role.HANDLER)
    number = fresh_resident_id()

    consumer = actions.consumer_register(
        actor=handler, details=ConsumerDetails(name="王淑芬", resident_id=number, phone="13800138001")
    )

    event = AuditEvent.objects.get(subject_type="identity.consumer", subject_id=str(consumer.pk), sequence=1)
    assert event.event_type == "consumer.registered"
    assert event.actor_id == f"staff:{handler.staff_id}"
    assert number not in str(event.new_values)
    assert "138****8001" in str(event.new_values)


def test_the_same_person_registered_twice_is_one_consumer(world: World) -> None:
    _, ours = world.ours.staff(Role.HANDLER)
    _, theirs = world.theirs.staff(Role.HANDLER)
    number = fresh_resident_id()

    first = actions.consumer_register(actor=ours, details=ConsumerDetails(name="李明", resident_id=number))
    second = actions.consumer_register(actor=theirs, details=ConsumerDetails(name="李明", resident_id=number.lower()))

    assert first == second
    assert set(first.relationships.values_list("insurer_id", flat=True)) == {
        world.ours.insurer.pk,
        world.theirs.insurer.pk,
    }


@pytest.mark.parametrize(
    ("details", "error"),
    [
        ({"resident_id": ELDER_RESIDENT_ID[:-1] + ("1" if ELDER_RESIDENT_ID[-1] != "1" else "2")}, InvalidResidentId),
        ({"phone": "1380013800"}, InvalidPhone),
        ({"name": "  "}, InvalidInput),
    ],
)
def test_invalid_details_are_refused_and_nothing_is_written(world: World, details: dict, error: type) -> None:
    _, handler = world.ours.staff(Role.HANDLER)
    consumers, events = Consumer.objects.count(), AuditEvent.objects.count()
    values = {"name": "王五", "resident_id": fresh_resident_id(), "phone": "13800138001", **details}

    with pytest.raises(error):
        actions.consumer_register(actor=handler, details=ConsumerDetails(**values))

    assert (Consumer.objects.count(), AuditEvent.objects.count()) == (consumers, events)


def test_registering_consumers_follows_the_matrix(world: World) -> None:
    cast = Cast.build(world, Role.HANDLER)
    assert_matrix(
        cast,
        lambda a: actions.consumer_register(
            actor=a, details=ConsumerDetails(name="某人", resident_id=fresh_resident_id())
        ),
        {"staff_with_role", "other_insurer_staff"},  # each registers for their own insurer
    )


def test_granting_roles_follows_the_matrix_and_is_audited(world: World) -> None:
    cast = Cast.build(world, Role.ADMINISTRATOR)
    target, _ = world.ours.staff()

    assert_matrix(
        cast,
        lambda a: actions.staff_grant_role(actor=a, staff_id=target.pk, role=Role.SUPERVISOR) or True,
        {"staff_with_role"},
    )
    assert StaffRole.objects.filter(staff=target, role="supervisor").count() == 1
    assert AuditEvent.objects.filter(subject_id=str(target.pk), event_type="staff.role_granted").count() == 1


def test_a_partner_key_authenticates_until_it_is_revoked(world: World) -> None:
    partner = world.ours.partner()
    _, admin = world.ours.staff(Role.ADMINISTRATOR)
    key, raw = actions.partner_key_issue(actor=admin, partner_id=partner.pk, label="complaints API")

    actor = actor_for_partner_key(raw)
    assert actor is not None
    assert (actor.kind, actor.partner_id, actor.insurer_id) == (ActorKind.PARTNER, partner.pk, world.ours.insurer.pk)
    assert raw.split("_", 2)[2] not in PartnerKey.objects.get(pk=key.pk).secret_hash  # the secret may hold "_"

    actions.partner_key_revoke(actor=admin, key_id=key.pk)
    assert actor_for_partner_key(raw) is None


@pytest.mark.parametrize(
    "mangle", [lambda k: k[:-1] + ("A" if k[-1] != "A" else "B"), lambda k: "xbp_nothing_here", str.upper]
)
def test_a_wrong_partner_key_is_refused(world: World, mangle) -> None:  # type: ignore[no-untyped-def]
    _, raw = actions.partner_key_issue(actor=SYSTEM, partner_id=world.ours.partner().pk)
    assert actor_for_partner_key(mangle(raw)) is None


def test_issuing_partner_keys_follows_the_matrix(world: World) -> None:
    cast = Cast.build(world, Role.ADMINISTRATOR)
    partner = world.ours.partner()
    assert_matrix(cast, lambda a: actions.partner_key_issue(actor=a, partner_id=partner.pk), {"staff_with_role"})


def test_revealing_personal_data_follows_the_matrix_and_leaves_a_record(world: World) -> None:
    cast = Cast.build(world, Role.HANDLER)
    consumer = world.ours.consumer(phone="13800138009")

    assert_matrix(
        cast,
        lambda a: personal_data_reveal(actor=a, consumer_id=consumer.pk, field="phone", reason="return the call"),
        {"staff_with_role"},
    )
    entry = PersonalDataAccess.objects.get()
    assert (entry.staff_id, entry.consumer_id, entry.field) == (cast.staff_with_role.staff_id, consumer.pk, "phone")
    assert AuditEvent.objects.filter(event_type="privacy.revealed", subject_id=str(consumer.pk)).count() == 1


def test_a_reveal_without_a_reason_is_refused_and_not_logged(world: World) -> None:
    consumer = world.ours.consumer()
    _, handler = world.ours.staff(Role.HANDLER)
    with pytest.raises(InvalidInput):
        personal_data_reveal(actor=handler, consumer_id=consumer.pk, field="phone", reason=" ")
    assert not PersonalDataAccess.objects.exists()


def test_creating_branches_and_partners_follows_the_matrix(world: World) -> None:
    cast = Cast.build(world, Role.ADMINISTRATOR)
    insurer_id = world.ours.insurer.pk
    codes = iter(range(1000))

    assert_matrix(
        cast,
        lambda a: actions.branch_create(
            actor=a,
            insurer_id=insurer_id,
            code=f"B{next(codes)}",
            name="x",
            level=BranchLevel.OUTLET,
            parent_id=world.ours.city.pk,
        ),
        {"staff_with_role"},
    )
    assert_matrix(
        cast,
        lambda a: actions.partner_create(
            actor=a, insurer_id=insurer_id, kind="agent", code=f"P{next(codes)}", name="x"
        ),
        {"staff_with_role"},
    )
