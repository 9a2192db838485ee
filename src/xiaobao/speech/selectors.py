"""Reads of the spoken texts (INC-E2). They belong to no insurer: a key is learnt only from a page the
server rendered for whoever may see it, so holding the key is what lets one hear the text."""

from __future__ import annotations

from xiaobao.speech.models import SpokenText


def spoken_text(key: str) -> SpokenText | None:
    return SpokenText.objects.filter(key=key).first()
