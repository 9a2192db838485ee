"""Education fixtures (issue #18 item 6): a valid WebVTT file, a few bytes that pass for a WebM video, and
items written and published through the actions."""

from __future__ import annotations

from xiaobao.kernel.actors import Actor
from xiaobao.outreach import actions
from xiaobao.outreach.actions import TextDraft
from xiaobao.outreach.models import LibraryItem

VTT = b"WEBVTT\n\n00:00:00.000 --> 00:00:02.500\nHow to make a claim\n\n00:00:02.500 --> 00:00:05.000\nSend every document at once\n"
BAD_VTT = b"WEBVTT\n\n00:00:03.000 --> 00:00:05.000\nsecond\n\n00:00:01.000 --> 00:00:02.000\nfirst\n"
WEBM = b"\x1a\x45\xdf\xa3" + b"\x00" * 60
"""An EBML header's signature and nothing after: recognised as WebM (a browser would not play it)."""


def write_article(
    writer: Actor, *, title: str = "理赔流程说明", body: str = "报案后，一次性告知所需材料。", language: str = "zh-hans"
) -> LibraryItem:
    return actions.item_write(actor=writer, kind="article", text=TextDraft(language=language, title=title, body=body))


def write_video(writer: Actor, *, title: str = "How to claim", language: str = "en") -> LibraryItem:
    return actions.item_write(
        actor=writer,
        kind="video",
        text=TextDraft(
            language=language, title=title, body="A short film.", transcript="Everything said.", captions=VTT
        ),
        video_name="claim.webm",
        video=WEBM,
    )


def published(writer: Actor, publisher: Actor, item: LibraryItem) -> LibraryItem:
    return actions.item_publish(actor=publisher, item_id=item.pk)
