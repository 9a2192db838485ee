"""The languages a call-back can be made in (RULES.md INC-E3 dialect support; MISSION INC-3, INC-4)."""

from __future__ import annotations

from enum import StrEnum

from xiaobao.kernel.errors import InvalidInput
from xiaobao.kernel.i18n import _


class CallLanguage(StrEnum):
    MANDARIN = "mandarin"
    CANTONESE = "cantonese"
    ENGLISH = "english"
    KOREAN = "korean"
    MONGOLIAN = "mongolian"
    DIALECT = "dialect"


LANGUAGE_TEXT: dict[CallLanguage, str] = {
    CallLanguage.MANDARIN: _("Mandarin"),
    CallLanguage.CANTONESE: _("Cantonese"),
    CallLanguage.ENGLISH: _("English"),
    CallLanguage.KOREAN: _("Korean"),
    CallLanguage.MONGOLIAN: _("Mongolian"),
    CallLanguage.DIALECT: _("A dialect (say which)"),
}

_FOR_PAGE_LANGUAGE = {
    "zh-hans": CallLanguage.MANDARIN,
    "zh-hant": CallLanguage.CANTONESE,
    "en": CallLanguage.ENGLISH,
    "ko": CallLanguage.KOREAN,
    "mn": CallLanguage.MONGOLIAN,
}
MAX_DIALECT = 60
MAX_NOTE = 300


def language_for_page(page_language: str) -> CallLanguage:
    """The spoken language offered first: the one the page is read in."""
    return _FOR_PAGE_LANGUAGE.get(page_language.lower(), CallLanguage.MANDARIN)


def check_request_text(*, language: CallLanguage, dialect: str, note: str) -> None:
    """A dialect is named when one is chosen; both free texts stay short."""
    if language is CallLanguage.DIALECT and not dialect.strip():
        raise InvalidInput(_("Say which dialect you would like us to speak."))
    if len(dialect) > MAX_DIALECT:
        raise InvalidInput(_("Name the dialect in at most %(limit)s characters."), limit=MAX_DIALECT)
    if len(note) > MAX_NOTE:
        raise InvalidInput(_("Keep the note to %(limit)s characters."), limit=MAX_NOTE)
