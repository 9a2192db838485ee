"""The one write of read-aloud (INC-E2): remembering the texts a page was rendered with.

Not a business action: nothing about a case changes, and the same text recorded again changes nothing, so
no audit event is written (one per page drawn would bury the timeline) and there is no actor; like the ops
bookkeeping. The key, an HMAC of the text, makes a second write of the same text a no-op."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from xiaobao.speech import engine
from xiaobao.speech.domain.text import pieces
from xiaobao.speech.domain.voices import VOICES
from xiaobao.speech.models import SpokenText


@transaction.atomic(savepoint=False)  # one statement: nothing to roll back to inside it
def spoken_texts_record(*, texts: Sequence[tuple[str, str, str, str]]) -> None:
    """Record ``(key, voice, language, text)`` rows; those already there are left as they are."""
    SpokenText.objects.bulk_create(
        [SpokenText(key=key, voice=voice, language=language, text=text) for key, voice, language, text in texts],
        ignore_conflicts=True,
    )


@transaction.atomic
def spoken_texts_forget(*, texts: Sequence[str]) -> int:
    """Forget every spoken form of ``texts`` (data rights, issue #19: an erased decision must not stay readable
    here): the rows under each piece's key in every voice, this process's memory of them, and their cached audio
    (deleted once the transaction commits). A page that shows the same words again records them again.
    How many rows went."""
    from xiaobao.speech import recording  # recording writes through this module

    keys = {
        engine.key_of(voice=voice, text=piece)
        for text in texts
        for piece in pieces(text or "")
        for voice in VOICES.values()
    }
    if not keys:
        return 0
    deleted, _ = SpokenText.objects.filter(key__in=keys).delete()
    recording.unremember(keys)
    storage = engine.speech_storage()
    names = [engine.audio_name(key) for key in keys]

    def delete_audio() -> None:
        for name in names:
            if storage.exists(name):
                storage.delete(name)

    transaction.on_commit(delete_audio)
    return deleted
