"""The HTTP API (django-ninja): one NinjaAPI, routers from each app's ``api.py``.

OpenAPI at ``/api/openapi.json``, docs at ``/api/docs``. Authentication gives
the endpoint an ``Actor`` in ``request.auth``: a partner's API key (Bearer) or
a signed-in session (with CSRF). Domain refusals become JSON with a stable
``code`` and a ``message`` in the caller's language.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from xiaobao.identity.actors import actor_for_api_key, actor_for_request
from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.kernel.errors import DomainError, InvalidInput, NotFound, PermissionDenied, TransitionNotAllowed
from xiaobao.ops.i18n import message_of


class ApiKeyAuth(HttpBearer):
    """``Authorization: Bearer xbp_…`` (a partner's key) or ``xbs_…`` (a staff token); both revocable."""

    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        return actor_for_api_key(token)


class SessionActorAuth(APIKeyCookie):
    """A signed-in person (staff, consumer, mediator); unsafe methods need the CSRF token."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Actor | None:
        actor = actor_for_request(request)
        return None if actor.kind is ActorKind.ANONYMOUS else actor


api = NinjaAPI(
    title="xiaobao API",
    version="1",
    description="Complaints, claims and consumer protection for Liaoning insurers.",
    auth=[ApiKeyAuth(), SessionActorAuth()],
    urls_namespace="api",
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
    from django.utils.translation import gettext

    return _error(request, 422, "invalid_input", gettext("The information given is not valid."), errors=error.errors)


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    from django.utils.translation import gettext

    return _error(request, 401, "unauthenticated", gettext("Sign in, or send your API key, to use this."))


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    return _error(request, error.status_code, "http_error", str(error))


def _register_routers() -> None:
    from xiaobao.claims.api import router as claims_router
    from xiaobao.complaints.api import partner_router
    from xiaobao.complaints.api import router as complaints_router
    from xiaobao.identity.api import router as identity_router
    from xiaobao.intake.api import router as intake_router

    api.add_router("/v1/", identity_router)
    api.add_router("/v1/", complaints_router)
    api.add_router("/v1/partner/", partner_router)
    api.add_router("/v1/", intake_router)
    api.add_router("/v1/", claims_router)


_register_routers()
