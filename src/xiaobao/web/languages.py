"""The site's languages that Django does not know, and the BCP 47 tag each language is marked with (INC-3).

Django knows Korean (``ko``). Mongolian as Inner Mongolia writes it, in the traditional (Uyghurjin) script,
has no entry of its own: Django's ``mn`` is Mongolia's Cyrillic. Its code here is ``mn-mong`` (catalogue
``locale/mn_Mong``, tag ``mn-Mong``); ``register_language_info`` adds it to Django's table of languages, which
``get_language_info`` and the ``{% get_language_info_list %}`` tag of the language selector read.
"""

from __future__ import annotations

from typing import Final

TRADITIONAL_MONGOLIAN: Final = "mn-mong"

EXTRA_LANGUAGE_INFO: Final[dict[str, dict[str, object]]] = {
    TRADITIONAL_MONGOLIAN: {
        "bidi": False,
        "code": TRADITIONAL_MONGOLIAN,
        "name": "Mongolian (traditional script)",
        "name_local": "ᠮᠣᠩᠭᠣᠯ ᠬᠡᠯᠡ",  # mongɣol kele, "the Mongolian language"
    },
}


def register_language_info() -> None:
    """Teach Django the languages it lacks (called once, when the web app is ready)."""
    from django.conf.locale import LANG_INFO

    for code, info in EXTRA_LANGUAGE_INFO.items():
        LANG_INFO.setdefault(code, dict(info))


def language_tag(code: str) -> str:
    """Django's language code as a BCP 47 tag in its usual case, for ``lang`` attributes.

    ``zh-hans`` → ``zh-Hans``, ``mn-mong`` → ``mn-Mong``, ``en-us`` → ``en-US``, ``ko`` → ``ko``: the language
    in small letters, a four-letter script with a capital, a two-letter region in capitals.
    """
    primary, *rest = (code or "").replace("_", "-").split("-")
    subtags = [primary.lower()]
    for subtag in rest:
        if len(subtag) == 4 and subtag.isalpha():
            subtags.append(subtag.title())
        elif len(subtag) == 2 and subtag.isalpha():
            subtags.append(subtag.upper())
        else:
            subtags.append(subtag.lower())
    return "-".join(subtags)
