"""Which voice speaks a text (INC-E2): Mandarin first, the page's language where espeak-ng has it.

A page's own words are in its language; what staff wrote (a decision, a notice) and the product terms are
usually Chinese whatever the page's language. So the script of the text decides first — Han characters are
read in Mandarin even on an English page — and the page's language only for a text in no script we know.
"""

from __future__ import annotations

from dataclasses import dataclass

MANDARIN = "cmn"


@dataclass(frozen=True)
class Voice:
    engine_name: str  # espeak-ng's voice name
    language: str  # BCP 47, for the browser's own speech and the ``lang`` of the player


VOICES = {
    "cmn": Voice("cmn", "zh-CN"),  # Mandarin; Latin letters within it are read as English
    "en": Voice("en", "en"),
    "ko": Voice("ko", "ko"),
}

# Django language codes to voices: Traditional-character pages are still read in Mandarin (Cantonese
# ``yue`` is not what a reader of this site in Liaoning expects); Mongolian espeak-ng does not have.
_BY_LANGUAGE = {"zh-hans": "cmn", "zh-hant": "cmn", "zh": "cmn", "en": "en", "ko": "ko"}


def voice_for_language(language_code: str) -> Voice:
    """The voice of a Django language code (``zh-hans``, ``en-gb``); Mandarin for any other."""
    code = language_code.lower().replace("_", "-")
    name = _BY_LANGUAGE.get(code) or _BY_LANGUAGE.get(code.split("-", 1)[0]) or MANDARIN
    return VOICES[name]


def _script(character: str) -> str | None:
    point = ord(character)
    if 0x4E00 <= point <= 0x9FFF or 0x3400 <= point <= 0x4DBF or 0xF900 <= point <= 0xFAFF or point >= 0x20000:
        return "han"
    if 0xAC00 <= point <= 0xD7AF or 0x1100 <= point <= 0x11FF or 0x3130 <= point <= 0x318F:
        return "hangul"
    if (character.isascii() and character.isalpha()) or 0x00C0 <= point <= 0x024F:
        return "latin"
    if character.isalpha():
        return "other"
    return None


def voice_for(text: str, language_code: str) -> Voice:
    """The voice for ``text`` on a page in ``language_code``: by the script most of its letters are in."""
    counts: dict[str, int] = {}
    for character in text:
        script = _script(character)
        if script is not None:
            counts[script] = counts.get(script, 0) + 1
    if not counts:
        return voice_for_language(language_code)
    script = max(counts, key=lambda name: counts[name])
    if script == "han":
        return VOICES[MANDARIN]
    if script == "hangul":
        return VOICES["ko"]
    if script == "latin":
        return VOICES["en"]
    return voice_for_language(language_code)
