"""The pure rules of data rights: the request's clock and what a correction takes; retention and legal holds."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xiaobao.kernel.errors import InvalidInput
from xiaobao.rights.domain.requests import CorrectableField, check_correction, days_left, response_due
from xiaobao.rights.domain.retention import (
    DEFAULT_RETENTION_DAYS,
    Hold,
    RecordFacts,
    RecordKind,
    erasable,
    holds_of,
    past_retention,
)

TODAY = date(2031, 6, 1)


def test_a_request_is_due_fifteen_calendar_days_after_the_day_it_was_made() -> None:
    assert response_due(date(2026, 9, 30)) == date(2026, 10, 15)  # the National Day holidays are not skipped


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 1, 1)), st.integers(min_value=1, max_value=90))
def test_the_days_left_on_the_first_day_are_the_clocks_length(start: date, days: int) -> None:
    assert days_left(response_due(start, days), start) == days


def test_a_clock_of_no_days_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="at least one day"):
        response_due(TODAY, 0)


@pytest.mark.parametrize(
    ("field", "value"), [("resident_id", "110101199003070011"), ("name", "  "), ("name", "x" * 201)]
)
def test_a_correction_takes_a_known_field_and_a_value(field: str, value: str) -> None:
    with pytest.raises(InvalidInput):
        check_correction(field, value)


def test_a_correction_value_is_trimmed() -> None:
    assert check_correction("email", " a@b.cn ") == (CorrectableField.EMAIL, "a@b.cn")


def ended(kind: RecordKind, days_ago: int) -> RecordFacts:
    return RecordFacts(kind, TODAY - timedelta(days=days_ago))


def test_a_record_is_past_retention_only_the_day_after_its_period() -> None:
    period = DEFAULT_RETENTION_DAYS[RecordKind.COMPLAINT]
    assert not past_retention(ended(RecordKind.COMPLAINT, period), TODAY, DEFAULT_RETENTION_DAYS)
    assert past_retention(ended(RecordKind.COMPLAINT, period + 1), TODAY, DEFAULT_RETENTION_DAYS)


def test_one_record_within_its_period_keeps_the_person() -> None:
    records = [ended(RecordKind.COMPLAINT, 4000), ended(RecordKind.CALLBACK, 10)]
    assert not erasable(records, TODAY, DEFAULT_RETENTION_DAYS)


@pytest.mark.parametrize("hold", list(Hold))
def test_a_legal_hold_keeps_the_person_whatever_the_dates(hold: Hold) -> None:
    records = [ended(RecordKind.CLAIM, 9000), RecordFacts(RecordKind.COMPLAINT, None, hold)]
    assert not erasable(records, TODAY, DEFAULT_RETENTION_DAYS)
    assert holds_of(records, TODAY, DEFAULT_RETENTION_DAYS) == [hold]


def test_a_dispute_holds_for_the_complaints_period_from_the_day_it_was_asked_for() -> None:
    period = DEFAULT_RETENTION_DAYS[RecordKind.COMPLAINT]
    asked = RecordFacts(RecordKind.COMPLAINT, TODAY - timedelta(days=9000), dispute_on=TODAY - timedelta(days=period))
    assert holds_of([asked], TODAY, DEFAULT_RETENTION_DAYS) == [Hold.DISPUTE]
    assert holds_of([asked], TODAY + timedelta(days=1), DEFAULT_RETENTION_DAYS) == []


def test_everything_past_its_period_and_no_hold_is_erasable() -> None:
    records = [ended(RecordKind.COMPLAINT, 2000), ended(RecordKind.CLAIM, 1900), ended(RecordKind.CALLBACK, 400)]
    assert erasable(records, TODAY, DEFAULT_RETENTION_DAYS)
