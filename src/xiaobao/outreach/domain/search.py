"""Searching the library in the reader's language (MISSION EDU-3): the text of each item is kept normalised
(Unicode NFKC, case folded, runs of space made one), and a query matches an item when every word of it appears
in that text. The library holds hundreds of items, not millions: a ``LIKE`` over the normalised text is exact,
needs no index of its own, and behaves the same on PostgreSQL and SQLite.

Chinese has no spaces between words; a query is cut into words (``outreach.search`` uses jieba) before it
reaches ``query_terms``, so "理赔流程" finds a text saying "理赔的流程". A two-character word is found inside
any text holding it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

MAX_QUERY = 100
MAX_TERMS = 8
_SPACE = re.compile(r"\s+")
_PUNCTUATION = re.compile(r"[\W_]+", re.UNICODE)


def normalised(*texts: str) -> str:
    """The form both the stored text and the query are compared in."""
    joined = " ".join(texts)
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", joined).casefold()).strip()


def query_terms(words: Iterable[str]) -> list[str]:
    """The words a query must all match: normalised, punctuation and empty words dropped, repeats once, at most
    ``MAX_TERMS`` (the longest kept first: they narrow most)."""
    seen: dict[str, None] = {}
    for word in words:
        term = _PUNCTUATION.sub(" ", normalised(word)).strip()
        for part in term.split(" "):
            if part:
                seen.setdefault(part, None)
    return sorted(seen, key=len, reverse=True)[:MAX_TERMS]
