"""While the database cannot be reached, the API answers JSON 503 with Retry-After, and pages a plain 503 page.

Every query is made to fail the way a restarting server fails (``OperationalError``), through Django's own
hook on query execution; the real restart is exercised by the operations drill.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse
from django.test import Client

from tests.support.desk import Desk
from xiaobao.identity.actions import staff_key_issue
from xiaobao.identity.models import Staff

pytestmark = pytest.mark.django_db


@contextmanager
def database_down(error: type[Exception] = OperationalError) -> Iterator[None]:
    def refuse(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        raise error("server closed the connection unexpectedly")

    with connection.execute_wrapper(refuse):
        yield


def assert_retryable(response: Any) -> None:
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "unavailable"
    assert response.json()["message"]
    assert int(response["Retry-After"]) > 0


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_an_api_call_with_a_token_is_a_retryable_503(desk: Desk, error: type[Exception]) -> None:
    _, raw = staff_key_issue(actor=desk.supervisor)
    client = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {raw}")

    with database_down(error):
        response = client.get("/api/v1/complaints")

    assert_retryable(response)


def test_an_api_call_with_a_session_is_a_retryable_503(desk: Desk) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(Staff.objects.get(pk=desk.supervisor.staff_id).user)

    with database_down():
        response = client.get("/api/v1/me", headers={"Accept-Language": "en"})

    assert_retryable(response)
    assert response.json()["message"] == "The service is briefly unavailable: please try again in a moment."


class ReadsTheDatabaseFirst:
    """Stands for a middleware that reaches the database before the API sees the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.session.load()
        return self.get_response(request)


def test_an_outage_met_outside_the_api_is_still_a_retryable_503(desk: Desk, settings: Any) -> None:
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[: settings.MIDDLEWARE.index("django.middleware.locale.LocaleMiddleware") + 1],
        f"{__name__}.ReadsTheDatabaseFirst",
        *settings.MIDDLEWARE[settings.MIDDLEWARE.index("django.middleware.locale.LocaleMiddleware") + 1 :],
    ]
    client = Client(raise_request_exception=False)
    client.force_login(Staff.objects.get(pk=desk.supervisor.staff_id).user)

    with database_down():
        response = client.get("/api/v1/me")

    assert_retryable(response)
    assert "X-Request-ID" in response


def test_a_page_gets_a_plain_503_page(desk: Desk) -> None:
    client = Client(raise_request_exception=False)

    with database_down():
        response = client.get("/", headers={"Accept-Language": "en"})

    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert response["Content-Type"].startswith("text/html")
    assert "Briefly unavailable" in response.content.decode()


@pytest.mark.parametrize("debug", [False, True], ids=["production", "development"])
def test_any_other_failure_under_the_api_is_json_not_a_page_or_a_traceback(
    desk: Desk, monkeypatch: Any, settings: Any, debug: bool
) -> None:
    settings.DEBUG = debug
    _, raw = staff_key_issue(actor=desk.supervisor)
    client = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {raw}")

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr("xiaobao.complaints.selectors.queue", broken)
    response = client.get("/api/v1/complaints")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "server_error"
    assert "a bug" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
