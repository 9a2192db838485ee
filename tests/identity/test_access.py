"""The access policy across anonymous, consumer, other insurer, wrong role and right role — for every model.

Each test names the model it protects; a refused actor gets the same answer
as for a row that does not exist.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import transaction

from tests.conftest import World
from tests.support.matrix import Cast, assert_matrix
from xiaobao.audit.access import audit_events_for
from xiaobao.audit.models import AuditEvent
from xiaobao.identity import access, actions
from xiaobao.identity.domain.permissions import Permission
from xiaobao.identity.models import Partner
from xiaobao.kernel.actors import SYSTEM, Role
from xiaobao.kernel.errors import NotFound
from xiaobao.notifications.access import notifications_for
from xiaobao.notifications.actions import notification_queue
from xiaobao.privacy.access import agreements_for, partner_may_receive, personal_data_accesses_for
from xiaobao.privacy.actions import personal_data_reveal
from xiaobao.privacy.models import DataSharingAgreement, PersonalDataAccess

STAFF_ONLY = {"staff_with_role"}


def test_insurer(world: World) -> None:
    cast = Cast.build(world, Role.HANDLER)
    insurer = world.ours.insurer
    assert_matrix(cast, lambda a: access.insurers_for(a).filter(pk=insurer.pk).exists(), STAFF_ONLY)


def test_branch(world: World) -> None:
    cast = Cast.build(world, Role.HANDLER)
    assert_matrix(cast, lambda a: access.branch_for(a, world.ours.city.pk), STAFF_ONLY)


def test_staff(world: World) -> None:
    cast = Cast.build(world, Role.SUPERVISOR)
    colleague, _ = world.ours.staff(Role.HANDLER)
    assert_matrix(cast, lambda a: access.staff_member_for(a, colleague.pk), STAFF_ONLY)


def test_staff_members_may_always_see_themselves(world: World) -> None:
    me, actor = world.ours.staff()
    assert access.staff_member_for(actor, me.pk) == me


def test_consumer(world: World) -> None:
    cast = Cast.build(world, Role.HANDLER)
    consumer = world.ours.consumer(name="王五")
    assert_matrix(cast, lambda a: access.consumer_for(a, consumer.pk), STAFF_ONLY)


def test_a_consumer_sees_their_own_record_and_no_other(world: World) -> None:
    cast = Cast.build(world, Role.HANDLER)
    other = world.ours.consumer(name="赵六")
    assert cast.consumer.consumer_id is not None
    assert access.consumer_for(cast.consumer, cast.consumer.consumer_id).pk == cast.consumer.consumer_id
    with pytest.raises(NotFound):
        access.consumer_for(cast.consumer, other.pk)


def test_a_consumer_of_two_insurers_is_seen_by_both(world: World) -> None:
    consumer = world.ours.consumer()
    actions.consumer_relate(actor=SYSTEM, consumer=consumer, insurer_id=world.theirs.insurer.pk)
    _, ours = world.ours.staff(Role.HANDLER)
    _, theirs = world.theirs.staff(Role.HANDLER)
    assert access.consumer_for(ours, consumer.pk) == access.consumer_for(theirs, consumer.pk) == consumer


def test_partner(world: World) -> None:
    cast = Cast.build(world, Role.HANDLER)
    partner = world.ours.partner()
    assert_matrix(cast, lambda a: access.partner_for(a, partner.pk), STAFF_ONLY)


def test_partner_key(world: World) -> None:
    cast = Cast.build(world, Role.ADMINISTRATOR)
    partner = world.ours.partner()
    key, _ = actions.partner_key_issue(actor=SYSTEM, partner_id=partner.pk)
    assert_matrix(cast, lambda a: access.partner_key_for(a, key.pk), STAFF_ONLY)


def test_mediation_organisations_are_a_public_directory(world: World) -> None:
    cast = Cast.build(world, Role.HANDLER)
    organisation = actions.mediation_organisation_create(actor=SYSTEM, code="m", name="Mediation centre")
    assert_matrix(
        cast,
        lambda a: access.mediation_organisations_for(a).filter(pk=organisation.pk).exists(),
        {"anonymous", "consumer", "other_insurer_staff", "staff_without_role", "staff_with_role"},
    )


def test_audit_event(world: World) -> None:
    cast = Cast.build(world, Role.AUDITOR)
    event = AuditEvent.objects.filter(insurer_id=world.ours.insurer.pk).latest("id")
    assert_matrix(cast, lambda a: audit_events_for(a).filter(pk=event.pk).exists(), STAFF_ONLY)


def test_personal_data_access_log(world: World) -> None:
    cast = Cast.build(world, Role.COMPLIANCE_OFFICER)
    consumer = world.ours.consumer()
    _, handler = world.ours.staff(Role.HANDLER)
    personal_data_reveal(actor=handler, consumer_id=consumer.pk, field="phone", reason="calling back about the case")
    entry = PersonalDataAccess.objects.get()
    assert_matrix(cast, lambda a: personal_data_accesses_for(a).filter(pk=entry.pk).exists(), STAFF_ONLY)


def test_data_sharing_agreement(world: World) -> None:
    cast = Cast.build(world, Role.HANDLER)
    partner = world.ours.partner()
    agreement = DataSharingAgreement.objects.create(
        insurer=world.ours.insurer,
        partner=partner,
        reference="DSA-1",
        purpose="complaint_handling",
        purpose_detail="handling complaints about policies it sold",
        data_categories=["complainant_contact"],
        valid_from=date(2026, 1, 1),
        valid_until=date(2026, 12, 31),
    )
    assert_matrix(cast, lambda a: agreements_for(a).filter(pk=agreement.pk).exists(), STAFF_ONLY)


def test_a_partner_receives_data_only_under_an_approved_agreement_in_force_that_covers_it(world: World) -> None:
    partner = world.ours.partner(Partner.OUTSOURCER)
    DataSharingAgreement.objects.create(
        insurer=world.ours.insurer,
        partner=partner,
        reference="DSA-2",
        purpose="complaint_handling",
        purpose_detail="complaint handling only",
        data_categories=["complainant_contact"],
        valid_from=date(2026, 1, 1),
        valid_until=date(2026, 6, 30),
        approved_at=datetime(2025, 12, 20, tzinfo=UTC),
    )
    assert partner_may_receive(partner_id=partner.pk, category="complainant_contact", on=date(2026, 3, 1))
    assert not partner_may_receive(partner_id=partner.pk, category="policy", on=date(2026, 3, 1))
    assert not partner_may_receive(
        partner_id=partner.pk, category="complainant_contact", on=date(2026, 6, 30) + timedelta(days=1)
    )
    assert not partner_may_receive(
        partner_id=partner.pk, category="complainant_contact", on=date(2026, 3, 1), purpose="policy_service"
    )


def test_notification(world: World) -> None:
    cast = Cast.build(world, Role.HANDLER)
    with transaction.atomic():
        notice = notification_queue(
            actor=SYSTEM,
            channel="sms",
            to_address="+8613800138000",
            body="您的投诉已受理",
            purpose="test",
            insurer_id=world.ours.insurer.pk,
        )
    assert_matrix(cast, lambda a: notifications_for(a).filter(pk=notice.pk).exists(), STAFF_ONLY)


@pytest.mark.parametrize("permission", list(Permission))
def test_no_permission_is_granted_to_anyone_but_insurer_staff(world: World, permission: Permission) -> None:
    cast = Cast.build(world, *Role)
    granted = {name for name, actor in cast.items() if access.may(actor, permission)}
    assert granted <= {"other_insurer_staff", "staff_with_role"}
    assert "staff_with_role" in granted


def test_what_arrives_without_a_branch_goes_to_the_first_provincial_branch(world: World) -> None:
    """One routing rule for the portal, email intake and online claims (before: three copies, two tie-breaks)."""
    from xiaobao.identity.access import intake_branch
    from xiaobao.identity.actions import branch_create
    from xiaobao.identity.domain.branches import BranchLevel

    first = world.ours.province
    branch_create(
        actor=SYSTEM,
        insurer_id=world.ours.insurer.pk,
        code="ln-2",
        name="second provincial",
        level=BranchLevel.PROVINCIAL,
        parent_id=world.ours.head_office.pk,
    )
    assert intake_branch(world.ours.insurer.pk) == first
    assert intake_branch(world.theirs.insurer.pk) == world.theirs.province
