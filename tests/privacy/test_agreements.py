"""The pure rules of data-sharing agreements (PI-3, SEC-2): every term fixed, four eyes, and what is released."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xiaobao.kernel.errors import InvalidInput
from xiaobao.privacy.domain.agreements import (
    CATEGORY_FIELDS,
    COMPLAINT_HANDLING,
    DATA_CATEGORY_TEXT,
    PURPOSE_TEXT,
    AgreementIncomplete,
    AgreementNotApprovable,
    NoAgreementInForce,
    Terms,
    agreement_state,
    check_agreement,
    check_approval,
    check_ending,
    in_force,
    release,
)

APPROVED = datetime(2025, 12, 1, tzinfo=UTC)
FIRST, LAST = date(2026, 1, 1), date(2026, 12, 31)


def _terms(agreement_id: int = 1, categories: tuple[str, ...] = ("complaint",), **changes: object) -> Terms:
    values: dict[str, object] = {
        "agreement_id": agreement_id,
        "purpose": COMPLAINT_HANDLING,
        "categories": categories,
        "valid_from": FIRST,
        "valid_until": LAST,
        "approved_at": APPROVED,
        "ended_at": None,
    }
    values.update(changes)
    return Terms(**values)  # type: ignore[arg-type]


def _check(**changes: object) -> None:
    values: dict[str, object] = {
        "reference": "DSA-1",
        "purpose": COMPLAINT_HANDLING,
        "purpose_detail": "投诉处理",
        "categories": ["complaint"],
        "method": "partner_api",
        "protection_measures": "传输加密，仅投诉专员可见",
        "valid_from": FIRST,
        "valid_until": LAST,
    }
    values.update(changes)
    check_agreement(**values)  # type: ignore[arg-type]


def test_complaint_handling_is_the_first_purpose_and_every_category_names_its_fields() -> None:
    assert next(iter(PURPOSE_TEXT)) == COMPLAINT_HANDLING
    assert set(CATEGORY_FIELDS) == set(DATA_CATEGORY_TEXT)
    assert CATEGORY_FIELDS["complainant_contact"] == ("complainant_name", "complainant_phone")


@pytest.mark.parametrize(
    "missing",
    [
        {"reference": " "},
        {"purpose": "marketing"},
        {"purpose_detail": ""},
        {"categories": []},
        {"categories": ["everything"]},
        {"method": "fax"},
        {"protection_measures": "加密"},
        {"valid_until": FIRST - timedelta(days=1)},
        {"valid_until": FIRST + timedelta(days=366 * 10 + 1)},
    ],
)
def test_an_agreement_missing_a_term_is_refused(missing: dict[str, object]) -> None:
    with pytest.raises(AgreementIncomplete):
        _check(**missing)


def test_a_complete_agreement_passes() -> None:
    _check()


def test_the_recorder_cannot_approve_and_nobody_approves_twice_or_after_the_end() -> None:
    with pytest.raises(AgreementNotApprovable):
        check_approval(recorded_by=7, approver=7, approved=False, ended=False)
    with pytest.raises(AgreementNotApprovable):
        check_approval(recorded_by=7, approver=8, approved=True, ended=False)
    with pytest.raises(AgreementNotApprovable):
        check_approval(recorded_by=7, approver=8, approved=False, ended=True)
    check_approval(recorded_by=7, approver=8, approved=False, ended=False)


def test_an_agreement_ends_early_once_with_a_reason_and_not_after_it_expired() -> None:
    with pytest.raises(AgreementNotApprovable):
        check_ending(ended=True, valid_until=LAST, today=FIRST, reason="代理合同已解除")
    with pytest.raises(AgreementNotApprovable):
        check_ending(ended=False, valid_until=LAST, today=LAST + timedelta(days=1), reason="代理合同已解除")
    with pytest.raises(InvalidInput):
        check_ending(ended=False, valid_until=LAST, today=FIRST, reason="无")
    check_ending(ended=False, valid_until=LAST, today=LAST, reason="代理合同已解除")


@given(st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)))
def test_in_force_exactly_from_the_first_to_the_last_day_when_approved_and_not_ended(today: date) -> None:
    assert in_force(_terms(), today) is (FIRST <= today <= LAST)
    assert not in_force(_terms(approved_at=None), today)
    assert not in_force(_terms(ended_at=APPROVED), today)


def test_the_state_shown_to_the_administrator() -> None:
    assert agreement_state(_terms(approved_at=None), FIRST) == "awaiting_approval"
    assert agreement_state(_terms(), FIRST - timedelta(days=1)) == "not_yet"
    assert agreement_state(_terms(), LAST) == "in_force"
    assert agreement_state(_terms(), LAST + timedelta(days=1)) == "expired"
    assert agreement_state(_terms(ended_at=APPROVED), FIRST) == "ended"


def test_the_release_unites_the_categories_of_every_agreement_in_force_for_the_purpose() -> None:
    granted = release(
        [
            _terms(1, ("complaint",)),
            _terms(2, ("complainant_contact", "complaint")),
            _terms(3, ("policy",), purpose="policy_service"),
            _terms(4, ("policy",), approved_at=None),
        ],
        purpose=COMPLAINT_HANDLING,
        today=date(2026, 3, 2),
    )
    assert granted.categories == ["complainant_contact", "complaint"]
    assert granted.by_agreement() == {1: ["complaint"], 2: ["complainant_contact"]}
    assert "policy_number" not in granted.fields
    assert {"complainant_name", "summary"} <= granted.fields


@pytest.mark.parametrize(
    "terms",
    [
        _terms(valid_until=date(2026, 3, 1)),
        _terms(valid_from=date(2026, 3, 3)),
        _terms(approved_at=None),
        _terms(ended_at=APPROVED),
        _terms(purpose="claim_handling"),
    ],
    ids=["expired", "not-yet-begun", "not-approved", "ended", "other-purpose"],
)
def test_without_an_agreement_in_force_for_the_purpose_nothing_is_released(terms: Terms) -> None:
    with pytest.raises(NoAgreementInForce):
        release([terms], purpose=COMPLAINT_HANDLING, today=date(2026, 3, 2))
