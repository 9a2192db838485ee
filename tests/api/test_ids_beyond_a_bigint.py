"""An id beyond what the database holds (2**70, or its negative) anywhere in a path, query or body is a 404
or a 422 in JSON — never a 500 (before: OverflowError on SQLite, a driver error on PostgreSQL)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.support.desk import Desk
from xiaobao.identity.actions import staff_key_issue

pytestmark = pytest.mark.django_db
H = 2**70


def test_ids_beyond_a_bigint_are_refused_in_json(desk: Desk) -> None:
    _, raw = staff_key_issue(actor=desk.supervisor)
    c = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {raw}")
    base = {
        "handling_branch_id": desk.world.ours.city.pk,
        "channel": "hotline",
        "received_at": "2026-03-02T09:15:00+08:00",
        "product_line": "medical",
        "reason": "claims",
        "description": "x",
        "complainant": {"name": "赵敏", "phone": "13800138005"},
    }
    reqs = [
        ("get", f"/api/v1/complaints/{H}", None),
        ("get", f"/api/v1/claims/{H}", None),
        ("get", f"/api/v1/branches/{H}", None),
        ("post", f"/api/v1/complaints/{H}/accept", None),
        ("post", f"/api/v1/extensions/{H}/apply", None),
        ("get", f"/api/v1/complaints?handler_id={H}", None),
        ("get", f"/api/v1/complaints?branch_id={H}", None),
        ("get", f"/api/v1/complaints?handler_id=-{H}", None),
        ("post", "/api/v1/complaints", {**base, "handling_branch_id": H}),
        ("post", "/api/v1/complaints", {**base, "complainant": None, "complainant_id": H}),
        ("post", "/api/v1/complaints", {**base, "involved_staff_ids": [H]}),
        ("post", "/api/v1/complaints", {**base, "involved_partner_ids": [H]}),
        ("post", "/api/v1/complaints", {**base, "involved_branch_id": H}),
        ("post", "/api/v1/complaints", {**base, "policy_seller_id": H}),
        (
            "post",
            "/api/v1/claims",
            {
                "insurer_id": H,
                "policy_number": "p",
                "product_line": "accident",
                "claim_type": "injury",
                "incident_date": "2026-02-27",
                "incident_region": "210202",
                "description": "d",
                "amount_claimed": "1.00",
                "claimant_id": H,
            },
        ),
        (
            "post",
            "/api/v1/intake/hotline",
            {"call_id": "c1", "caller_number": "13800138005", "summary": "s", "handling_branch_id": H},
        ),
        ("post", "/api/v1/complaints/1/assign", {"handler_id": H}),
        ("post", "/api/v1/complaints/1/forwards", {"partner_id": H, "summary": "s"}),
        ("post", "/api/v1/complaints/1/forwards", {"partner_id": -H, "summary": "s"}),
    ]
    desk.register()
    answers = []
    for method, path, body in reqs:
        sent = getattr(c, method)
        response = sent(path, body, content_type="application/json") if body is not None else sent(path)
        answers.append((method, path, response.status_code, response["Content-Type"]))
    wrong = [a for a in answers if a[2] not in {404, 422} or a[3] != "application/json; charset=utf-8"]
    assert wrong == []
