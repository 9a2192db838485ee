"""A letter made on request (a decision, a refusal), answered to whoever passed the case's access check."""

from __future__ import annotations

from django.http import HttpResponse


def letter_response(content: bytes, name: str) -> HttpResponse:
    """The PDF shown inline under ``name``: never sniffed, never kept by a shared cache (it names a person)."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
