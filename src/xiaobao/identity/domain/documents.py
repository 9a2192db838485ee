"""Identity documents a consumer may file with, and the shape of each one's number (INC-3, SEC-1, PI-1).

Online filing once refused every number that was not a PRC resident ID, so a newcomer holding a passport
could not complain at all (issue #15, INC-3). Each kind below has one function that normalises a typed
number (NFKC — full-width ``Ｅ１２`` is ``E12`` — spaces and hyphens dropped, upper case) and refuses, with
a message naming the expected format, anything that cannot be one:

- **Resident ID** (居民身份证, GB 11643-1999): 18 characters, the last a MOD 11-2 check character (0–9 or
  X); validated as before by ``privacy.domain.identifiers.normalise_resident_id`` (``stdnum.cn.ric``).
- **Chinese passport** (普通护照): ``E`` or ``G`` followed by 8 characters — ``G`` + 8 digits for the
  first electronic ordinary passports (2007–2012), ``E`` + 8 digits since 2012, and ``E`` + a letter + 7
  digits once the ``E`` + 8-digit numbers ran out.
- **Foreign passport**: ICAO Doc 9303 part 4 (§4.2.2, the document-number field of the TD3 machine-readable
  zone) allows at most 9 characters from ``A``–``Z`` and ``0``–``9`` for the number; issuing states use 5 to 9
  of them. The MRZ check digit is printed only in the machine-readable zone, not beside the number on the data
  page a person reads from, so only the shape is checked (5–9 letters or digits, at least one digit).
- **Mainland Travel Permit for Hong Kong and Macao Residents** (港澳居民来往内地通行证, 回乡证): rules of the
  Ministry of Public Security's Exit-Entry Administration (2010-03-10, reported by chinanews.com.cn): 11
  characters, ``H`` (Hong Kong) or ``M`` (Macao), the holder's 8-digit lifelong number, then 2 digits counting
  the renewals (``00`` at first issue). The card form prints the 9 characters; the renewal count changes with
  each new permit, so the number kept is the 9-character lifelong part and the same person matches across
  renewals.
- **Mainland Travel Permit for Taiwan Residents** (台湾居民来往大陆通行证, 台胞证): since 2008-09-25 "one person,
  one number for life" — the 8-digit lifelong number; the issue count (2 digits) moved off the number, and
  older permits print it after the 8 digits (chinanews.com.cn, 2008-09-12). Kept as the 8 digits.
- **Residence Permit for Hong Kong, Macao and Taiwan Residents** (港澳台居民居住证, issued since 2018-09-01 under
  the State Council General Office's issuing measures): 18 characters built like a resident ID, the address
  code ``810000`` (Hong Kong), ``820000`` (Macao) or ``830000`` (Taiwan), the birth date, a sequence, and the
  MOD 11-2 check character.
- **Foreign Permanent Resident ID Card** (外国人永久居留身份证): the 2017 card's 15 characters, 3 Latin letters
  (the nationality) and 12 digits; and the card issued since 2023-12-01, whose number follows the resident
  ID standard — 18 characters, 17 digits and a MOD 11-2 check character, the first digit ``9`` marking a
  foreigner, the nationality now a digit code (National Immigration Administration, "新版外国人永久居留身份证
  机读信息规则 (2023版)", published by card-reader makers such as eastcoms.com, 2023-10-20).

Pure: ``python-stdnum`` for the MOD 11-2 check, no Django.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date
from enum import StrEnum

from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumValidationError

from xiaobao.kernel.errors import InvalidInput
from xiaobao.kernel.i18n import _
from xiaobao.privacy.domain.identifiers import (
    birth_date_from_resident_id,
    mask_resident_id,
    normalise_resident_id,
)


class IdKind(StrEnum):
    """The kind of identity document a number belongs to (``Consumer.id_kind``)."""

    RESIDENT_ID = "resident_id"
    CHINESE_PASSPORT = "passport_cn"
    FOREIGN_PASSPORT = "passport"
    HK_MACAO_PERMIT = "hk_macao_permit"
    TAIWAN_PERMIT = "taiwan_permit"
    RESIDENCE_PERMIT = "hmt_residence_permit"
    FOREIGN_PERMANENT_RESIDENT = "foreign_permanent_resident"


ID_KIND_TEXT: dict[IdKind, str] = {
    IdKind.RESIDENT_ID: _("Resident ID card (mainland China)"),
    IdKind.CHINESE_PASSPORT: _("Chinese passport"),
    IdKind.FOREIGN_PASSPORT: _("Foreign passport"),
    IdKind.HK_MACAO_PERMIT: _("Mainland Travel Permit for Hong Kong and Macao Residents"),
    IdKind.TAIWAN_PERMIT: _("Mainland Travel Permit for Taiwan Residents"),
    IdKind.RESIDENCE_PERMIT: _("Residence Permit for Hong Kong, Macao and Taiwan Residents"),
    IdKind.FOREIGN_PERMANENT_RESIDENT: _("Foreign Permanent Resident ID Card"),
}
"""The documents in the order a form offers them; the resident ID first, as most people have one."""


class InvalidIdDocument(InvalidInput):
    """A number that cannot be one of the chosen kind; each kind's message names the format expected."""

    code = "invalid_id_document"
    default_message = _("This ID document number is not valid. Check the number and the kind of document chosen.")


class InvalidChinesePassport(InvalidIdDocument):
    default_message = _(
        "This Chinese passport number is not valid. It has 9 characters: E or G, then 8 digits "
        "(newer passports: E, a letter and 7 digits)."
    )


class InvalidForeignPassport(InvalidIdDocument):
    default_message = _(
        "This passport number is not valid. Enter the number on the photo page: 5 to 9 letters and digits, "
        "without spaces or the < signs of the machine-readable lines."
    )


class InvalidHkMacaoPermit(InvalidIdDocument):
    default_message = _(
        "This permit number is not valid. It is H (Hong Kong) or M (Macao) followed by 8 digits, "
        "sometimes with 2 more digits for the number of renewals."
    )


class InvalidTaiwanPermit(InvalidIdDocument):
    default_message = _(
        "This permit number is not valid. It has 8 digits (older permits add 2 digits for the number of issues)."
    )


class InvalidResidencePermit(InvalidIdDocument):
    default_message = _(
        "This residence permit number is not valid. It has 18 characters and starts with 810000 (Hong Kong), "
        "820000 (Macao) or 830000 (Taiwan); the last one may be X."
    )


class InvalidForeignPermanentResident(InvalidIdDocument):
    default_message = _(
        "This permanent resident ID number is not valid. Cards from December 2023 have 18 characters starting "
        "with 9 (the last may be X); older cards have 3 letters followed by 12 digits."
    )


class InvalidBirthYear(InvalidInput):
    code = "invalid_birth_year"
    default_message = _("Enter the year you were born as four digits, for example 1956.")


EARLIEST_BIRTH_YEAR = 1880
"""No one alive was born before; the resident-ID check uses the same bound."""

CHINESE_PASSPORT = re.compile(r"[EG][0-9]{8}|E[A-Z][0-9]{7}")
FOREIGN_PASSPORT = re.compile(r"(?=[A-Z0-9]*[0-9])[A-Z0-9]{5,9}")
HK_MACAO_PERMIT = re.compile(r"([HM][0-9]{8})([0-9]{2})?")
TAIWAN_PERMIT = re.compile(r"([0-9]{8})([0-9]{2})?")
RESIDENCE_PERMIT = re.compile(r"8[123]0000[0-9]{11}[0-9X]")
PERMANENT_RESIDENT_2017 = re.compile(r"[A-Z]{3}[0-9]{12}")
PERMANENT_RESIDENT_2023 = re.compile(r"9[0-9]{16}[0-9X]")


def compact(raw: str) -> str:
    """What was typed, as a number is compared: full-width folded (NFKC), no spaces or hyphens, upper case."""
    folded = unicodedata.normalize("NFKC", raw)
    return "".join(folded.split()).replace("-", "").upper()


def _check_character_holds(number: str) -> bool:
    """The MOD 11-2 check character of GB 11643 (``stdnum.cn.ric.calc_check_digit``), shared by the resident ID,
    the residence permit and the 2023 permanent resident card."""
    return bool(number[-1] == ric.calc_check_digit(number))


def _embedded_birth_date(number: str) -> date | None:
    """Characters 7–14 read as a birth date, as in a resident ID; None when they are no real date."""
    try:
        born: date = ric.get_birth_date(number)
    except StdnumValidationError:
        return None
    return born if born.year >= EARLIEST_BIRTH_YEAR else None


def normalise_chinese_passport(raw: str) -> str:
    """``E12345678``, ``EA1234567`` or ``G12345678`` (shape only: no check digit is printed beside the number)."""
    number = compact(raw)
    if not CHINESE_PASSPORT.fullmatch(number):
        raise InvalidChinesePassport()
    return number


def normalise_foreign_passport(raw: str) -> str:
    """ICAO 9303 document number: 5–9 of ``A``–``Z`` and ``0``–``9``, at least one digit (shape only)."""
    number = compact(raw)
    if not FOREIGN_PASSPORT.fullmatch(number):
        raise InvalidForeignPassport()
    return number


def normalise_hk_macao_permit(raw: str) -> str:
    """``H12345678`` or ``M12345678``: the lifelong number, the 2 renewal digits (if typed) dropped."""
    found = HK_MACAO_PERMIT.fullmatch(compact(raw))
    if found is None:
        raise InvalidHkMacaoPermit()
    return found.group(1)


def normalise_taiwan_permit(raw: str) -> str:
    """The 8-digit lifelong number; the 2 issue digits of an older permit (if typed) dropped."""
    found = TAIWAN_PERMIT.fullmatch(compact(raw))
    if found is None:
        raise InvalidTaiwanPermit()
    return found.group(1)


def normalise_residence_permit(raw: str) -> str:
    """18 characters: ``810000``/``820000``/``830000``, a real birth date, a sequence, the check character."""
    number = compact(raw)
    if (
        not RESIDENCE_PERMIT.fullmatch(number)
        or not _check_character_holds(number)
        or _embedded_birth_date(number) is None
    ):
        raise InvalidResidencePermit()
    return number


def normalise_foreign_permanent_resident(raw: str) -> str:
    """The 2017 card (3 letters + 12 digits, shape only) or the 2023 card (``9`` + 16 digits + check character).

    The 2023 number's check character is verified; its birth date is read where characters 7–14 hold one,
    but a number is not refused for them, since only the first digit and the check are published rules."""
    number = compact(raw)
    if PERMANENT_RESIDENT_2017.fullmatch(number):
        return number
    if PERMANENT_RESIDENT_2023.fullmatch(number) and _check_character_holds(number):
        return number
    raise InvalidForeignPermanentResident()


NORMALISE: dict[IdKind, Callable[[str], str]] = {
    IdKind.RESIDENT_ID: normalise_resident_id,
    IdKind.CHINESE_PASSPORT: normalise_chinese_passport,
    IdKind.FOREIGN_PASSPORT: normalise_foreign_passport,
    IdKind.HK_MACAO_PERMIT: normalise_hk_macao_permit,
    IdKind.TAIWAN_PERMIT: normalise_taiwan_permit,
    IdKind.RESIDENCE_PERMIT: normalise_residence_permit,
    IdKind.FOREIGN_PERMANENT_RESIDENT: normalise_foreign_permanent_resident,
}


def id_kind(value: str) -> IdKind:
    """The kind named by ``value``; anything else is refused as invalid input, never a server error."""
    try:
        return IdKind(value)
    except ValueError as error:
        raise InvalidIdDocument(_("Choose the kind of ID document from the list.")) from error


def normalise_document(kind: IdKind | str, raw: str) -> str:
    """The number as it is stored and indexed, validated for its kind (the kind's own error otherwise)."""
    return NORMALISE[id_kind(kind)](raw)


def birth_year_in(kind: IdKind | str, normalised: str) -> int | None:
    """The birth year a document's number holds (INC-1, the elderly flag): the resident ID and the residence
    permit always, the 2023 permanent resident card where characters 7–14 are a date; None for the rest,
    whose holders are asked for the year instead."""
    kind = id_kind(kind)
    if kind is IdKind.RESIDENT_ID:
        return birth_date_from_resident_id(normalised).year
    if kind in {IdKind.RESIDENCE_PERMIT, IdKind.FOREIGN_PERMANENT_RESIDENT} and len(normalised) == 18:
        born = _embedded_birth_date(normalised)
        return born.year if born else None
    return None


def check_birth_year(year: int, *, this_year: int) -> int:
    """A year someone alive was born in: from 1880 to this year."""
    if not EARLIEST_BIRTH_YEAR <= year <= this_year:
        raise InvalidBirthYear()
    return year


def index_kind(kind: IdKind | str) -> str:
    """The blind index's domain for a kind: the same characters under two kinds never give one index.

    The resident ID keeps ``"resident_id"``, the name every stored index was made under; the others get their
    own, so a passport number that reads like someone's resident ID is not that person (SEC-1)."""
    kind = id_kind(kind)
    return "resident_id" if kind is IdKind.RESIDENT_ID else f"id_document:{kind.value}"


def mask_document(kind: IdKind | str, value: str) -> str:
    """A document number as pages show it (PI-2): an 18-character number like a resident ID
    (``810***********1234``); a shorter one keeps only its last 2 characters, and the letter that says which
    document it is (``E*******78``, ``H*******78``)."""
    kind = id_kind(kind)
    if len(value) >= 15:
        return mask_resident_id(value)
    if len(value) <= 4:
        return "*" * len(value)
    keep_first = 1 if kind in {IdKind.CHINESE_PASSPORT, IdKind.HK_MACAO_PERMIT} else 0
    return value[:keep_first] + "*" * (len(value) - keep_first - 2) + value[-2:]
