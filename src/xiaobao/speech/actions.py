"""The one write of read-aloud (INC-E2): remembering the texts a page was rendered with.

Not a business action: nothing about a case changes, and the same text recorded again changes nothing, so
no audit event is written (one per page drawn would bury the timeline) and there is no actor; like the ops
bookkeeping. The key, an HMAC of the text, makes a second write of the same text a no-op."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from xiaobao.speech.models import SpokenText


@transaction.atomic(savepoint=False)  # one statement: nothing to roll back to inside it
def spoken_texts_record(*, texts: Sequence[tuple[str, str, str, str]]) -> None:
    """Record ``(key, voice, language, text)`` rows; those already there are left as they are."""
    SpokenText.objects.bulk_create(
        [SpokenText(key=key, voice=voice, language=language, text=text) for key, voice, language, text in texts],
        ignore_conflicts=True,
    )
