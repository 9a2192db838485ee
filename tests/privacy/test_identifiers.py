"""Resident IDs and phones: validated, normalised, masked (SEC-1, PI-2)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xiaobao.demo.data import resident_id
from xiaobao.privacy.domain.identifiers import (
    InvalidPhone,
    InvalidResidentId,
    mask_name,
    mask_phone,
    mask_resident_id,
    normalise_phone,
    normalise_resident_id,
)

ELDER_ID = resident_id("210102", date(1948, 3, 9), "042")


def test_an_elderly_persons_real_id_is_accepted_though_their_district_code_is_younger_than_them() -> None:
    """Shenyang Heping's code 210102 dates from 1983; a person born in 1948 still carries it."""
    assert normalise_resident_id(ELDER_ID) == ELDER_ID


def test_a_lower_case_x_and_spaces_are_normalised() -> None:
    number = next(
        resident_id("210102", date(1990, 1, 1), f"{n:03d}")
        for n in range(1000)
        if resident_id("210102", date(1990, 1, 1), f"{n:03d}").endswith("X")
    )
    typed = f" {number[:6]} {number[6:14]} {number[14:].lower()} "
    assert normalise_resident_id(typed) == number


@pytest.mark.parametrize(
    "bad",
    [
        ELDER_ID[:-1] + ("0" if ELDER_ID[-1] != "0" else "1"),  # wrong check digit
        ELDER_ID[:17],  # too short
        "999999" + ELDER_ID[6:],  # unknown region
        "21010219481309042X",  # month 13
        "not an id number",
    ],
)
def test_invalid_resident_ids_are_refused_with_an_actionable_message(bad: str) -> None:
    with pytest.raises(InvalidResidentId) as refused:
        normalise_resident_id(bad)
    assert refused.value.code == "invalid_resident_id"
    assert "18 characters" in refused.value.message


@pytest.mark.parametrize("typed", ["13800138000", "138 0013 8000", "+86 138-0013-8000", "008613800138000"])
def test_mobile_numbers_are_normalised_to_e164(typed: str) -> None:
    assert normalise_phone(typed) == "+8613800138000"


@pytest.mark.parametrize("bad", ["12345", "1380013800", "phone", "+86 100 0000 0000"])
def test_invalid_phones_are_refused_with_an_example_of_a_good_one(bad: str) -> None:
    with pytest.raises(InvalidPhone) as refused:
        normalise_phone(bad)
    assert "138 0013 8000" in refused.value.message


def test_masks_keep_just_enough_to_recognise() -> None:
    assert mask_resident_id(ELDER_ID) == ELDER_ID[:3] + "*" * 11 + ELDER_ID[-4:]
    assert mask_phone("+8613800138000") == "138****8000"
    assert mask_name("王淑芬") == "王*芬"
    assert mask_name("李明") == "李*"
    assert mask_name("Ahmet Yilmaz") == "A**** Y*****"


@given(st.text(min_size=1, max_size=40))
def test_a_masked_name_never_shows_more_than_two_characters_of_it(name: str) -> None:
    masked = mask_name(name)
    shown = [c for c in masked if c not in "* "]
    assert len(shown) <= max(2, len(name.split()))
