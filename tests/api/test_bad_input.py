"""Bad input is answered with 4xx JSON and a stable code, on SQLite and PostgreSQL, and nothing is written."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from tests.support.claims import claim_request as claim
from tests.support.desk import Desk
from xiaobao.audit.models import AuditEvent
from xiaobao.claims.models import Claim, ClaimDocument
from xiaobao.complaints.models import Complaint
from xiaobao.identity.actions import staff_key_issue
from xiaobao.identity.models import Consumer, Staff
from xiaobao.ops.models import IdempotentRequest

pytestmark = pytest.mark.django_db

CSRF_SECRET = "a" * 32


@dataclass
class Callers:
    """A staff token, a signed-in staff session that must pass the CSRF check, and one open claim."""

    desk: Desk
    token: Client
    session: Client
    claim_id: int

    def complaint(self, **overrides: object) -> dict[str, object]:
        values: dict[str, object] = {
            "handling_branch_id": self.desk.world.ours.city.pk,
            "channel": "hotline",
            "received_at": "2026-03-02T09:15:00+08:00",
            "product_line": "medical",
            "reason": "claims",
            "description": "住院医疗费用理赔被拒。",
            "complainant": {"name": "赵敏", "phone": "13800138005"},
        }
        values.update(overrides)
        return values


@pytest.fixture
def callers(desk: Desk) -> Callers:
    _, raw = staff_key_issue(actor=desk.supervisor, label="integration")
    token = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {raw}")
    session = Client(enforce_csrf_checks=True, raise_request_exception=False)
    session.force_login(Staff.objects.get(pk=desk.supervisor.staff_id).user)
    created = token.post("/api/v1/claims", claim(), content_type="application/json")
    assert created.status_code == 201, created.content
    return Callers(desk, token, session, created.json()["id"])


def post_json(client: Client, path: str, data: object, **extra: str) -> Any:
    return client.post(path, data, content_type="application/json", headers=extra)


def with_csrf_cookie(client: Client) -> Client:
    client.cookies["csrftoken"] = CSRF_SECRET
    return client


@dataclass(frozen=True)
class BadInput:
    send: Callable[[Callers], Any]
    status: int
    code: str
    error_type: str | None = None
    """For ``invalid_input``: the ``type`` of the field error."""


CASES: dict[str, BadInput] = {
    "idempotency key longer than 128": BadInput(
        lambda c: post_json(c.token, "/api/v1/complaints", c.complaint(), **{"Idempotency-Key": "k" * 129}),
        422,
        "invalid_input",
        "string_too_long",
    ),
    "idempotency key longer than 128 on a claim": BadInput(
        lambda c: post_json(c.token, "/api/v1/claims", claim(), **{"Idempotency-Key": "k" * 200}),
        422,
        "invalid_input",
        "string_too_long",
    ),
    "an unknown field": BadInput(
        lambda c: post_json(c.token, "/api/v1/complaints", {**c.complaint(), "is_staff": True}),
        422,
        "invalid_input",
        "extra_forbidden",
    ),
    "an unknown field in a nested object": BadInput(
        lambda c: post_json(c.token, "/api/v1/complaints", c.complaint(complainant={"name": "赵敏", "admin": 1})),
        422,
        "invalid_input",
        "extra_forbidden",
    ),
    "NUL in a text field": BadInput(
        lambda c: post_json(c.token, "/api/v1/complaints", c.complaint(description="理赔\u0000被拒")),
        422,
        "invalid_character",
    ),
    "NUL in a nested field": BadInput(
        lambda c: post_json(c.token, "/api/v1/complaints", c.complaint(complainant={"name": "赵\u0000敏"})),
        422,
        "invalid_character",
    ),
    "NUL in a claim": BadInput(
        lambda c: post_json(c.token, "/api/v1/claims", claim(policy_number="ACC\u0000")),
        422,
        "invalid_character",
    ),
    "NUL in a query parameter": BadInput(
        lambda c: c.token.get("/api/v1/claims", {"state": "reported\u0000"}),
        422,
        "invalid_character",
    ),
    "NUL in a form field": BadInput(
        lambda c: c.token.post(
            f"/api/v1/claims/{c.claim_id}/documents", {"item_code": "id_card\u0000", "file": b"%PDF-1.4"}
        ),
        422,
        "invalid_character",
    ),
    "an unpaired surrogate": BadInput(
        lambda c: c.token.post(
            "/api/v1/complaints",
            json.dumps(c.complaint(description="x")).replace('"x"', '"\\ud800"'),
            content_type="application/json",
        ),
        422,
        "invalid_character",
    ),
    "received in year 1": BadInput(
        lambda c: post_json(c.token, "/api/v1/complaints", c.complaint(received_at="0001-01-01T00:00:00+08:00")),
        422,
        "invalid_input",
        "date_out_of_range",
    ),
    "received in year 9999": BadInput(
        lambda c: post_json(c.token, "/api/v1/complaints", c.complaint(received_at="9999-12-31T23:59:59-12:00")),
        422,
        "invalid_input",
        "date_out_of_range",
    ),
    "an incident in year 1": BadInput(
        lambda c: post_json(c.token, "/api/v1/claims", claim(incident_date="0001-01-01")),
        422,
        "invalid_input",
        "date_out_of_range",
    ),
    "offset beyond a bigint": BadInput(
        lambda c: c.token.get("/api/v1/complaints", {"offset": str(2**64)}),
        422,
        "invalid_input",
        "less_than_equal",
    ),
    "a negative offset": BadInput(
        lambda c: c.token.get("/api/v1/complaints", {"offset": "-1"}),
        422,
        "invalid_input",
        "greater_than_equal",
    ),
    "a negative limit": BadInput(
        lambda c: c.token.get("/api/v1/complaints", {"limit": "-5"}),
        422,
        "invalid_input",
        "greater_than_equal",
    ),
    "a limit beyond a bigint on claims": BadInput(
        lambda c: c.token.get("/api/v1/claims", {"limit": str(2**70)}),
        422,
        "invalid_input",
        "less_than_equal",
    ),
    "multipart without a boundary where JSON is expected": BadInput(
        lambda c: c.token.post("/api/v1/complaints", b"--x\r\n", content_type="multipart/form-data"),
        415,
        "unsupported_media_type",
    ),
    "multipart without a boundary to the upload": BadInput(
        lambda c: c.token.post(
            f"/api/v1/claims/{c.claim_id}/documents", b"--x\r\n", content_type="multipart/form-data"
        ),
        400,
        "malformed_multipart",
    ),
    "multipart without a boundary from a session": BadInput(
        lambda c: with_csrf_cookie(c.session).post(
            "/api/v1/complaints", b"--x\r\n", content_type="multipart/form-data", headers={"X-CSRFToken": CSRF_SECRET}
        ),
        400,
        "malformed_multipart",
    ),
    "malformed JSON": BadInput(
        lambda c: c.token.post("/api/v1/complaints", b'{"channel": ', content_type="application/json"),
        400,
        "malformed_json",
    ),
    "JSON that is not UTF-8": BadInput(
        lambda c: c.token.post("/api/v1/complaints", b'{"description": "\xff"}', content_type="application/json"),
        400,
        "malformed_json",
    ),
    "a session's change without the CSRF token": BadInput(
        lambda c: post_json(c.session, "/api/v1/complaints", c.complaint()),
        403,
        "csrf_failed",
    ),
    "JSON sent as text/plain": BadInput(
        lambda c: c.token.post("/api/v1/complaints", json.dumps(c.complaint()), content_type="text/plain"),
        415,
        "unsupported_media_type",
    ),
    "not an email": BadInput(
        lambda c: post_json(
            c.token, "/api/v1/complaints", c.complaint(complainant={"name": "赵敏", "email": "not an email"})
        ),
        422,
        "invalid_input",
        "email",
    ),
}


def written() -> tuple[int, ...]:
    return (
        Complaint.objects.count(),
        Claim.objects.count(),
        ClaimDocument.objects.count(),
        Consumer.objects.count(),
        AuditEvent.objects.count(),
        IdempotentRequest.objects.count(),
    )


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_input_is_refused_with_a_stable_code_and_nothing_is_written(callers: Callers, case: BadInput) -> None:
    before = written()

    response = case.send(callers)

    assert response.status_code == case.status, response.content
    assert response["Content-Type"].startswith("application/json")
    answer = response.json()
    assert answer["code"] == case.code
    assert answer["message"]
    if case.error_type is not None:
        assert case.error_type in [error["type"] for error in answer["errors"]]
    assert written() == before


def test_the_message_is_in_the_callers_language(callers: Callers) -> None:
    english = callers.token.post(
        "/api/v1/complaints", b"{", content_type="application/json", headers={"Accept-Language": "en"}
    )

    assert english.json()["message"] == "The request body is not valid JSON: check it and send it again."


def test_a_key_with_a_nul_character_is_unauthenticated(callers: Callers) -> None:
    response = Client().get("/api/v1/me", headers={"Authorization": "Bearer xbs_\u0000abc_def"})

    assert (response.status_code, response.json()["code"]) == (401, "unauthenticated")


def test_a_request_without_any_credentials_is_unauthenticated_not_a_csrf_failure() -> None:
    response = Client(enforce_csrf_checks=True).post("/api/v1/complaints", {}, content_type="application/json")

    assert (response.status_code, response.json()["code"]) == (401, "unauthenticated")
