"""Sessions of people signed in with a password (staff, the admin site; issue #19, SEC-1).

* **Expiry:** a session idle for ``XIAOBAO_STAFF_IDLE_MINUTES`` or older than ``XIAOBAO_STAFF_SESSION_HOURS``
  ends; the next page asks to sign in again and then returns to it (``next``, this site only — Django's log-in
  page checks it). Times come from the application clock.
* **Second factor:** staff whose session has no accepted code reach only the code step (or the enrolment of an
  authenticator, if they have none), the log-out and the language switch; everything else — every workbench
  page, the admin site — sends them there, then back.

Consumers never sign in with a password (the portal keeps its own signed-in state), so a session with no
Django log-in costs nothing here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from xiaobao.identity import two_factor
from xiaobao.ops import clock

SIGNED_IN_AT = "xiaobao_signed_in_at"
SEEN_AT = "xiaobao_seen_at"
SEEN_PRECISION = timedelta(minutes=1)  # the session is written at most this often, not on every page

OPEN_BEFORE_THE_CODE = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/two-factor/",
    "/accounts/password/reset/",
    "/i18n/",
    "/elder-mode/",
    "/static/",
    "/healthz",
    "/api/",
)
"""Paths a signed-in person reaches before their code: the steps themselves, log-out, the language and text
size switches; the API checks the code itself for a session (``config.api.SessionActorAuth``)."""


class StaffSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            refused = self._expired(request) or self._second_factor_missing(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _expired(self, request: HttpRequest) -> HttpResponse | None:
        now = clock.now()
        session = request.session
        signed_in = _moment(session.get(SIGNED_IN_AT))
        seen = _moment(session.get(SEEN_AT))
        if signed_in is None or seen is None:
            session[SIGNED_IN_AT] = session[SEEN_AT] = now.isoformat()
            return None
        idle = timedelta(minutes=settings.XIAOBAO_STAFF_IDLE_MINUTES)
        lifetime = timedelta(hours=settings.XIAOBAO_STAFF_SESSION_HOURS)
        if now - seen > idle or now - signed_in > lifetime:
            logout(request)
            return redirect_to_login(_back_to(request))
        if now - seen >= SEEN_PRECISION:
            session[SEEN_AT] = now.isoformat()
        return None

    def _second_factor_missing(self, request: HttpRequest) -> HttpResponse | None:
        if not two_factor.required() or two_factor.is_verified(request):
            return None
        if request.path.startswith(OPEN_BEFORE_THE_CODE) or not two_factor.needs_second_factor(request):
            return None
        step = "two_factor_verify" if two_factor.confirmed_device(request.user) else "two_factor_enrol"
        return HttpResponseRedirect(f"{reverse(step)}?{urlencode({'next': _back_to(request)})}")


def session_began(sender: object, request: HttpRequest | None = None, **kwargs: object) -> None:
    """At log-in (Django's ``user_logged_in``): the session's start and last use, written with the log-in's own
    session save rather than by an extra write on the next page."""
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = request.session[SEEN_AT] = clock.now().isoformat()


def _back_to(request: HttpRequest) -> str:
    """Where to return once signed in again: the page asked for (a POST's form is not replayed: its page)."""
    if request.method in {"GET", "HEAD"}:
        return request.get_full_path()
    return request.path


def _moment(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
