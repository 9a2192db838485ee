"""The HTTP API (django-ninja): one NinjaAPI, routers from each app's ``api.py``.

OpenAPI at ``/api/openapi.json``, docs at ``/api/docs``. Authentication gives
the endpoint an ``Actor`` in ``request.auth``: a partner's API key (Bearer) or
a signed-in session (with CSRF). Domain refusals become JSON with a stable
``code`` and a ``message`` in the caller's language; so do malformed bodies
(``malformed_json``, ``unsupported_media_type``, ``malformed_multipart``), text
the database cannot keep (``invalid_character``), a failed CSRF check
(``csrf_failed``) and a database that cannot be reached (503 ``unavailable``
with ``Retry-After``). What goes wrong outside ninja is answered in JSON by
``ops.middleware.ServiceErrorMiddleware``.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from xiaobao.identity import two_factor
from xiaobao.identity.actors import actor_for_api_key, actor_for_request
from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.kernel.errors import DomainError, InvalidInput, NotFound, PermissionDenied, TransitionNotAllowed
from xiaobao.kernel.i18n import _
from xiaobao.ops.i18n import message_of
from xiaobao.ops.middleware import RETRY_AFTER_SECONDS


class TextNotStorable(InvalidInput):
    """PostgreSQL refuses the NUL character in text, and no database can keep an unpaired surrogate."""

    code = "invalid_character"
    default_message = _(
        "The text contains a character that cannot be kept (such as the NUL character, U+0000): "
        "remove it and send again."
    )


class BodyRefused(Exception):
    """A request body the API will not read; the parser raises it, ``http_error`` answers it."""

    def __init__(self, status: int, code: str) -> None:
        self.status = status
        self.code = code
        super().__init__(code)


class CsrfFailed(HttpError):
    def __init__(self) -> None:
        super().__init__(403, "CSRF check failed")


def refuse_unstorable_text(value: Any) -> None:
    """Every string in parsed input (keys too), however deeply nested."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item or (not item.isascii() and not _encodes(item)):
                raise TextNotStorable()
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list | tuple):
            pending.extend(item)


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _is_json(content_type: str) -> bool:
    return content_type == "application/json" or (
        content_type.startswith("application/") and content_type.endswith("+json")
    )


class JsonParser(Parser):
    """JSON bodies only when sent as JSON; text no database can keep is refused in bodies, queries and forms."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        if not _is_json(request.content_type or ""):
            raise BodyRefused(415, "unsupported_media_type")
        try:
            data = json.loads(request.body)
        except ValueError as error:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            raise BodyRefused(400, "malformed_json") from error
        refuse_unstorable_text(data)
        return data  # type: ignore[no-any-return]

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        parsed = super().parse_querydict(data, list_fields, request)
        refuse_unstorable_text(parsed)
        return parsed


class ApiKeyAuth(HttpBearer):
    """``Authorization: Bearer xbp_…`` (a partner's key) or ``xbs_…`` (a staff token); both revocable."""

    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        if not (token.isascii() and token.isprintable()):
            return None  # no key looks like this, and PostgreSQL would refuse a NUL in the lookup
        return actor_for_api_key(token)


class SessionActorAuth(APIKeyCookie):
    """A signed-in person (staff, consumer, mediator); unsafe methods need the CSRF token."""

    param_name = "sessionid"

    def _get_key(self, request: HttpRequest) -> str | None:
        key = request.COOKIES.get(self.param_name)
        if key is None:
            return None  # no session: not signed in (401), and no CSRF token to check
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request) is not None:
            raise CsrfFailed()
        return key

    def authenticate(self, request: HttpRequest, key: str | None) -> Actor | None:
        actor = actor_for_request(request)
        if actor.kind is ActorKind.ANONYMOUS:
            return None
        if two_factor.required() and two_factor.needs_second_factor(request) and not two_factor.is_verified(request):
            return None  # the password alone reaches no data here either (issue #19): 401 until the code
        return actor


api = NinjaAPI(
    title="xiaobao API",
    version="1",
    description="Complaints, claims and consumer protection for Liaoning insurers.",
    auth=[ApiKeyAuth(), SessionActorAuth()],
    urls_namespace="api",
    parser=JsonParser(),
)

STATUS_OF: list[tuple[type[DomainError], int]] = [
    (NotFound, 404),
    (PermissionDenied, 403),
    (TransitionNotAllowed, 409),
    (InvalidInput, 422),
]


def _error(request: HttpRequest, status: int, code: str, message: str, **extra: object) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, **extra}, status=status)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, error: DomainError) -> HttpResponse:
    status = next((s for kind, s in STATUS_OF if isinstance(error, kind)), 400)
    return _error(request, status, error.code, message_of(error))


@api.exception_handler(NinjaValidationError)
def validation_error(request: HttpRequest, error: NinjaValidationError) -> HttpResponse:
    return _error(request, 422, "invalid_input", gettext("The information given is not valid."), errors=error.errors)


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthenticated", gettext("Sign in, or send your API key, to use this."))


BODY_MESSAGES = {
    "unsupported_media_type": _("Send the request body as JSON, with the header Content-Type: application/json."),
    "malformed_json": _("The request body is not valid JSON: check it and send it again."),
}


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    cause = error.__cause__
    if isinstance(cause, BodyRefused):
        return _error(request, cause.status, cause.code, gettext(BODY_MESSAGES[cause.code]))
    if isinstance(cause, DomainError):
        return domain_error(request, cause)
    if isinstance(cause, MultiPartParserError):
        return multipart_error(request, cause)
    if isinstance(error, CsrfFailed):
        return _error(
            request,
            403,
            "csrf_failed",
            gettext("The CSRF check failed: send the csrftoken cookie's value in the X-CSRFToken header."),
        )
    return _error(request, error.status_code, "http_error", str(error))


@api.exception_handler(MultiPartParserError)
def multipart_error(request: HttpRequest, error: MultiPartParserError) -> HttpResponse:
    return _error(
        request,
        400,
        "malformed_multipart",
        gettext("The multipart form could not be read: send it again as multipart/form-data with its boundary."),
    )


def unavailable(request: HttpRequest) -> HttpResponse:
    """The database cannot be reached (restarting, failing over, overloaded): try again shortly."""
    response = _error(
        request,
        503,
        "unavailable",
        gettext("The service is briefly unavailable: please try again in a moment."),
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@api.exception_handler(OperationalError)
def database_operational_error(request: HttpRequest, error: OperationalError) -> HttpResponse:
    return unavailable(request)


@api.exception_handler(InterfaceError)
def database_interface_error(request: HttpRequest, error: InterfaceError) -> HttpResponse:
    return unavailable(request)


@api.exception_handler(Exception)
def unexpected(request: HttpRequest, error: Exception) -> HttpResponse:
    """Let Django log it and answer (``ServiceErrorMiddleware`` makes that answer JSON); never a traceback page."""
    raise error


def _register_routers() -> None:
    from xiaobao.claims.api import router as claims_router
    from xiaobao.complaints.api import partner_router
    from xiaobao.complaints.api import router as complaints_router
    from xiaobao.disputes.api import router as disputes_router
    from xiaobao.identity.api import router as identity_router
    from xiaobao.intake.api import router as intake_router
    from xiaobao.sales.api import router as sales_router

    api.add_router("/v1/", identity_router)
    api.add_router("/v1/", complaints_router)
    api.add_router("/v1/partner/", partner_router)
    api.add_router("/v1/", intake_router)
    api.add_router("/v1/", claims_router)
    api.add_router("/v1/", sales_router)
    api.add_router("/v1/", disputes_router)


_register_routers()
