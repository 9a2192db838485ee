"""``/speech/<key>.wav``: the audio of a text a page was rendered with (INC-E2).

Only recorded keys are spoken; any other — malformed, guessed, computed without the server's key — is the
same 404. The audio is made on the first request and served from the cache after; the player may ask for a
byte range (to seek), as browsers do for media.
"""

from __future__ import annotations

import logging
import re
import subprocess
from collections.abc import Iterator

from django.core.files.base import File
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from xiaobao.kernel.errors import DamagedFile
from xiaobao.speech import engine, recording, selectors
from xiaobao.speech.domain.keys import is_key
from xiaobao.speech.domain.wav import NotWav

logger = logging.getLogger(__name__)

# The audio of a key never changes. It may be a decision about a person: kept by their browser only.
CACHE_CONTROL = "private, max-age=86400, immutable"
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


@require_http_methods(["GET", "HEAD"])
def audio(request: HttpRequest, key: str) -> HttpResponseBase:
    spoken = _recorded(key) if is_key(key) else None
    if spoken is None:
        raise Http404
    try:
        handle = engine.cached_audio(key=key, voice=spoken.voice, text=spoken.text)
    except (engine.EngineMissing, subprocess.SubprocessError, OSError, NotWav, DamagedFile):
        logger.exception("read-aloud: no audio for %s", key)
        unavailable = HttpResponse(
            gettext("Audio is not available at the moment. Please use this device's voice or try again later."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
        unavailable["Retry-After"] = "60"
        return unavailable
    size = int(handle.size)
    wanted = _RANGE.fullmatch(request.headers.get("Range", "").strip())
    start, end = 0, size - 1
    if wanted and (wanted.group(1) or wanted.group(2)):
        first, last = wanted.group(1), wanted.group(2)
        if first:
            start, end = int(first), min(int(last), size - 1) if last else size - 1
        else:
            start = max(size - int(last), 0)
        if start > end or start >= size:
            handle.close()
            refused = HttpResponse(status=416)
            refused["Content-Range"] = f"bytes */{size}"
            return refused
    handle.seek(start)
    response = FileResponse(_limited(handle, end - start + 1), content_type="audio/wav")
    if (start, end) != (0, size - 1):
        response.status_code = 206
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = CACHE_CONTROL
    return response


def _recorded(key: str) -> recording.Spoken | None:
    row = selectors.spoken_text(key)
    if row is not None:
        return recording.Spoken(row.key, row.voice, row.language, row.text)
    remembered = recording.recalled(key)
    if remembered is not None:  # drawn here, its row rolled back since: recorded again, then spoken
        recording.record([remembered])
    return remembered


def _limited(handle: File[bytes], length: int) -> Iterator[bytes]:
    """``length`` bytes of an open file, in blocks; the file closed at the end."""
    try:
        left = length
        while left > 0:
            block = handle.read(min(64 * 1024, left))
            if not block:
                break
            left -= len(block)
            yield block
    finally:
        handle.close()
