"""Every user-facing string is translatable and translated (Simplified Chinese default, Traditional, English,
Korean and traditional-script Mongolian)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.utils import translation

from xiaobao.kernel.calendar import CalendarYearNotLoaded
from xiaobao.ops.i18n import message_of
from xiaobao.privacy.domain.identifiers import InvalidResidentId

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "xiaobao"
LOCALE = PACKAGE / "locale"
TRANSLATED = ["zh_Hans", "zh_Hant", "ko", "mn_Mong"]


def _translation(entry: polib.POEntry | polib.MOEntry) -> object:
    if entry.msgid_plural:
        return tuple(sorted((int(k), v) for k, v in entry.msgstr_plural.items() if v))
    return entry.msgstr


def _catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated(language: str) -> None:
    catalogue = _catalogue(language)
    untranslated = [e.msgid for e in catalogue if not _translation(e) or "fuzzy" in e.flags]
    assert untranslated == []
    assert len(catalogue) > 50


@pytest.mark.parametrize("language", [*TRANSLATED, "en"])
def test_the_committed_mo_file_matches_its_po_file(language: str) -> None:
    compiled = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))
    expected = {e.msgid: _translation(e) for e in _catalogue(language) if _translation(e) and "fuzzy" not in e.flags}
    assert {e.msgid: _translation(e) for e in compiled if e.msgid} == expected


def test_every_marked_string_in_the_source_is_in_the_catalogue(tmp_path: Path) -> None:
    """makemessages over a copy of the source finds nothing the committed catalogue lacks."""
    copy = tmp_path / "xiaobao"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", "--no-obsolete", "-i", "migrations/*"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    fresh = {e.msgid for e in polib.pofile(str(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))}
    committed = {e.msgid for e in _catalogue("zh_Hans")}
    assert fresh - committed == set(), "run `make messages` and translate the new strings"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-hans", "身份证号码无效。请核对身份证上的 18 位号码，最后一位可能是 X。"),
        ("zh-hant", "身份證號碼無效。請核對身份證上的 18 位號碼，最後一位可能是 X。"),
        ("en", "This resident ID number is not valid. Check the 18 characters on the ID card; the last one may be X."),
        (
            "ko",
            "주민 신분증 번호가 올바르지 않습니다. 신분증에 적힌 18자리를 확인해 주십시오. 마지막 자리는 X일 수 있습니다.",
        ),
    ],
)
def test_a_refusal_reaches_the_person_in_their_language(language: str, expected: str) -> None:
    with translation.override(language):
        assert message_of(InvalidResidentId()) == expected


def test_parameters_are_filled_in_after_translation() -> None:
    with translation.override("zh-hans"):
        assert message_of(CalendarYearNotLoaded(2030)).startswith("2030 年的工作日日历尚未载入")


@pytest.mark.parametrize(
    ("language", "motor", "letter"),
    [
        ("zh-hans", "机动车辆保险", "信函"),
        ("zh-hant", "機動車輛保險", "信函"),
        ("en", "motor vehicle insurance", "letter"),
    ],
)
def test_choices_marked_in_pure_code_reach_the_reader_in_their_language(language: str, motor: str, letter: str) -> None:
    """Form choices and filters built from the domain's labels are translated when shown, not when imported."""
    from xiaobao.portal.forms import ComplaintForm
    from xiaobao.workbench.forms import IntakeForm

    with translation.override(language):
        assert f'value="motor">{motor}</option>' in str(ComplaintForm()["product_line"])
        assert f'value="letter">{letter}</option>' in str(IntakeForm(branches=[])["channel"])
