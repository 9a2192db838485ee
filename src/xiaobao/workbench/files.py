"""Files a reader may see, served through the access check of their case (never a public URL)."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse

from xiaobao.complaints.domain.files import extension_of


def stored_file(field_file: FieldFile, content_type: str, name: str) -> FileResponse:
    """The stored bytes streamed in chunks, shown inline under ``name`` with its extension, never sniffed."""
    response = FileResponse(field_file.open("rb"), content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{name}.{extension_of(content_type)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
