"""Captions of a library video (MISSION EDU-2, INC-2: accessible to those who cannot hear): a WebVTT file, checked
when it is uploaded so the page never offers a track the browser would drop.

Checked: the ``WEBVTT`` signature line, every cue's timing line (``[hh:]mm:ss.ttt --> [hh:]mm:ss.ttt``, minutes and
seconds below 60), each cue ending after it starts, cues starting in order (never earlier than the one before),
and at least one cue with text. NOTE, STYLE and REGION blocks are allowed and skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xiaobao.kernel.errors import InvalidInput
from xiaobao.kernel.i18n import _

MAX_CAPTION_BYTES = 512 * 1024
_TIME = r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
_TIMING = re.compile(rf"^{_TIME}[ \t]+-->[ \t]+{_TIME}(?:[ \t]+.*)?$")


class CaptionsInvalid(InvalidInput):
    code = "captions_invalid"
    default_message = _("The captions file is not valid WebVTT: %(problem)s")


@dataclass(frozen=True)
class Cue:
    start_ms: int
    end_ms: int
    text: str


def _ms(hours: str | None, minutes: str, seconds: str, millis: str) -> int:
    return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + int(millis)


def decode(raw: bytes) -> str:
    """The file's text (UTF-8, a byte-order mark allowed), or a refusal saying why."""
    if len(raw) > MAX_CAPTION_BYTES:
        raise CaptionsInvalid(problem=(_("it is larger than 512 KB."),))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CaptionsInvalid(problem=(_("it is not UTF-8 text."),)) from None


def parse(text: str) -> tuple[Cue, ...]:
    """EDU-2: the cues of a valid WebVTT text; a refusal naming the first problem otherwise."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")
    first = lines[0]
    if not (first == "WEBVTT" or first.startswith(("WEBVTT ", "WEBVTT\t"))):
        raise CaptionsInvalid(problem=(_("the first line must be WEBVTT."),))
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in lines[1:]:
        if line.strip():
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    cues: list[Cue] = []
    for block in blocks:
        if block[0].startswith(("NOTE", "STYLE", "REGION")) and "-->" not in block[0]:
            continue
        timing_at = 0 if "-->" in block[0] else 1
        if timing_at >= len(block) or "-->" not in block[timing_at]:
            raise CaptionsInvalid(problem=(_("a cue has no timing line (start --> end)."),))
        matched = _TIMING.match(block[timing_at].strip())
        if matched is None:
            raise CaptionsInvalid(problem=(_("a timing line is not written as 00:00:01.000 --> 00:00:04.000."),))
        start, end = _ms(*matched.groups()[:4]), _ms(*matched.groups()[4:])
        if end <= start:
            raise CaptionsInvalid(problem=(_("a cue ends before it starts."),))
        if cues and start < cues[-1].start_ms:
            raise CaptionsInvalid(problem=(_("the cues' times do not increase."),))
        cues.append(Cue(start_ms=start, end_ms=end, text="\n".join(block[timing_at + 1 :]).strip()))
    if not any(cue.text for cue in cues):
        raise CaptionsInvalid(problem=(_("it holds no caption text."),))
    return tuple(cues)
