"""What is spoken (INC-E2): the text as the page shows it, normalised, in pieces an elderly listener can
follow and the engine renders in well under a second."""

from __future__ import annotations

import re
import unicodedata

MAX_CHARACTERS = 300
"""Longest piece one player speaks: about 100 s of Mandarin at espeak-ng's pace (0.35 s a character), a
WAV of some 4 MB. A longer paragraph is cut at sentence ends into several players, never truncated."""

_SPACES = re.compile(r"[ \t\u00a0\u3000]+")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;\n])|(?<=\.)(?=\s)")


def normalised(text: str) -> str:
    """NFC, one space for any run of spaces (full-width too), lines trimmed, no empty lines at either end.

    Two renderings of the same words give the same text, so the same key and the same cached audio."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(lines).strip()


def paragraphs(text: str) -> list[str]:
    """The paragraphs of ``text`` (blank-line separated, as Django's ``linebreaks`` shows them)."""
    return [part for part in (normalised(chunk) for chunk in _PARAGRAPH_BREAK.split(normalised(text))) if part]


def pieces(text: str, limit: int = MAX_CHARACTERS) -> list[str]:
    """``text`` in spoken pieces of at most ``limit`` characters: whole paragraphs where they fit, a longer
    paragraph cut after the last sentence or line end that fits (or, with none, at the limit). Nothing is lost:
    the pieces, joined, hold every character of the normalised paragraphs."""
    found: list[str] = []
    for paragraph in paragraphs(text):
        rest = paragraph
        while len(rest) > limit:
            window = rest[: limit + 1]
            cuts = [match.start() for match in _SENTENCE_END.finditer(window) if 0 < match.start() <= limit]
            cut = cuts[-1] if cuts else limit
            found.append(rest[:cut].strip())
            rest = rest[cut:].strip()
        if rest:
            found.append(rest)
    return found
