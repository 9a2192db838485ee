"""Django's messages are for pages: API calls go past the middleware (issue #20), pages keep it, and an API
answer still carries every security header it carried."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib import messages
from django.contrib.messages import get_messages
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from tests.support.desk import Desk
from xiaobao.identity.actions import staff_key_issue
from xiaobao.ops.middleware import PageMessageMiddleware


def test_the_deployed_stack_uses_the_page_only_messages_middleware() -> None:
    assert "xiaobao.ops.middleware.PageMessageMiddleware" in settings.MIDDLEWARE
    assert "django.contrib.messages.middleware.MessageMiddleware" not in settings.MIDDLEWARE


def test_a_page_keeps_its_messages_and_an_api_call_goes_past(rf: RequestFactory) -> None:
    shown: dict[str, list[str]] = {}

    def view(request: HttpRequest) -> HttpResponse:
        if hasattr(request, "_messages"):
            messages.success(request, "saved")
            shown[request.path] = [str(m) for m in get_messages(request)]
        else:
            shown[request.path] = []
        return HttpResponse()

    middleware = PageMessageMiddleware(view)
    for path in ("/workbench/", "/api/v1/me"):
        request = rf.get(path)
        request.session = SessionStore()  # type: ignore[attr-defined]
        middleware(request)

    assert shown == {"/workbench/": ["saved"], "/api/v1/me": []}


@pytest.mark.django_db
def test_an_api_answer_carries_the_security_headers(desk: Desk) -> None:
    _, raw = staff_key_issue(actor=desk.supervisor)

    response = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})

    assert response.status_code == 200
    assert response["Content-Security-Policy"].startswith("default-src 'self'")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Request-ID"]
    assert response["Content-Language"]
