"""The pure rules of call-backs: when a call is due, who comes first, whether it came in time (INC-E3)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xiaobao.callbacks.domain.languages import CallLanguage, check_request_text, language_for_page
from xiaobao.callbacks.domain.lifecycle import CallbackState, CallOutcome, after_call
from xiaobao.callbacks.domain.timing import (
    PRIORITY_TARGET,
    SERVICE_CLOSES,
    SERVICE_OPENS,
    ZONE,
    Slot,
    SlotPassed,
    Timeliness,
    add_service_time,
    call_target,
    is_priority,
    queue_key,
    slots_open,
    timeliness,
)
from xiaobao.kernel.errors import InvalidInput, TransitionNotAllowed


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


def test_a_priority_person_asking_now_is_due_in_30_minutes() -> None:
    target = call_target(slot=Slot.SOON, requested_at=at("2026-03-02 10:00"), priority=True)
    assert (target.due_at, target.late_after) == (at("2026-03-02 10:30"), at("2026-03-02 10:30"))


def test_anyone_else_asking_now_is_due_in_two_hours() -> None:
    target = call_target(slot=Slot.SOON, requested_at=at("2026-03-02 10:00"), priority=False)
    assert target.due_at == at("2026-03-02 12:00")


def test_service_time_left_at_closing_carries_over_to_the_next_opening() -> None:
    target = call_target(slot=Slot.SOON, requested_at=at("2026-03-02 19:00"), priority=False)
    assert target.due_at == at("2026-03-03 09:00")


@pytest.mark.parametrize(
    ("asked", "due"),
    [
        ("2026-03-02 23:10", "2026-03-03 08:30"),
        ("2026-03-03 06:00", "2026-03-03 08:30"),
        ("2026-03-02 20:00", "2026-03-03 08:30"),
    ],
)
def test_a_request_out_of_hours_counts_from_the_next_opening(asked: str, due: str) -> None:
    assert call_target(slot=Slot.SOON, requested_at=at(asked), priority=True).due_at == at(due)


def test_holidays_are_service_days_too() -> None:
    # 2026-02-17 is in the Spring Festival holiday; the call-back desk works every day.
    assert add_service_time(at("2026-02-17 09:00"), PRIORITY_TARGET) == at("2026-02-17 09:30")


def test_a_slot_tomorrow_is_due_at_its_start_and_in_time_until_its_end() -> None:
    target = call_target(slot=Slot.TOMORROW_MORNING, requested_at=at("2026-03-02 15:00"), priority=False)
    assert (target.due_at, target.late_after) == (at("2026-03-03 08:00"), at("2026-03-03 12:00"))


def test_a_slot_already_begun_is_due_at_once() -> None:
    target = call_target(slot=Slot.TODAY_AFTERNOON, requested_at=at("2026-03-02 14:00"), priority=True)
    assert (target.due_at, target.late_after) == (at("2026-03-02 14:00"), at("2026-03-02 17:00"))


def test_a_slot_that_has_ended_is_refused() -> None:
    with pytest.raises(SlotPassed):
        call_target(slot=Slot.TODAY_MORNING, requested_at=at("2026-03-02 15:00"), priority=False)


def test_after_closing_only_tomorrows_slots_are_offered() -> None:
    assert slots_open(at("2026-03-02 20:30")) == [
        Slot.SOON,
        Slot.TOMORROW_MORNING,
        Slot.TOMORROW_AFTERNOON,
        Slot.TOMORROW_EVENING,
    ]


@pytest.mark.parametrize(
    ("elderly", "disabled", "new_urban_resident", "expected"),
    [(False, False, False, False), (True, False, False, True), (False, True, False, True), (False, False, True, True)],
)
def test_elderly_disabled_and_new_urban_residents_have_priority(
    elderly: bool, disabled: bool, new_urban_resident: bool, expected: bool
) -> None:
    assert is_priority(elderly=elderly, disabled=disabled, new_urban_resident=new_urban_resident) is expected


def test_priority_comes_before_an_earlier_target_then_the_earliest_target_first() -> None:
    asked = at("2026-03-02 09:00")
    rows = [
        ("standard, due 10:00", False, at("2026-03-02 10:00")),
        ("priority, due 11:00", True, at("2026-03-02 11:00")),
        ("priority, due 09:30", True, at("2026-03-02 09:30")),
        ("standard, due 09:45", False, at("2026-03-02 09:45")),
    ]
    ordered = sorted(
        enumerate(rows), key=lambda r: queue_key(priority=r[1][1], target_at=r[1][2], requested_at=asked, pk=r[0])
    )
    assert [row[0] for _, row in ordered] == [
        "priority, due 09:30",
        "priority, due 11:00",
        "standard, due 09:45",
        "standard, due 10:00",
    ]


@pytest.mark.parametrize(
    ("first_attempt", "now", "expected"),
    [
        ("2026-03-02 10:30", "2026-03-02 12:00", Timeliness.IN_TIME),
        ("2026-03-02 10:31", "2026-03-02 12:00", Timeliness.LATE),
        (None, "2026-03-02 10:30", Timeliness.OPEN),
        (None, "2026-03-02 10:31", Timeliness.OVERDUE),
    ],
)
def test_timeliness_is_measured_by_the_first_call_against_the_target(
    first_attempt: str | None, now: str, expected: Timeliness
) -> None:
    measured = timeliness(
        late_after=at("2026-03-02 10:30"), first_attempt_at=at(first_attempt) if first_attempt else None, now=at(now)
    )
    assert measured is expected


@given(
    start=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 1, 1)),  # noqa: DTZ001  (naive bounds: hypothesis' rule; the zone is set below)
    minutes=st.integers(min_value=1, max_value=60 * 30),
)
def test_service_time_always_ends_inside_service_hours_and_never_before_it_starts(
    start: datetime, minutes: int
) -> None:
    begun = start.replace(tzinfo=ZONE)
    ends = add_service_time(begun, timedelta(minutes=minutes))
    assert ends > begun
    assert SERVICE_OPENS < ends.timetz().replace(tzinfo=None) <= SERVICE_CLOSES


def test_a_call_reached_or_not_moves_the_request_on() -> None:
    assert after_call(CallbackState.OPEN, CallOutcome.CALLED, "") is CallbackState.CALLED
    assert after_call(CallbackState.OPEN, CallOutcome.UNREACHABLE, "") is CallbackState.UNREACHABLE
    assert after_call(CallbackState.UNREACHABLE, CallOutcome.CALLED, "") is CallbackState.CALLED


def test_a_request_is_closed_unreached_only_after_a_try_and_with_a_reason() -> None:
    with pytest.raises(TransitionNotAllowed):
        after_call(CallbackState.OPEN, CallOutcome.CLOSED, "three tries")
    with pytest.raises(InvalidInput):
        after_call(CallbackState.UNREACHABLE, CallOutcome.CLOSED, "  ")
    assert after_call(CallbackState.UNREACHABLE, CallOutcome.CLOSED, "three tries") is CallbackState.CLOSED


@pytest.mark.parametrize("state", [CallbackState.CALLED, CallbackState.CLOSED])
def test_nothing_more_is_recorded_once_a_request_is_done(state: CallbackState) -> None:
    with pytest.raises(TransitionNotAllowed):
        after_call(state, CallOutcome.CALLED, "")


def test_the_page_language_is_the_spoken_language_offered_first() -> None:
    assert language_for_page("en") is CallLanguage.ENGLISH
    assert language_for_page("zh-hans") is CallLanguage.MANDARIN
    assert language_for_page("fr") is CallLanguage.MANDARIN


def test_a_dialect_must_be_named() -> None:
    with pytest.raises(InvalidInput):
        check_request_text(language=CallLanguage.DIALECT, dialect=" ", note="")
    check_request_text(language=CallLanguage.DIALECT, dialect="东北话", note="")
