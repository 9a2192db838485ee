"""Upload limits enforced before a body is read, and while it streams (issue #12, item 4).

Three bounds, outermost first:

1. ``RequestSizeLimitMiddleware`` refuses a request whose ``Content-Length`` is larger than
   ``XIAOBAO_UPLOAD_MAX_REQUEST_BYTES`` (the per-file limit × files allowed + form overhead) with 413,
   before anything reads its body: JSON ``{"code": "too_large", ...}`` under ``/api/``, a page for people
   elsewhere. Its ``__call__`` runs before any ``process_view`` (where CSRF reads the form), so it sits after
   the locale and CSRF middleware in ``MIDDLEWARE``: the answer is in the person's language and the page's
   forms get their CSRF cookie.
2. A body sent without ``Content-Length`` (chunked) is never read at all: Django's ``WSGIRequest`` reads at
   most ``CONTENT_LENGTH`` bytes and treats a missing one as 0, so such a request arrives with no form and no
   files. Non-file fields of a multipart form are bounded by ``DATA_UPLOAD_MAX_MEMORY_SIZE``.
3. ``LimitedUploadHandler`` streams each file to a temporary file on disk; once one file passes the
   per-file limit it stops writing (and deletes what it wrote), discards the rest of that file, and hands the
   view an ``OversizeUpload``: its ``size`` is the bytes counted, so the action's size check refuses it with
   the usual "larger than 10 MB" message and the form keeps everything else that was typed; reading it
   raises, so it can never be stored by mistake.
"""

from __future__ import annotations

import json
import stat
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext

from xiaobao.kernel.uploads import MAX_FILE_BYTES as MAX_BYTES
from xiaobao.kernel.uploads import MAX_FILES

FORM_OVERHEAD_BYTES = 1024 * 1024


def max_request_bytes() -> int:
    """The largest body accepted: every file at its limit, plus the form around them."""
    configured = getattr(settings, "XIAOBAO_UPLOAD_MAX_REQUEST_BYTES", None)
    return int(configured) if configured else MAX_BYTES * MAX_FILES + FORM_OVERHEAD_BYTES


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


class RequestSizeLimitMiddleware:
    """A declared body larger than the limit is answered with 413 without being read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0  # Django reads nothing of a body whose length it cannot parse
        limit = max_request_bytes() if _carries_files(request) else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if declared > limit:
            return too_large(request, limit)
        return self.get_response(request)


def _carries_files(request: HttpRequest) -> bool:
    """Only a multipart form streams its files to disk; any other body (JSON, a plain form) is read into
    memory whole, so it is held to ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (before: a 13 MB JSON body got Django's
    HTML 400 from deep inside the API)."""
    return str(request.META.get("CONTENT_TYPE", "")).lower().startswith("multipart/form-data")


def too_large(request: HttpRequest, limit: int) -> HttpResponse:
    """The 413 answer: JSON for the API, a page that says what happened and how to go back for people."""
    file_limit, request_limit = _megabytes(MAX_BYTES), _megabytes(limit)
    if request.path.startswith("/api/"):
        message = gettext(
            "The request is larger than %(limit)s MB. Send files of at most %(file_limit)s MB each, "
            "one at a time if needed."
        ) % {"limit": request_limit, "file_limit": file_limit}
        response = HttpResponse(
            json.dumps({"code": "too_large", "message": message}, ensure_ascii=False),
            status=413,
            content_type="application/json; charset=utf-8",
        )
    else:
        back = request.headers.get("Referer", "")
        same_site = back.startswith(f"{request.scheme}://{request.get_host()}/") if back else False
        page = render_to_string(
            "web/too_large.html",
            {
                "limit_mb": request_limit,
                "file_limit_mb": file_limit,
                "max_files": MAX_FILES,
                "back": back if same_site else "",
            },
            request=request,
        )
        response = HttpResponse(page, status=413)
    # The body was not read: the connection cannot carry another request. (The middleware after this one,
    # which would set the length, does not see this answer.)
    response["Connection"] = "close"
    response["Content-Length"] = str(len(response.content))
    return response


class OversizeUpload(UploadedFile):
    """A file that passed the per-file limit while streaming: its size is known, its content was not kept."""

    def __init__(self, name: str, content_type: str, size: int, charset: str | None) -> None:
        super().__init__(None, name, content_type, size, charset)

    def _refuse(self) -> RequestDataTooBig:
        return RequestDataTooBig(f"{self.name!r} is larger than {MAX_BYTES} bytes and was not kept")

    def read(self, *args: Any, **kwargs: Any) -> bytes:
        raise self._refuse()

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        raise self._refuse()

    def open(self, mode: str | None = None, *args: Any, **kwargs: Any) -> OversizeUpload:
        raise self._refuse()

    def close(self) -> None:
        pass


def private_upload_dir() -> Path:
    """``FILE_UPLOAD_TEMP_DIR``, made if missing and kept to its owner (0700): an upload spooled there is the
    plaintext of a consumer's document until the request ends."""
    folder = Path(settings.FILE_UPLOAD_TEMP_DIR)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if stat.S_IMODE(folder.stat().st_mode) != 0o700:
        folder.chmod(0o700)
    return folder


def stale_spooled_uploads(older_than: timedelta) -> list[Path]:
    """Spooled uploads a worker killed mid-request left behind (a live request's file is younger)."""
    folder = Path(settings.FILE_UPLOAD_TEMP_DIR)
    if not folder.is_dir():
        return []
    cutoff = time.time() - older_than.total_seconds()
    return sorted(path for path in folder.iterdir() if path.is_file() and path.stat().st_mtime < cutoff)


class LimitedUploadHandler(TemporaryFileUploadHandler):
    """Streams each file to disk, in xiaobao's private directory, and stops keeping one as soon as it passes
    the per-file limit."""

    max_file_bytes = MAX_BYTES

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        private_upload_dir()
        super().new_file(*args, **kwargs)
        self.received = 0
        self.oversize = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.oversize:
            return None
        if self.received > self.max_file_bytes:
            self.oversize = True
            self.file.close()  # a NamedTemporaryFile: closing removes it from disk
            return None
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if self.oversize:
            return OversizeUpload(self.file_name or "file", self.content_type or "", self.received, self.charset)
        return super().file_complete(file_size)
