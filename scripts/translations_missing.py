#!/usr/bin/env python3
"""List the messages each language still lacks, after `make messages` (run with the venv's Python).

    .venv/bin/python scripts/translations_missing.py            # a count per language, then every msgid
    .venv/bin/python scripts/translations_missing.py -l ko -l mn_Mong --count
    .venv/bin/python scripts/translations_missing.py --json > /tmp/missing.json   # to fill in with a script

A message is missing from a language when its catalogue has no translation for it (empty, or only some plural
forms), when the translation is marked fuzzy, or when the catalogue lacks the msgid altogether although the
reference catalogue (``zh_Hans``, the one the source is checked against) has it. English is the language of
the msgids, so its catalogue is left out unless named. The exit status is 1 when anything is missing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[1] / "src" / "xiaobao" / "locale"
REFERENCE = "zh_Hans"
SOURCE_LANGUAGE = "en"


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def is_translated(entry: polib.POEntry) -> bool:
    if "fuzzy" in entry.flags or entry.obsolete:
        return False
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def missing(language: str, reference: set[tuple[str | None, str]]) -> list[str]:
    """The msgids ``language`` lacks: untranslated or fuzzy entries, then the reference's msgids it has not."""
    po = catalogue(language)
    present = {(entry.msgctxt, entry.msgid) for entry in po if not entry.obsolete}
    lacking = [entry.msgid for entry in po if entry.msgid and not entry.obsolete and not is_translated(entry)]
    lacking += sorted(msgid for context, msgid in reference - present)
    return lacking


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-l", "--language", action="append", help="a locale directory, e.g. ko or mn_Mong")
    parser.add_argument("--count", action="store_true", help="only the number missing per language")
    parser.add_argument("--json", action="store_true", help="a JSON object: language → list of msgids")
    args = parser.parse_args(argv)
    languages = args.language or sorted(
        d.name for d in LOCALE.iterdir() if (d / "LC_MESSAGES" / "django.po").exists() and d.name != SOURCE_LANGUAGE
    )
    reference = {(entry.msgctxt, entry.msgid) for entry in catalogue(REFERENCE) if entry.msgid and not entry.obsolete}
    found = {language: missing(language, reference) for language in languages}
    if args.json:
        json.dump(found, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        for language, msgids in found.items():
            sys.stdout.write(f"{language}: {len(msgids)} missing\n")
            if not args.count:
                sys.stdout.writelines(f"  {msgid!r}\n" for msgid in msgids)
    return 1 if any(found.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
