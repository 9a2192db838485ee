"""Recording what a page showed with a player (INC-E2), one write per page at most.

The tracking page must not cost a query per text (tests/architecture/test_query_counts.py), so the
``{% read_aloud %}`` tag only notes each text on the request; ``RecordSpokenTexts`` (middleware) writes the
page's new ones in one statement once the page is drawn. A text this process has recorded is remembered
(``_KNOWN``), so drawing the page again costs nothing; the same memory lets the audio endpoint still find a
text whose row a rolled-back transaction took away (a test database flushed between tests, a request that
failed after drawing) — it is still a text this server rendered.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponseBase

from xiaobao.speech import actions

logger = logging.getLogger(__name__)

_PENDING = "_xiaobao_spoken_texts"
_KNOWN_AT_MOST = 4096


@dataclass(frozen=True)
class Spoken:
    key: str
    voice: str
    language: str
    text: str


_KNOWN: dict[str, Spoken] = {}


def note(request: HttpRequest | None, spoken: Spoken) -> None:
    """Remember that a page shows ``spoken``: at once without a request, else when the page is drawn."""
    if spoken.key in _KNOWN:
        return
    if request is None:
        record([spoken])
        return
    pending: dict[str, Spoken] = request.__dict__.setdefault(_PENDING, {})
    pending[spoken.key] = spoken


def record(texts: list[Spoken]) -> None:
    actions.spoken_texts_record(texts=[(s.key, s.voice, s.language, s.text) for s in texts])
    if len(_KNOWN) + len(texts) > _KNOWN_AT_MOST:
        _KNOWN.clear()
    _KNOWN.update((s.key, s) for s in texts)


def recalled(key: str) -> Spoken | None:
    """A text this process drew and recorded, whether or not its row is still there."""
    return _KNOWN.get(key)


def unremember(keys: set[str]) -> None:
    """Forget these texts (their words were erased: the audio endpoint must no longer find them here)."""
    for key in keys:
        _KNOWN.pop(key, None)


def forget() -> None:
    """Empty the memory (tests)."""
    _KNOWN.clear()


class RecordSpokenTexts:
    """Writes the texts a page was drawn with, in one statement, after the view has drawn it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        pending: dict[str, Spoken] = request.__dict__.pop(_PENDING, {})
        if pending:
            try:
                record(list(pending.values()))
            except DatabaseError:  # the page is still right; its players answer 404 until it is drawn again
                logger.exception("read-aloud: %d texts not recorded", len(pending))
        return response
