"""Stored files a reader may see, served through an access check (never a public URL): a case's files on the
workbench, approved sales material on the public product pages."""

from __future__ import annotations

import logging
from typing import Any

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext

from xiaobao.complaints.domain.files import download_name
from xiaobao.kernel.errors import DamagedFile

logger = logging.getLogger(__name__)

FILE_CONTENT_SECURITY_POLICY = "default-src 'none'; img-src 'self'; media-src 'self'; frame-ancestors 'self'"
"""A stored file runs nothing and loads nothing; only our own case page may show it in a frame (the preview)."""


def damaged_file(damage: DamagedFile) -> HttpResponse:
    """What a reader gets instead of a stored file that fails its integrity check (issue #19): none of its
    bytes, a reason and what to do; the operators see which file and how in the log."""
    logger.error("stored file refused: %s", damage)
    response = HttpResponse(
        gettext(
            "This file cannot be shown: its stored copy has been changed or damaged, so none of it is served. "
            "The administrators have been told; ask the sender for the file again if it is needed now."
        ),
        status=409,
        content_type="text/plain; charset=utf-8",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def stored_file(
    field_file: FieldFile, content_type: str, original_name: str, *, fallback: str, download: bool = False
) -> HttpResponse | FileResponse:
    """The stored bytes streamed in chunks, decrypted a segment at a time, under the name they were sent with
    (its extension checked), inline for the case page's preview or as a download; never sniffed. A stored
    copy that fails its integrity check is refused whole (``damaged_file``), before any byte is sent."""
    try:
        opened = field_file.open("rb")
    except DamagedFile as damage:
        return damaged_file(damage)
    response = FileResponse(
        opened,
        content_type=content_type,
        as_attachment=download,
        filename=download_name(original_name, content_type, fallback=fallback),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Frame-Options"] = "SAMEORIGIN"
    response["Content-Security-Policy"] = FILE_CONTENT_SECURITY_POLICY
    response["Cache-Control"] = "private, no-store"
    return response


def stored_row_file(request: HttpRequest, row: Any, *, fallback: str) -> HttpResponse | FileResponse:
    """The file of a row that keeps one with its ``content_type`` and ``original_name`` (a sales material), inline
    or as a download (``?download=1``); 404 when the row has no file. The caller fetched the row through its gate."""
    if not row.file:
        raise Http404
    return stored_file(
        row.file, row.content_type, row.original_name, fallback=fallback, download=request.GET.get("download") == "1"
    )
