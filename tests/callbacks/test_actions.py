"""Asking for a call-back and recording the call (INC-E3): idempotent, rate-limited, audited, one insurer's only."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.db import connection

from tests.callbacks.conftest import Ask
from tests.conftest import World
from tests.support.clock import SHANGHAI, SettableClock
from tests.support.matrix import Cast, assert_matrix, row_counts
from xiaobao.audit.models import AuditEvent
from xiaobao.callbacks import actions, selectors
from xiaobao.callbacks.domain.languages import CallLanguage
from xiaobao.callbacks.domain.lifecycle import CallOutcome
from xiaobao.callbacks.domain.timing import Slot
from xiaobao.callbacks.models import CallbackRequest
from xiaobao.kernel.actors import Actor, ActorKind, Role
from xiaobao.kernel.errors import InvalidInput, NotFound, PermissionDenied, TransitionNotAllowed
from xiaobao.ops.ratelimit import TooManyAttempts


def events_of(callback: CallbackRequest) -> list[str]:
    return list(
        AuditEvent.objects.filter(subject_type="callbacks.callbackrequest", subject_id=str(callback.pk))
        .order_by("sequence")
        .values_list("event_type", flat=True)
    )


def test_a_press_queues_a_request_with_its_target_and_one_audit_event(ask: Ask, clock: SettableClock) -> None:
    callback = ask(elderly=True, note="理赔进度")
    assert (callback.state, callback.priority) == ("open", True)
    assert callback.target_at == datetime(2026, 3, 2, 10, 30, tzinfo=SHANGHAI)
    assert callback.reference == f"CB-2026-{callback.pk:06d}"
    assert events_of(callback) == ["callbacks.requested"]


def test_the_phone_and_note_are_stored_encrypted(ask: Ask, clock: SettableClock) -> None:
    callback = ask(phone="13800138001", note="理赔进度")
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, note FROM callbacks_callbackrequest WHERE id = %s", [callback.pk])
        phone, note = cursor.fetchone()
    assert "13800138001" not in phone
    assert "理赔" not in note
    assert CallbackRequest.objects.get(pk=callback.pk).phone == "+8613800138001"


def test_a_double_press_makes_one_request(ask: Ask, clock: SettableClock) -> None:
    first = ask(key="same-press")
    second = ask(key="same-press")
    assert second.pk == first.pk
    assert CallbackRequest.objects.count() == 1
    assert events_of(first) == ["callbacks.requested"]


def test_the_same_key_at_another_insurer_is_another_request(ask: Ask, world: World, clock: SettableClock) -> None:
    ours = ask(key="same-press")
    theirs = ask(key="same-press", insurer_id=world.theirs.insurer.pk)
    assert ours.pk != theirs.pk


def test_a_phone_asking_more_than_five_times_a_day_is_refused_and_nothing_is_queued(
    ask: Ask, clock: SettableClock
) -> None:
    for n in range(actions.PER_PHONE_A_DAY):
        ask(client=f"203.0.113.{n}")
    with pytest.raises(TooManyAttempts):
        ask(client="203.0.113.99")
    assert CallbackRequest.objects.count() == actions.PER_PHONE_A_DAY


def test_one_address_asking_for_many_phones_is_refused(
    ask: Ask, clock: SettableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(actions, "PER_ADDRESS_AN_HOUR", 2)
    ask(phone="13800138001")
    ask(phone="13800138002")
    with pytest.raises(TooManyAttempts):
        ask(phone="13800138003")
    assert CallbackRequest.objects.count() == 2


def test_the_limit_per_phone_is_a_day(ask: Ask, clock: SettableClock) -> None:
    for n in range(actions.PER_PHONE_A_DAY):
        ask(client=f"203.0.113.{n}")
    clock.advance(days=1, minutes=1)
    ask()
    assert CallbackRequest.objects.count() == actions.PER_PHONE_A_DAY + 1


def test_a_consumer_who_checked_their_phone_need_not_type_it(ask: Ask, world: World, clock: SettableClock) -> None:
    consumer = world.ours.consumer(phone="13912340000")
    callback = ask(actor=Actor(kind=ActorKind.CONSUMER, consumer_id=consumer.pk), phone="")
    assert (callback.phone, callback.consumer_id) == ("+8613912340000", consumer.pk)


def test_without_a_phone_nobody_can_be_called(ask: Ask, clock: SettableClock) -> None:
    with pytest.raises(InvalidInput):
        ask(phone="")
    assert CallbackRequest.objects.count() == 0


def test_a_dialect_without_its_name_is_refused(ask: Ask, clock: SettableClock) -> None:
    with pytest.raises(InvalidInput):
        ask(language=CallLanguage.DIALECT, dialect="")
    assert CallbackRequest.objects.count() == 0


def test_a_slot_that_has_ended_queues_nothing(ask: Ask, clock: SettableClock) -> None:
    clock.set("2026-03-02 15:00")
    with pytest.raises(InvalidInput):
        ask(slot=Slot.TODAY_MORNING)
    assert CallbackRequest.objects.count() == 0


def test_staff_do_not_press_the_consumers_button(ask: Ask, world: World, clock: SettableClock) -> None:
    _staff, handler = world.ours.staff(Role.HANDLER)
    with pytest.raises(PermissionDenied):
        ask(actor=handler)
    assert CallbackRequest.objects.count() == 0


def test_a_handler_records_a_call_and_it_is_audited_with_its_timeliness(
    ask: Ask, world: World, clock: SettableClock
) -> None:
    callback = ask(elderly=True)
    staff, handler = world.ours.staff(Role.HANDLER)
    clock.advance(minutes=20)
    called = actions.callback_record_call(
        actor=handler, request_id=callback.pk, outcome=CallOutcome.CALLED, note="已解答"
    )
    assert (called.state, called.attempts, called.handled_by_id) == ("called", 1, staff.pk)
    assert "已解答" in called.outcome_note
    event = AuditEvent.objects.filter(event_type="callbacks.call_recorded").get()
    assert (event.old_values, event.new_values) == (
        {"state": "open", "attempts": 0},
        {"state": "called", "attempts": 1, "timeliness": "in_time"},
    )


def test_timeliness_is_the_first_try_even_when_the_person_is_reached_later(
    ask: Ask, world: World, clock: SettableClock
) -> None:
    callback = ask(elderly=True)
    _staff, handler = world.ours.staff(Role.HANDLER)
    clock.advance(minutes=10)
    actions.callback_record_call(actor=handler, request_id=callback.pk, outcome=CallOutcome.UNREACHABLE)
    clock.advance(hours=3)
    reached = actions.callback_record_call(actor=handler, request_id=callback.pk, outcome=CallOutcome.CALLED)
    assert reached.first_attempt_at == datetime(2026, 3, 2, 10, 10, tzinfo=SHANGHAI)
    assert reached.attempts == 2
    assert events_of(reached) == ["callbacks.requested", "callbacks.call_recorded", "callbacks.call_recorded"]


def test_a_request_already_called_takes_no_more_calls_and_nothing_changes(
    ask: Ask, world: World, clock: SettableClock
) -> None:
    callback = ask()
    _staff, handler = world.ours.staff(Role.HANDLER)
    actions.callback_record_call(actor=handler, request_id=callback.pk, outcome=CallOutcome.CALLED)
    before = row_counts()
    with pytest.raises(TransitionNotAllowed):
        actions.callback_record_call(actor=handler, request_id=callback.pk, outcome=CallOutcome.UNREACHABLE)
    assert row_counts() == before
    assert CallbackRequest.objects.get(pk=callback.pk).attempts == 1


def test_showing_the_number_to_call_is_audited(ask: Ask, world: World, clock: SettableClock) -> None:
    callback = ask(phone="13800138001")
    _staff, handler = world.ours.staff(Role.HANDLER)
    assert actions.callback_phone_show(actor=handler, request_id=callback.pk) == "+8613800138001"
    assert events_of(callback) == ["callbacks.requested", "callbacks.phone_shown"]


def test_only_a_handler_of_the_insurer_records_a_call(ask: Ask, world: World, clock: SettableClock) -> None:
    cast = Cast.build(world, Role.HANDLER)
    assert_matrix(
        cast,
        lambda actor, callback: actions.callback_record_call(
            actor=actor, request_id=callback.pk, outcome=CallOutcome.CALLED
        ),
        allowed={"staff_with_role"},
        given=lambda: ask(
            client=f"192.0.2.{CallbackRequest.objects.count()}", phone=f"1380013{CallbackRequest.objects.count():04d}"
        ),
    )


def test_only_a_handler_of_the_insurer_sees_the_number(ask: Ask, world: World, clock: SettableClock) -> None:
    callback = ask()
    cast = Cast.build(world, Role.HANDLER)
    assert_matrix(
        cast,
        lambda actor: actions.callback_phone_show(actor=actor, request_id=callback.pk),
        allowed={"staff_with_role"},
    )


def test_only_a_handler_of_the_insurer_lists_its_queue(ask: Ask, world: World, clock: SettableClock) -> None:
    ask()
    cast = Cast.build(world, Role.HANDLER)
    assert_matrix(cast, lambda actor: selectors.callback_queue(actor, clock.now()), allowed={"staff_with_role"})


def test_another_insurers_request_is_not_found_exactly_like_a_missing_one(
    ask: Ask, world: World, clock: SettableClock
) -> None:
    theirs = ask(insurer_id=world.theirs.insurer.pk)
    _staff, handler = world.ours.staff(Role.HANDLER)
    errors = []
    for pk in (theirs.pk, theirs.pk + 1000):
        with pytest.raises(NotFound) as refused:
            actions.callback_record_call(actor=handler, request_id=pk, outcome=CallOutcome.CALLED)
        errors.append((refused.value.code, refused.value.message))
    assert errors[0] == errors[1]
    assert CallbackRequest.objects.get(pk=theirs.pk).state == "open"


@pytest.mark.parametrize(
    ("steps", "state"),
    [
        ([CallOutcome.CALLED], "called"),
        ([CallOutcome.UNREACHABLE], "unreachable"),
        ([CallOutcome.UNREACHABLE, CallOutcome.UNREACHABLE], "unreachable"),
        ([CallOutcome.UNREACHABLE, CallOutcome.CLOSED], "closed"),
    ],
)
def test_every_state_change_is_one_audit_event(
    ask: Ask, world: World, clock: SettableClock, steps: list[CallOutcome], state: str
) -> None:
    callback = ask()
    _staff, handler = world.ours.staff(Role.HANDLER)
    for outcome in steps:
        callback = actions.callback_record_call(actor=handler, request_id=callback.pk, outcome=outcome, note="三次未接")
    recorded = AuditEvent.objects.filter(event_type="callbacks.call_recorded").order_by("pk")
    assert callback.state == state
    assert [e.new_values["state"] for e in recorded] == [o.value for o in steps]
    assert [e.actor_id for e in recorded] == [handler.audit_id] * len(steps)
