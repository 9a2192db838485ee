"""Identity documents: each kind's number validated by its own shape and check, normalised, masked (INC-3, SEC-1)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from xiaobao.demo.data import resident_id
from xiaobao.identity.domain.documents import (
    ID_KIND_TEXT,
    IdKind,
    InvalidBirthYear,
    InvalidChinesePassport,
    InvalidForeignPassport,
    InvalidForeignPermanentResident,
    InvalidHkMacaoPermit,
    InvalidIdDocument,
    InvalidResidencePermit,
    InvalidTaiwanPermit,
    birth_year_in,
    check_birth_year,
    index_kind,
    mask_document,
    normalise_document,
)
from xiaobao.identity.schemas import IdKindIn
from xiaobao.kernel.errors import InvalidInput
from xiaobao.privacy.domain.identifiers import InvalidResidentId


def with_check(body: str) -> str:
    """An 18-character number whose last character is the MOD 11-2 check of the 17 before it."""
    return body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder check character


def wrong_check(number: str) -> str:
    return number[:-1] + ("1" if number[-1] != "1" else "2")


HK_PERMIT_BORN_1950 = with_check("81000019500304001")
TAIWAN_PERMIT_BORN_1988 = with_check("83000019881231002")
PERMANENT_RESIDENT_2023 = with_check("93684019750615001")  # 9, province 36, nationality 840, born 1975-06-15

VALID = {
    IdKind.RESIDENT_ID: [resident_id("210102", date(1948, 3, 9), "042")],
    IdKind.CHINESE_PASSPORT: ["E12345678", "EA1234567", "G12345678"],
    IdKind.FOREIGN_PASSPORT: ["12345", "C01X00T47", "533380006", "X1234567"],
    IdKind.HK_MACAO_PERMIT: ["H12345678", "M87654321"],
    IdKind.TAIWAN_PERMIT: ["01234567"],
    IdKind.RESIDENCE_PERMIT: [HK_PERMIT_BORN_1950, TAIWAN_PERMIT_BORN_1988, with_check("82000020010101123")],
    IdKind.FOREIGN_PERMANENT_RESIDENT: ["USA110075061501", PERMANENT_RESIDENT_2023],
}


@pytest.mark.parametrize(("kind", "number"), [(kind, n) for kind, numbers in VALID.items() for n in numbers])
def test_a_valid_number_of_each_kind_is_kept_as_typed(kind: IdKind, number: str) -> None:
    assert normalise_document(kind, number) == number


@pytest.mark.parametrize(
    ("kind", "typed", "kept"),
    [
        (IdKind.CHINESE_PASSPORT, " e 1234 5678 ", "E12345678"),
        (IdKind.FOREIGN_PASSPORT, "ｃ０１ｘ００ｔ４７", "C01X00T47"),  # full-width, as a Chinese keyboard types it
        (IdKind.HK_MACAO_PERMIT, "H1234567801", "H12345678"),  # the renewal count is not part of the person
        (IdKind.HK_MACAO_PERMIT, "m-87654321-00", "M87654321"),
        (IdKind.TAIWAN_PERMIT, "0123456702", "01234567"),
        (IdKind.RESIDENCE_PERMIT, HK_PERMIT_BORN_1950[:-1] + HK_PERMIT_BORN_1950[-1].lower(), HK_PERMIT_BORN_1950),
        (IdKind.FOREIGN_PERMANENT_RESIDENT, "usa 110075061501", "USA110075061501"),
    ],
)
def test_spacing_case_width_and_renewal_digits_are_normalised(kind: IdKind, typed: str, kept: str) -> None:
    assert normalise_document(kind, typed) == kept


@pytest.mark.parametrize(
    ("kind", "bad", "error"),
    [
        # wrong length
        (IdKind.CHINESE_PASSPORT, "E1234567", InvalidChinesePassport),
        (IdKind.CHINESE_PASSPORT, "E123456789", InvalidChinesePassport),
        (IdKind.FOREIGN_PASSPORT, "1234", InvalidForeignPassport),
        (IdKind.FOREIGN_PASSPORT, "1234567890", InvalidForeignPassport),
        (IdKind.HK_MACAO_PERMIT, "H1234567", InvalidHkMacaoPermit),
        (IdKind.HK_MACAO_PERMIT, "H123456780", InvalidHkMacaoPermit),  # one renewal digit
        (IdKind.HK_MACAO_PERMIT, "H123456780123", InvalidHkMacaoPermit),
        (IdKind.TAIWAN_PERMIT, "1234567", InvalidTaiwanPermit),
        (IdKind.TAIWAN_PERMIT, "123456789", InvalidTaiwanPermit),
        (IdKind.RESIDENCE_PERMIT, HK_PERMIT_BORN_1950[:-1], InvalidResidencePermit),
        (IdKind.FOREIGN_PERMANENT_RESIDENT, "USA11007506150", InvalidForeignPermanentResident),
        (IdKind.FOREIGN_PERMANENT_RESIDENT, PERMANENT_RESIDENT_2023[:-1], InvalidForeignPermanentResident),
        # wrong letters
        (IdKind.CHINESE_PASSPORT, "D12345678", InvalidChinesePassport),
        (IdKind.CHINESE_PASSPORT, "EA123456X", InvalidChinesePassport),
        (IdKind.FOREIGN_PASSPORT, "C01X<0T47", InvalidForeignPassport),
        (IdKind.FOREIGN_PASSPORT, "ÄBCDE1", InvalidForeignPassport),
        (IdKind.FOREIGN_PASSPORT, "ABCDEFG", InvalidForeignPassport),  # no digit: a name, not a number
        (IdKind.HK_MACAO_PERMIT, "T12345678", InvalidHkMacaoPermit),
        (IdKind.TAIWAN_PERMIT, "A1234567", InvalidTaiwanPermit),
        (IdKind.RESIDENCE_PERMIT, with_check("84000019500304001"), InvalidResidencePermit),  # not 81/82/83
        (IdKind.RESIDENCE_PERMIT, with_check("81010019500304001"), InvalidResidencePermit),
        (IdKind.FOREIGN_PERMANENT_RESIDENT, "US1110075061501", InvalidForeignPermanentResident),
        (IdKind.FOREIGN_PERMANENT_RESIDENT, with_check("13684019750615001"), InvalidForeignPermanentResident),
        # wrong check character
        (IdKind.RESIDENCE_PERMIT, wrong_check(HK_PERMIT_BORN_1950), InvalidResidencePermit),
        (IdKind.FOREIGN_PERMANENT_RESIDENT, wrong_check(PERMANENT_RESIDENT_2023), InvalidForeignPermanentResident),
        (IdKind.RESIDENT_ID, wrong_check(VALID[IdKind.RESIDENT_ID][0]), InvalidResidentId),
        # no real birth date in a residence permit
        (IdKind.RESIDENCE_PERMIT, with_check("81000019501304001"), InvalidResidencePermit),
    ],
)
def test_a_number_that_cannot_be_of_its_kind_is_refused_with_that_kinds_message(
    kind: IdKind, bad: str, error: type[Exception]
) -> None:
    with pytest.raises(error) as refused:
        normalise_document(kind, bad)
    assert refused.value.code in {"invalid_id_document", "invalid_resident_id"}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("kind", "says"),
    [
        (IdKind.CHINESE_PASSPORT, "E or G, then 8 digits"),
        (IdKind.FOREIGN_PASSPORT, "5 to 9 letters and digits"),
        (IdKind.HK_MACAO_PERMIT, "H (Hong Kong) or M (Macao) followed by 8 digits"),
        (IdKind.TAIWAN_PERMIT, "8 digits"),
        (IdKind.RESIDENCE_PERMIT, "810000 (Hong Kong), 820000 (Macao) or 830000 (Taiwan)"),
        (IdKind.FOREIGN_PERMANENT_RESIDENT, "3 letters followed by 12 digits"),
    ],
)
def test_each_refusal_names_the_format_expected(kind: IdKind, says: str) -> None:
    with pytest.raises(InvalidIdDocument) as refused:
        normalise_document(kind, "?")
    assert says in refused.value.message


def test_a_kind_not_in_the_list_is_refused_as_input_not_a_crash() -> None:
    with pytest.raises(InvalidIdDocument):
        normalise_document("library_card", "12345")


def test_the_api_offers_exactly_the_kinds_the_domain_knows() -> None:
    assert set(IdKindIn.__args__) == {kind.value for kind in IdKind}  # type: ignore[attr-defined]
    assert list(ID_KIND_TEXT) == list(IdKind)


def test_the_same_characters_under_two_kinds_index_apart_and_the_resident_id_keeps_its_old_domain() -> None:
    assert index_kind(IdKind.RESIDENT_ID) == "resident_id"  # every stored resident-ID index was made so
    domains = [index_kind(kind) for kind in IdKind]
    assert len(set(domains)) == len(domains)


@pytest.mark.parametrize(
    ("kind", "number", "shown"),
    [
        (IdKind.CHINESE_PASSPORT, "E12345678", "E******78"),
        (IdKind.FOREIGN_PASSPORT, "C01X00T47", "*******47"),
        (IdKind.HK_MACAO_PERMIT, "H12345678", "H******78"),
        (IdKind.TAIWAN_PERMIT, "01234567", "******67"),
        (IdKind.RESIDENCE_PERMIT, HK_PERMIT_BORN_1950, "810***********" + HK_PERMIT_BORN_1950[-4:]),
        (IdKind.FOREIGN_PERMANENT_RESIDENT, "USA110075061501", "USA********1501"),
        (IdKind.FOREIGN_PASSPORT, "1234", "****"),
    ],
)
def test_numbers_are_masked_to_a_recognisable_few_characters(kind: IdKind, number: str, shown: str) -> None:
    assert mask_document(kind, number) == shown


@given(st.sampled_from(list(IdKind)), st.text(alphabet="0123456789ABCDEGHMXZ <-", max_size=22))
def test_masking_any_valid_number_hides_at_least_half_of_it(kind: IdKind, typed: str) -> None:
    try:
        number = normalise_document(kind, typed)
    except InvalidInput:
        return
    shown = mask_document(kind, number)
    assert len(shown) == len(number)
    assert shown.count("*") * 2 >= len(number)


@given(st.sampled_from(list(IdKind)), st.text(max_size=30))
def test_normalising_any_text_gives_a_number_that_normalises_to_itself_or_a_refusal(kind: IdKind, typed: str) -> None:
    try:
        number = normalise_document(kind, typed)
    except InvalidInput:
        return
    assert normalise_document(kind, number) == number
    assert number.isascii()
    assert number.isalnum()
    assert number == number.upper()


@given(st.from_regex(r"[EG][0-9]{8}", fullmatch=True))
def test_every_chinese_passport_number_is_also_a_valid_foreign_passport_shape(number: str) -> None:
    """ICAO 9303's document-number field holds any state's numbers, China's included."""
    assert normalise_document(IdKind.FOREIGN_PASSPORT, number) == number


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31)), st.sampled_from(["81", "82", "83"]))
def test_a_residence_permit_gives_its_holders_birth_year(born: date, region: str) -> None:
    number = with_check(f"{region}0000{born:%Y%m%d}123")
    assert birth_year_in(IdKind.RESIDENCE_PERMIT, normalise_document(IdKind.RESIDENCE_PERMIT, number)) == born.year


@pytest.mark.parametrize(
    ("kind", "number", "year"),
    [
        (IdKind.RESIDENT_ID, VALID[IdKind.RESIDENT_ID][0], 1948),
        (IdKind.FOREIGN_PERMANENT_RESIDENT, PERMANENT_RESIDENT_2023, 1975),
        (IdKind.FOREIGN_PERMANENT_RESIDENT, "USA110075061501", None),  # the 2017 card: asked instead
        (IdKind.FOREIGN_PASSPORT, "C01X00T47", None),
        (IdKind.HK_MACAO_PERMIT, "H12345678", None),
    ],
)
def test_the_birth_year_is_read_only_from_documents_that_hold_it(kind: IdKind, number: str, year: int | None) -> None:
    assert birth_year_in(kind, number) == year


@pytest.mark.parametrize(("year", "fine"), [(1879, False), (1880, True), (2026, True), (2027, False)])
def test_a_stated_birth_year_is_one_someone_alive_was_born_in(year: int, fine: bool) -> None:
    if fine:
        assert check_birth_year(year, this_year=2026) == year
    else:
        with pytest.raises(InvalidBirthYear):
            check_birth_year(year, this_year=2026)
