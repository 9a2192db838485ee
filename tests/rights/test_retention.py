"""Erasure when retention ends (issue #19, PIPL Art.19, Art.47(1)): the daily sweep anonymises a person whose every
record is past its period, unless a legal hold applies; the audit chain still verifies."""

from __future__ import annotations

import pytest

from tests.conftest import World
from tests.rights.conftest import Person, audit_verifies, indexes_of, settle, traces
from tests.support.clock import SettableClock
from xiaobao.audit.models import AuditEvent
from xiaobao.claims.models import ClaimDocument
from xiaobao.complaints import actions as complaint_actions
from xiaobao.complaints.models import Complaint
from xiaobao.identity.models import Consumer
from xiaobao.kernel.actors import SYSTEM, Role
from xiaobao.kernel.errors import PermissionDenied
from xiaobao.ops import clock as app_clock
from xiaobao.rights.actions import consumer_erase_after_retention, retention_sweep
from xiaobao.rights.models import Erasure
from xiaobao.rights.tasks import erase_after_retention

pytestmark = pytest.mark.django_db

FIVE_YEARS = 5 * 365


def test_a_person_past_retention_is_erased_without_trace_and_the_audit_log_verifies(
    world: World,
    alice: Person,
    bob: Person,
    clock: SettableClock,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    # given alice's cases all ended five years and a day ago; bob's are still open
    settle(world, alice)
    indexes = indexes_of(alice)
    stored = [d.file.name for d in ClaimDocument.objects.filter(claim__claimant=alice.consumer)]
    storage = ClaimDocument._meta.get_field("file").storage  # type: ignore[attr-defined]
    assert stored
    assert all(storage.exists(name) for name in stored)
    clock.advance(days=FIVE_YEARS + 1)
    # when the daily sweep runs
    with django_capture_on_commit_callbacks(execute=True):  # files are deleted once the erasure commits
        erased = erase_after_retention.call()
    # then alice alone is erased: no trace of her, her files gone, the audit log intact
    assert erased == 1
    assert traces(alice, indexes) == []
    assert not any(storage.exists(name) for name in stored)
    assert audit_verifies() == "ok"
    assert Consumer.objects.get(pk=bob.consumer.pk).name == "司马相如"
    assert Erasure.objects.filter(consumer=alice.consumer, insurer__isnull=True, why="retention").count() == 1
    event = AuditEvent.objects.get(event_type="rights.consumer_erased")
    assert event.new_values["why"] == "retention"
    assert event.subject_id == str(alice.consumer.pk)


def test_nobody_is_erased_before_the_period_ends(world: World, alice: Person, clock: SettableClock) -> None:
    settle(world, alice)
    clock.advance(days=FIVE_YEARS - 1)
    assert retention_sweep(actor=SYSTEM) == 0
    assert Consumer.objects.get(pk=alice.consumer.pk).name == "欧阳娜娜"


def test_an_open_complaint_holds_the_person_however_old(world: World, alice: Person, clock: SettableClock) -> None:
    settle(world, alice)
    complaint_actions.complaint_register(
        actor=world.ours.staff(Role.SUPERVISOR)[1],
        data=complaint_actions.NewComplaint(
            handling_branch_id=world.ours.city.pk,
            channel="hotline",
            received_at=clock.now(),
            product_line="medical",
            reason="claims",
            description="还在处理的投诉",
            complainant_id=alice.consumer.pk,
        ),
    )
    clock.advance(days=FIVE_YEARS * 2)
    assert retention_sweep(actor=SYSTEM) == 0
    assert Consumer.objects.get(pk=alice.consumer.pk).name == "欧阳娜娜"
    assert all(c.description for c in Complaint.objects.filter(complainant=alice.consumer))


def test_a_mediation_asked_for_holds_the_file_for_the_complaints_period_from_then(
    world: World, alice: Person, clock: SettableClock
) -> None:
    # given alice's cases ended, and two years later she asked for mediation of one
    settle(world, alice)
    clock.advance(days=2 * 365)
    Complaint.objects.filter(pk=alice.complaints[0].pk).update(mediation_wanted_on=app_clock.today())
    # then the end of the cases' period erases nothing; the end of the mediation's does
    clock.advance(days=FIVE_YEARS - 2 * 365 + 1)
    assert retention_sweep(actor=SYSTEM) == 0
    clock.advance(days=2 * 365)
    assert retention_sweep(actor=SYSTEM) == 1


def test_the_periods_are_a_setting(world: World, alice: Person, clock: SettableClock, settings) -> None:  # type: ignore[no-untyped-def]
    settings.XIAOBAO_RETENTION_DAYS = {"complaint": 30, "claim": 30, "callback": 30}
    settle(world, alice)
    clock.advance(days=31)
    assert retention_sweep(actor=SYSTEM) == 1


def test_only_the_system_erases_after_retention(world: World, alice: Person) -> None:
    staff = world.ours.staff(Role.COMPLIANCE_OFFICER)[1]
    with pytest.raises(PermissionDenied):
        consumer_erase_after_retention(actor=staff, consumer_id=alice.consumer.pk)
    with pytest.raises(PermissionDenied):
        retention_sweep(actor=staff)
