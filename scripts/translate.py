"""Bring the catalogues up to date with the source and fill in translations from JSON files.

    .venv/bin/python scripts/translate.py [TRANSLATIONS.json ...]

Runs ``makemessages`` for every language xiaobao ships (new strings added, vanished ones dropped, existing
translations kept), then writes each given translation, clears its fuzzy flag, and compiles the catalogues.
A JSON file maps a msgid to its translations by catalogue name; a plural message names its plural form and
gives a list per language:

    {"Agreement recorded.": {"zh_Hans": "…", "zh_Hant": "…", "en": "…", "ko": "…", "mn_Mong": "…"},
     "%(n)s file": {"plural": "%(n)s files", "zh_Hans": ["…"], "en": ["…", "…"], …}}

It holds a lock while it works, so several people (or helpers) may run it at once. It prints the msgids
still untranslated or fuzzy in any language other than English; ``tests/i18n`` fails while any remain. It
also prints every existing translation it replaces: one English word used in two senses needs two msgids.
"""

from __future__ import annotations

import fcntl
import json
import subprocess
import sys
from pathlib import Path

import polib

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "xiaobao"
LANGUAGES = ["zh_Hans", "zh_Hant", "en", "ko", "mn_Mong"]
LOCK = Path("/tmp/xiaobao-translate.lock")


def _fill(catalogue: polib.POFile, language: str, translations: dict[str, dict[str, object]]) -> None:
    for entry in catalogue:
        wanted = translations.get(entry.msgid)
        if not wanted or language not in wanted:
            continue
        text = wanted[language]
        if entry.msgid_plural:
            forms = text if isinstance(text, list) else [text]
            entry.msgstr_plural = {i: str(form) for i, form in enumerate(forms)}
        else:
            if entry.msgstr and entry.msgstr != str(text) and "fuzzy" not in entry.flags:
                # Two branches may use one English word in two senses ("Change" the language, a "Change" in a
                # figure): say so, so the second does not silently re-translate the first.
                print(f"{language}: replaced {entry.msgstr!r} with {text!r} for {entry.msgid!r}")
            entry.msgstr = str(text)
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = None
        entry.previous_msgid_plural = None


def _missing(catalogue: polib.POFile) -> list[str]:
    def translated(entry: polib.POEntry) -> bool:
        if entry.msgid_plural:
            return any(entry.msgstr_plural.values())
        return bool(entry.msgstr)

    return [e.msgid for e in catalogue if not translated(e) or "fuzzy" in e.flags]


def main(paths: list[str]) -> int:
    translations: dict[str, dict[str, object]] = {}
    for path in paths:
        translations.update(json.loads(Path(path).read_text(encoding="utf-8")))
    with LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        django_admin = [sys.executable, "-m", "django"]
        languages = [arg for language in LANGUAGES for arg in ("-l", language)]
        subprocess.run(
            [*django_admin, "makemessages", *languages, "--no-obsolete", "-i", "migrations/*"],
            cwd=PACKAGE,
            check=True,
            capture_output=True,
        )
        untranslated = 0
        for language in LANGUAGES:
            path = PACKAGE / "locale" / language / "LC_MESSAGES" / "django.po"
            catalogue = polib.pofile(str(path), wrapwidth=79)
            _fill(catalogue, language, translations)
            catalogue.save(str(path))
            # gettext's own wrapping (polib wraps CJK text differently), so a run changes only what changed.
            subprocess.run(["msgcat", "-o", str(path), str(path)], check=True)
            if language != "en":
                for msgid in _missing(catalogue):
                    untranslated += 1
                    print(f"{language}: untranslated: {msgid!r}")
        subprocess.run([*django_admin, "compilemessages"], cwd=PACKAGE, check=True, capture_output=True)
    return 1 if untranslated else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
