"""Chinese resident ID numbers and phone numbers: validate, normalise, mask (SEC-1, PI-2).

Pure: ``python-stdnum`` and ``phonenumbers`` only.
"""

from __future__ import annotations

import unicodedata
from datetime import date

import phonenumbers
from stdnum import numdb
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumValidationError

from xiaobao.kernel.errors import InvalidInput
from xiaobao.kernel.i18n import _


class InvalidResidentId(InvalidInput):
    code = "invalid_resident_id"
    default_message = _(
        "This resident ID number is not valid. Check the 18 characters on the ID card; the last one may be X."
    )


class InvalidPhone(InvalidInput):
    code = "invalid_phone"
    default_message = _(
        "This phone number is not valid. Enter an 11-digit mobile number such as 138 0013 8000, "
        "or a landline with its area code."
    )


def normalise_resident_id(raw: str) -> str:
    """18-character resident ID, upper-case X: length, check digit, birth date and region code verified.

    Built from ``stdnum.cn.ric``'s parts rather than its ``validate()``, which also
    demands that the region code existed in the birth year. Codes were assigned
    in the 1980s, so that test refuses the real ID of nearly everyone born
    before then — the elderly consumers INC-1 exists for.
    """
    number = "".join(raw.split()).replace("-", "").upper()
    if len(number) != 18 or not number[:-1].isdigit() or number[-1] != ric.calc_check_digit(number):
        raise InvalidResidentId()
    try:
        born = ric.get_birth_date(number)
    except StdnumValidationError as error:
        raise InvalidResidentId() from error
    region = {key: value for _part, props in numdb.get("cn/loc").info(number[:6]) for key, value in props.items()}
    if born.year < 1880 or "county" not in region:
        raise InvalidResidentId()
    return str(number)


def birth_date_from_resident_id(normalised: str) -> date:
    born: date = ric.get_birth_date(normalised)
    return born


def normalise_phone(raw: str, *, region: str = "CN") -> str:
    """E.164 form (``+8613800138000``) of a valid number; mainland numbers by default."""
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as error:
        raise InvalidPhone() from error
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidPhone()
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def is_mobile(normalised_phone: str) -> bool:
    number_type = phonenumbers.number_type(phonenumbers.parse(normalised_phone, None))
    return number_type in {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


def normalise_name(raw: str) -> str:
    """A name as its blind index keeps it: NFKC (full-width letters and spaces folded), spaces collapsed,
    case folded — ``张三丰`` and ``　张三丰 `` are one name, as are ``John Smith`` and ``JOHN  SMITH``."""
    return " ".join(unicodedata.normalize("NFKC", raw).split()).casefold()


def normalise_policy_number(raw: str) -> str:
    """A policy number as its blind index keeps it: NFKC, no spaces, upper case (``pdaa 2026-01`` is
    ``PDAA2026-01``)."""
    return "".join(unicodedata.normalize("NFKC", raw).split()).upper()


def mask_resident_id(value: str) -> str:
    """``210***********1234``: region prefix and last four only."""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value: str) -> str:
    """``138****8000`` for a mainland mobile; other numbers keep only their last four."""
    national = value[3:] if value.startswith("+86") else value
    if len(national) == 11:
        return national[:3] + "****" + national[-4:]
    return "*" * max(len(national) - 4, 0) + national[-4:]


def mask_name(value: str) -> str:
    """``张*明``, ``王*``, ``J*** S****``: enough to recognise, not to identify."""
    value = value.strip()
    if not value:
        return ""
    if " " in value:
        return " ".join(part[0] + "*" * (len(part) - 1) for part in value.split())
    if len(value) <= 2:
        return value[0] + "*" * (len(value) - 1)
    return value[0] + "*" * (len(value) - 2) + value[-1]


def mask_text(value: str) -> str:
    """For addresses and other free text: the first few characters only."""
    keep = min(6, len(value) // 3)
    return value[:keep] + "*" * 4 if value else ""
