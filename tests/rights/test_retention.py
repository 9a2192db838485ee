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


def test_erasing_one_record_keeps_the_phone_checks_another_live_record_on_the_phone_signs_in_with(
    world: World, alice: Person, clock: SettableClock
) -> None:
    # given alice's cases ended long ago, and her mother, registered by staff, shares her phone
    from tests.support.world import fresh_resident_id, make_consumer
    from xiaobao.identity.actions import phone_verification_start
    from xiaobao.identity.models import PhoneVerification
    from xiaobao.ops.models import RateLimitHit

    settle(world, alice)
    mother = make_consumer(insurer_ids=[world.ours.insurer.pk], name="欧阳秀英", phone=alice.phone,
                           resident_id=fresh_resident_id())  # fmt: skip
    Consumer.objects.filter(pk=mother.pk).update(id_checked_by_staff=True)
    clock.advance(days=FIVE_YEARS + 1)
    phone_verification_start(phone=alice.phone, purpose="sign_in", client="127.0.0.3")
    index = alice.consumer.phone_index
    # when the sweep erases alice
    assert consumer_erase_after_retention(actor=SYSTEM, consumer_id=alice.consumer.pk)
    # then the phone's check and its counts stay for her mother
    assert Consumer.objects.get(pk=alice.consumer.pk).phone_index is None
    assert PhoneVerification.objects.filter(phone_index=index).exists()
    assert RateLimitHit.objects.filter(bucket__endswith=f":{index}").exists()


def test_a_call_back_not_yet_made_holds_and_one_made_counts_from_when_it_was_made(
    world: World, clock: SettableClock
) -> None:
    from tests.support.world import make_consumer
    from xiaobao.callbacks.actions import CallbackAsked, callback_record_call, callback_request
    from xiaobao.callbacks.domain.languages import CallLanguage
    from xiaobao.callbacks.domain.lifecycle import CallOutcome
    from xiaobao.callbacks.domain.timing import Slot
    from xiaobao.kernel.actors import Actor, ActorKind

    # given a person whose only record is a call-back asked for, not yet made, years ago
    consumer = make_consumer(insurer_ids=[world.ours.insurer.pk], name="赵六", phone="13300004444")
    asked = callback_request(
        actor=Actor(kind=ActorKind.CONSUMER, consumer_id=consumer.pk),
        insurer_id=world.ours.insurer.pk,
        asked=CallbackAsked(slot=Slot.SOON, language=CallLanguage.MANDARIN, note=""),
        idempotency_key="key-zhao",
        client="127.0.0.1",
    )
    clock.advance(days=FIVE_YEARS + 1)
    # then it holds her record
    assert not consumer_erase_after_retention(actor=SYSTEM, consumer_id=consumer.pk)
    # and once made, her record is kept for the call-back's period from that day
    _, handler = world.ours.staff(Role.HANDLER)
    callback_record_call(actor=handler, request_id=asked.pk, outcome=CallOutcome.CALLED)
    assert not consumer_erase_after_retention(actor=SYSTEM, consumer_id=consumer.pk)
    assert Consumer.objects.get(pk=consumer.pk).name == "赵六"


def test_arbitration_or_court_chosen_holds_the_file_for_the_complaints_period_from_then(
    world: World, alice: Person, clock: SettableClock
) -> None:
    # given alice's cases ended, and two years later she chose court after one complaint's decision (DSP-2)
    from xiaobao.complaints.domain.decisions import Remedy
    from xiaobao.kernel.actors import Actor, ActorKind

    settle(world, alice)
    clock.advance(days=2 * 365)
    complaint_actions.complaint_choose_next_step(
        actor=Actor(kind=ActorKind.CONSUMER, consumer_id=alice.consumer.pk),
        complaint_id=alice.complaints[0].pk,
        option=Remedy.COURT,
    )
    # then the end of the cases' period erases nothing; the end of the dispute's does
    clock.advance(days=FIVE_YEARS - 2 * 365 + 1)
    assert retention_sweep(actor=SYSTEM) == 0
    clock.advance(days=2 * 365)
    assert retention_sweep(actor=SYSTEM) == 1
