"""Stored HTML shown as it was (a sale's pages, SAL-3), in a sandbox: it runs nothing, loads nothing, submits
nothing, and only our own pages may frame it."""

from __future__ import annotations

from django.http import HttpResponse

SANDBOXED_CONTENT_SECURITY_POLICY = "sandbox; default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"


def sandboxed_html(content: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = SANDBOXED_CONTENT_SECURITY_POLICY
    response["X-Frame-Options"] = "SAMEORIGIN"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
