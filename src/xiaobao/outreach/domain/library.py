"""The public education library (MISSION EDU-2, EDU-3): articles, case explanations, clause explanations, short
videos, and published questions with their answers.

An item is written by an insurer's staff, in one or more languages (one text per language), and published by a
second person holding the same permission (four eyes, as for sales material); a published item may be withdrawn.

    draft ─publish (someone else)→ published ─withdraw→ withdrawn
    draft ─withdraw→ withdrawn

A video item is an uploaded file, and every text of it carries captions (WebVTT, ``domain.captions``) and a
transcript, for those who cannot hear or cannot play it.
"""

from __future__ import annotations

from enum import StrEnum

from xiaobao.kernel.errors import DomainError, InvalidInput, TransitionNotAllowed
from xiaobao.kernel.i18n import _

RULE_ID = "EDU-2, EDU-3"
MAX_TITLE = 200
MAX_BODY = 50_000
MAX_TRANSCRIPT = 50_000
MAX_QUESTION = 2000
MAX_NAME = 60
MIN_REASON = 5
MAX_VIDEO_BYTES = 10 * 1024 * 1024
"""One video: as much as any upload (``kernel.uploads.MAX_FILE_BYTES``): a short film at modest resolution."""


class ItemKind(StrEnum):
    ARTICLE = "article"
    CASE = "case"
    CLAUSE = "clause"
    VIDEO = "video"
    QUESTION = "question"


class ItemState(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class QuestionState(StrEnum):
    ASKED = "asked"
    ANSWERED = "answered"
    DRAFTED = "drafted"
    PUBLISHED = "published"


KIND_TEXT: dict[str, str] = {
    ItemKind.ARTICLE: _("article"),
    ItemKind.CASE: _("case explained"),
    ItemKind.CLAUSE: _("clause explained"),
    ItemKind.VIDEO: _("short video"),
    ItemKind.QUESTION: _("question answered"),
}
WRITTEN_KINDS = (ItemKind.ARTICLE, ItemKind.CASE, ItemKind.CLAUSE, ItemKind.VIDEO)
"""What staff write in the library's form; a question answered comes from a visitor's question."""
STATE_TEXT: dict[str, str] = {
    ItemState.DRAFT: _("draft, waiting to be published"),
    ItemState.PUBLISHED: _("published"),
    ItemState.WITHDRAWN: _("withdrawn"),
}
QUESTION_STATE_TEXT: dict[str, str] = {
    QuestionState.ASKED: _("waiting for an answer"),
    QuestionState.ANSWERED: _("answered, not published"),
    QuestionState.DRAFTED: _("in the library as a draft, waiting for another keeper to publish it"),
    QuestionState.PUBLISHED: _("published"),
}

LANGUAGES: dict[str, str] = {
    "zh-hans": _("Simplified Chinese"),
    "zh-hant": _("Traditional Chinese"),
    "en": _("English"),
    "ko": _("Korean"),
    "mn-mong": _("Mongolian (traditional script)"),
}
"""The languages an item may be written in: the site's own (Simplified and Traditional Chinese and English at
least, INC-3)."""

_NEXT: dict[ItemState, frozenset[ItemState]] = {
    ItemState.DRAFT: frozenset({ItemState.PUBLISHED, ItemState.WITHDRAWN}),
    ItemState.PUBLISHED: frozenset({ItemState.WITHDRAWN}),
    ItemState.WITHDRAWN: frozenset(),
}


class SelfPublication(DomainError):
    code = "education_self_publication"
    default_message = _(
        "You wrote or corrected this item, or answered its question: someone else who keeps the education library "
        "must publish it."
    )


class ItemNotEditable(DomainError):
    code = "education_item_not_editable"
    default_message = _("Only a draft can be changed. Withdraw this item and write a new one.")


class CaptionsRequired(InvalidInput):
    code = "captions_required"
    default_message = _("A video needs captions: attach a WebVTT (.vtt) file for this language.")


class VideoRequired(InvalidInput):
    code = "video_required"
    default_message = _("Attach the video file (WebM or MP4).")


class VideoNotAccepted(InvalidInput):
    code = "video_not_accepted"
    default_message = _("“%(name)s” is not a video this site can show: send a WebM or MP4 file of at most 10 MB.")


def check_step(current: str, wanted: ItemState) -> None:
    """EDU-2: the step table above; anything else is refused."""
    if wanted not in _NEXT[ItemState(current)]:
        raise TransitionNotAllowed()


def check_publisher(*, editors: frozenset[int | None], publisher: int | None) -> None:
    """EDU-2, EDU-3, four eyes: the person who publishes an item is none of its editors — whoever wrote it,
    wrote the words of any of its languages as they stand, or answered the public question it publishes."""
    if publisher is None or publisher in editors:
        raise SelfPublication()


def check_editable(state: str) -> None:
    if state != ItemState.DRAFT:
        raise ItemNotEditable()


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise InvalidInput(_("Choose one of the languages offered."))
    return language


def check_text(*, title: str, body: str) -> tuple[str, str]:
    title, body = title.strip(), body.strip()
    if not title:
        raise InvalidInput(_("Give the item a title."))
    if not body:
        raise InvalidInput(_("Write the item's text."))
    if len(title) > MAX_TITLE or len(body) > MAX_BODY:
        raise InvalidInput(_("The title or the text is too long."))
    return title, body


def check_video_text(*, kind: str, captions: str, transcript: str) -> None:
    """EDU-2: every language of a video has captions (already checked by ``captions.parse``) and a transcript."""
    if kind != ItemKind.VIDEO:
        return
    if not captions.strip():
        raise CaptionsRequired()
    if not transcript.strip():
        raise InvalidInput(_("Give the video's transcript: everything said and shown, for those who cannot play it."))


WEBM_MAGIC = b"\x1a\x45\xdf\xa3"
MP4_BRANDS = frozenset({b"isom", b"iso2", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"dash", b"M4V "})


def video_type_of(name: str, size: int, head: bytes) -> str:
    """The video's type, recognised from its first bytes (WebM's EBML header, an MP4 ``ftyp`` box of a video
    brand), never from its name; anything else, or a file over the limit, is refused."""
    if 0 < size <= MAX_VIDEO_BYTES:
        if head[:4] == WEBM_MAGIC:
            return "video/webm"
        if head[4:8] == b"ftyp" and head[8:12] in MP4_BRANDS:
            return "video/mp4"
    raise VideoNotAccepted(name=name)


def check_reason(reason: str) -> str:
    if len(reason.strip()) < MIN_REASON:
        raise InvalidInput(_("Say why, in at least 5 characters."))
    return reason.strip()


def check_question(text: str, name: str) -> tuple[str, str]:
    """EDU-3: a question from the public is a few words at least; a name is optional."""
    text, name = text.strip(), name.strip()
    if len(text) < 4:
        raise InvalidInput(_("Write your question, in a few words at least."))
    if len(text) > MAX_QUESTION or len(name) > MAX_NAME:
        raise InvalidInput(_("The question or the name is too long."))
    return text, name
