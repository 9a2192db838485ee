"""Files a reader may see, served through the access check of their case (never a public URL)."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse

from xiaobao.complaints.domain.files import download_name

FILE_CONTENT_SECURITY_POLICY = "default-src 'none'; img-src 'self'; media-src 'self'; frame-ancestors 'self'"
"""A stored file runs nothing and loads nothing; only our own case page may show it in a frame (the preview)."""


def stored_file(
    field_file: FieldFile, content_type: str, original_name: str, *, fallback: str, download: bool = False
) -> FileResponse:
    """The stored bytes streamed in chunks under the name they were sent with (its extension checked), inline
    for the case page's preview or as a download; never sniffed."""
    response = FileResponse(
        field_file.open("rb"),
        content_type=content_type,
        as_attachment=download,
        filename=download_name(original_name, content_type, fallback=fallback),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Frame-Options"] = "SAMEORIGIN"
    response["Content-Security-Policy"] = FILE_CONTENT_SECURITY_POLICY
    response["Cache-Control"] = "private, no-store"
    return response
