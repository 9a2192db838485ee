"""``{% read_aloud text label=… %}``: a player for a text the page shows (INC-E2).

Rendering the player records the text under its key (``speech.recording``, one write a page): the audio endpoint speaks only
recorded texts, so nobody can make the server say anything a page did not show. A long text gets one
player per paragraph (or per 300-character piece of a longer one).

``paragraphs`` splits a text as ``linebreaks`` shows it, so a page can put a player beside each clause;
``spoken_timeline`` turns a case's timeline into one text (date, time and step, one line each, the date in
the page's own long form: "2026年3月2日 10:00", not "2026-03-02", which an engine reads as a subtraction).
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.html import strip_tags
from django.utils.safestring import SafeData, SafeString
from django.utils.translation import get_language

from xiaobao.speech import engine, recording
from xiaobao.speech.domain import text as spoken
from xiaobao.speech.domain.voices import voice_for

register = template.Library()

_COUNTER = "_xiaobao_read_aloud_players"


def _players_so_far(context: template.Context) -> int:
    """How many players this page has drawn already: their ids stay unique, the script comes once."""
    holder: Any = context.get("request") or context.render_context
    if isinstance(holder, template.context.RenderContext):
        return int(holder.get(_COUNTER) or 0)
    return int(getattr(holder, _COUNTER, 0))


def _count_players(context: template.Context, count: int) -> None:
    holder: Any = context.get("request") or context.render_context
    if isinstance(holder, template.context.RenderContext):
        holder[_COUNTER] = count
    else:
        setattr(holder, _COUNTER, count)


@register.simple_tag(takes_context=True)
def read_aloud(context: template.Context, text: object, label: object = "") -> SafeString:
    """The player(s) for ``text``; nothing for an empty text."""
    if isinstance(text, SafeData):  # HTML (a ``blocktranslate … asvar``): spoken as the words it shows
        text = html.unescape(strip_tags(str(text)))
    parts = spoken.pieces(str(text or ""))
    if not parts:
        return SafeString("")
    page_language = get_language() or settings.LANGUAGE_CODE
    before = _players_so_far(context)
    request = context.get("request")
    players = []
    for number, piece in enumerate(parts, start=1):
        voice = voice_for(piece, page_language)
        key = engine.key_of(voice=voice, text=piece)
        recording.note(request, recording.Spoken(key, voice.engine_name, voice.language, piece))
        players.append(
            {"key": key, "text": piece, "lang": voice.language, "number": number, "id": f"ra-{before + number}"}
        )
    _count_players(context, before + len(players))
    return SafeString(
        render_to_string(
            "speech/_player.html",
            {
                "players": players,
                "total": len(players),
                "label": str(label),
                "engine": engine.engine() is not None,
                "first_on_page": before == 0,
                "page_language": page_language,
            },
        )
    )


@register.filter
def paragraphs(text: object) -> list[str]:
    """The paragraphs of a text, for a player beside each (a clause of the terms, a paragraph of a summary)."""
    return spoken.paragraphs(str(text or ""))


@register.filter
def spoken_timeline(entries: Iterable[Any]) -> str:
    """A timeline (entries with ``at`` and ``label``) as one text to listen to, a line a step."""
    lines = []
    for entry in entries:
        when = formats.date_format(timezone.localtime(entry.at), "DATETIME_FORMAT")  # said as words, not digits
        lines.append(f"{when} {entry.label}")
    return "\n".join(lines)
