"""Request id (for the audit log), a strict Content-Security-Policy (no CDN, no inline script), and
answers for what fails outside the views: JSON under /api/, a 503 while the database is away."""

from __future__ import annotations

import re
import sys
import uuid
from collections.abc import Awaitable, Callable
from contextlib import nullcontext
from typing import Any

from django.contrib.messages.middleware import MessageMiddleware
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from xiaobao.ops.context import request_id

_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; media-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class RequestIdMiddleware:
    """Takes the caller's ``X-Request-ID`` when well-formed, else makes one; echoes it back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        value = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = request_id.set(value)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response["X-Request-ID"] = value
        return response


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


RETRY_AFTER_SECONDS = 10
"""What a 503 asks the client to wait: about what a database restart or fail-over takes."""

_API_PREFIX = "/api/"


def database_unreachable(error: BaseException | None) -> bool:
    """A connection-level database error: worth retrying once the database is back."""
    return isinstance(error, OperationalError | InterfaceError)


def _note_exception(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """Django turns an exception into a 500 response at every middleware layer, so the layer that answers it
    cannot catch it; the exception is noted on the request here, and ``ServiceErrorMiddleware`` reads it."""
    if request is not None:
        request._xiaobao_exception = sys.exc_info()[1]  # type: ignore[attr-defined]


got_request_exception.connect(_note_exception, dispatch_uid="xiaobao.ops.middleware.note_exception")


class ServiceErrorMiddleware:
    """Turns the 500 Django gives for an uncaught exception into an answer a client can act on.

    Under /api/: JSON always — 503 ``unavailable`` with ``Retry-After`` when the database cannot be reached,
    else 500 ``server_error``. Elsewhere: a plain, translated 503 page while the database is away. Sits
    inside the request-id and CSP middleware (they still mark the answer) and outside the session and
    authentication middleware (which reach the database)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        error = getattr(request, "_xiaobao_exception", None)
        if response.status_code < 500 or error is None:
            return response
        language = getattr(request, "LANGUAGE_CODE", None)
        with translation.override(language) if language else nullcontext():
            return self._answer(request, error) or response

    @staticmethod
    def _answer(request: HttpRequest, error: BaseException) -> HttpResponse | None:
        unreachable = database_unreachable(error)
        answer: HttpResponse
        if request.path.startswith(_API_PREFIX):
            if unreachable:
                message = gettext("The service is briefly unavailable: please try again in a moment.")
                answer = JsonResponse({"code": "unavailable", "message": message}, status=503)
            else:
                message = gettext("Something went wrong on our side. It has been logged; please try again later.")
                answer = JsonResponse({"code": "server_error", "message": message}, status=500)
        elif unreachable:
            answer = HttpResponse(render_to_string("ops/503.html"), status=503)
        else:
            return None
        if unreachable:
            answer["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return answer


class PageMessageMiddleware(MessageMiddleware):
    """Django's messages — the notes a page shows once, after a redirect — for pages only (issue #20).

    No API endpoint adds or shows one, yet the middleware built a cookie and a session store for every API call
    and asked both for news on the way out: about a fortieth of the complaint intake's Python work. A subclass,
    so Django's admin still finds it (admin.E409)."""

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        if request.path_info.startswith(_API_PREFIX):
            return self.get_response(request)
        return super().__call__(request)
