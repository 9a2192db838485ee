"""Korean and traditional-script Mongolian beside the Chinese and English the site speaks (issue #15 part 6,
INC-3): the selector offers them, ``/i18n/setlang/`` and the browser's Accept-Language switch to them, ``<html
lang>`` carries a valid BCP 47 tag, their catalogues keep every placeholder and have the right plural forms, and
a Mongolian date is written in digits, never with a Cyrillic month name."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import polib
import pytest
from django.test import Client
from django.utils import formats, translation

from xiaobao.web.languages import language_tag

pytestmark = pytest.mark.django_db

LOCALE = Path(__file__).resolve().parents[2] / "src" / "xiaobao" / "locale"
HTML_LANG = re.compile(r'<html lang="([^"]+)"')
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sdf]|%[sd]|\{[a-z_0-9]*\}|<[^>]+>")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def _html_lang(client: Client, path: str = "/") -> str:
    match = HTML_LANG.search(client.get(path).content.decode())
    assert match is not None
    return match.group(1)


@pytest.mark.parametrize(("code", "tag"), [("ko", "ko"), ("mn-mong", "mn-Mong")])
def test_choosing_a_new_language_switches_the_site_and_tags_the_page(client: Client, code: str, tag: str) -> None:
    # given a visitor on the default Simplified Chinese site
    assert _html_lang(client) == "zh-Hans"
    # when they choose the language with the selector's form
    answer = client.post("/i18n/setlang/", {"language": code, "next": "/"})
    # then they are sent back, the choice is kept, and the page is in that language with its BCP 47 tag
    assert answer.status_code == 302
    assert answer.cookies["django_language"].value == code
    assert _html_lang(client) == tag


def test_an_unknown_language_code_changes_nothing(client: Client) -> None:
    # when a visitor posts a code no catalogue knows (Klingon)
    answer = client.post("/i18n/setlang/", {"language": "tlh", "next": "/"})
    # then no language is kept and the page stays in Simplified Chinese
    assert "django_language" not in answer.cookies
    assert _html_lang(client) == "zh-Hans"


@pytest.mark.parametrize(("header", "tag"), [("ko-KR,ko;q=0.9", "ko"), ("mn-Mong,zh-CN;q=0.5", "mn-Mong")])
def test_a_browser_set_to_the_language_gets_it_first(header: str, tag: str) -> None:
    # given a first visit (no language chosen yet) from a browser that asks for the language
    client = Client(HTTP_ACCEPT_LANGUAGE=header)
    # then the page comes in that language
    assert _html_lang(client) == tag


def test_the_selector_names_each_new_language_in_its_own_script(client: Client) -> None:
    page = client.get("/").content.decode()
    assert '<option value="ko" lang="ko">한국어</option>' in page
    assert '<option value="mn-mong" lang="mn-Mong">ᠮᠣᠩᠭᠣᠯ ᠬᠡᠯᠡ</option>' in page
    assert '<option value="zh-hans" selected lang="zh-Hans">简体中文</option>' in page


@pytest.mark.parametrize(
    ("code", "tag"),
    [
        ("zh-hans", "zh-Hans"),
        ("zh-hant", "zh-Hant"),
        ("en", "en"),
        ("ko", "ko"),
        ("mn-mong", "mn-Mong"),
        ("en-us", "en-US"),
        ("mn_Mong", "mn-Mong"),
        ("es-419", "es-419"),
    ],
)
def test_a_language_code_becomes_its_bcp_47_tag(code: str, tag: str) -> None:
    assert language_tag(code) == tag


def test_a_mongolian_date_is_written_in_digits_not_with_a_cyrillic_month() -> None:
    with translation.override("mn-mong"):
        written = formats.date_format(date(2026, 3, 2), "DATE_FORMAT")
        moment = formats.date_format(date(2026, 3, 2), "YEAR_MONTH_FORMAT")
    assert written == "2026-03-02"
    assert moment == "2026-03"
    assert not CYRILLIC.search(written + moment)


@pytest.mark.parametrize(
    ("language", "plural_forms"), [("ko", "nplurals=1; plural=0;"), ("mn_Mong", "nplurals=2; plural=(n != 1);")]
)
def test_each_new_catalogue_has_its_languages_plural_forms(language: str, plural_forms: str) -> None:
    catalogue = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    assert catalogue.metadata["Plural-Forms"].replace(" ", "") == plural_forms.replace(" ", "")
    nplurals = int(plural_forms.split(";", maxsplit=1)[0].split("=")[1])
    plurals = [e for e in catalogue if e.msgid_plural]
    assert plurals
    assert {len(e.msgstr_plural) for e in plurals} == {nplurals}


def _placeholders(text: str) -> tuple[list[str], list[str]]:
    """The named placeholders and tags (each may be used more than once or in another order) and the positional
    ones (``%s``: their number counts)."""
    found = PLACEHOLDER.findall(text)
    return sorted({p for p in found if p not in {"%s", "%d"}}), sorted(p for p in found if p in {"%s", "%d"})


@pytest.mark.parametrize("language", ["ko", "mn_Mong"])
def test_every_translation_keeps_the_placeholders_and_tags_of_its_message(language: str) -> None:
    """A lost ``%(reference)s`` or ``<a href>`` breaks the page or the sentence; a translation may move them only."""
    catalogue = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    broken = []
    for entry in catalogue:
        texts = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        wanted = [_placeholders(entry.msgid), _placeholders(entry.msgid_plural or entry.msgid)]
        broken += [entry.msgid for text in texts if text and _placeholders(text) not in wanted]
    assert broken == []
