"""The claims API: report with a staff token, send documents as multipart, follow, every adjuster step;
retries make one claim; bad input writes nothing; no endpoint crosses tenants."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.support.claims import PDF
from tests.support.claims import claim_request as body
from tests.support.clock import SettableClock
from tests.support.desk import Desk
from xiaobao.audit.models import AuditEvent
from xiaobao.claims.models import Claim, ClaimDocument
from xiaobao.identity.actions import staff_key_issue
from xiaobao.identity.models import Consumer
from xiaobao.kernel.actors import Actor, Role

pytestmark = pytest.mark.django_db
ACCIDENT_ITEMS = ["claim_form", "id_card", "diagnosis", "invoice"]


def bearer(actor: Actor) -> dict[str, str]:
    _, token = staff_key_issue(actor=actor, label="claims app")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_a_claim_goes_from_report_to_payment_over_the_api(client: Client, desk: Desk, clock: SettableClock) -> None:
    auth = bearer(desk.handler)
    created = client.post("/api/v1/claims", body(), content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1", **auth)
    assert created.status_code == 201, created.json()
    claim = created.json()
    assert claim["reference"].startswith("CL-2026-")
    assert claim["claimant"] == "孙*"
    assert [m["code"] for m in claim["missing"]] == ACCIDENT_ITEMS
    pk = claim["id"]

    asked = client.post(f"/api/v1/claims/{pk}/document-requests", {}, content_type="application/json", **auth)
    assert asked.json()["state"] == "documents_requested"
    for code in ACCIDENT_ITEMS:
        sent = client.post(
            f"/api/v1/claims/{pk}/documents",
            {"item_code": code, "file": SimpleUploadedFile(f"{code}.pdf", PDF)},
            **auth,
        )
        assert sent.status_code == 201, sent.json()
        assert sent.json()["content_type"] == "application/pdf"
    detail = client.get(f"/api/v1/claims/{pk}", **auth).json()
    assert (detail["state"], detail["next_date"]["clock"], detail["next_date"]["due"]) == (
        "documents_complete",
        "decision",
        "2026-04-01",
    )
    assert "assess" in detail["allowed_steps"]
    for path, payload in [("assess", None), ("agree-amount", {"amount": "8000.00"}), ("pay", None)]:
        response = client.post(f"/api/v1/claims/{pk}/{path}", payload or {}, content_type="application/json", **auth)
        assert response.status_code == 200, response.json()
    final = client.get(f"/api/v1/claims/{pk}", **auth).json()
    assert (final["state"], final["paid_amount"]) == ("paid", "8000.00")
    assert [e["event_type"] for e in final["timeline"]][-3:] == ["claim.assessing", "claim.amount_agreed", "claim.paid"]


def test_a_retried_report_makes_one_claim_and_bad_input_writes_nothing(client: Client, desk: Desk) -> None:
    auth = bearer(desk.handler)
    first = client.post("/api/v1/claims", body(), content_type="application/json", HTTP_IDEMPOTENCY_KEY="r", **auth)
    again = client.post("/api/v1/claims", body(), content_type="application/json", HTTP_IDEMPOTENCY_KEY="r", **auth)
    assert first.json()["id"] == again.json()["id"]
    assert Claim.objects.count() == 1
    events, consumers = AuditEvent.objects.count(), Consumer.objects.count()

    for bad in (
        body(amount_claimed="-5"),
        body(incident_region="Dalian"),
        body(surprise="field"),
        body(product_line="pets", claim_type="vet"),
        body(incident_date="2099-01-01"),
    ):
        response = client.post("/api/v1/claims", bad, content_type="application/json", **auth)
        assert response.status_code == 422, response.json()
        assert response.json()["code"]
    assert (Claim.objects.count(), AuditEvent.objects.count(), Consumer.objects.count()) == (1, events, consumers)


def test_a_refusal_without_reasons_is_refused_over_the_api(client: Client, desk: Desk) -> None:
    auth = bearer(desk.handler)
    pk = client.post("/api/v1/claims", body(), content_type="application/json", **auth).json()["id"]
    for code in ACCIDENT_ITEMS:
        client.post(
            f"/api/v1/claims/{pk}/documents", {"item_code": code, "file": SimpleUploadedFile("a.pdf", PDF)}, **auth
        )
    client.post(f"/api/v1/claims/{pk}/assess", {}, content_type="application/json", **auth)
    refused = client.post(
        f"/api/v1/claims/{pk}/refuse", {"reasons": "不赔", "basis": ""}, content_type="application/json", **auth
    )
    assert (refused.status_code, refused.json()["code"]) == (422, "refusal_needs_reasons")
    assert Claim.objects.get(pk=pk).state == "assessing"


ENDPOINTS = [
    ("get", "/api/v1/claims/{pk}", None),
    ("post", "/api/v1/claims/{pk}/document-requests", {}),
    ("post", "/api/v1/claims/{pk}/assess", {}),
    ("post", "/api/v1/claims/{pk}/pause", {"reason": "鉴定"}),
    ("post", "/api/v1/claims/{pk}/resume", {}),
    ("post", "/api/v1/claims/{pk}/agree-amount", {"amount": "1.00"}),
    ("post", "/api/v1/claims/{pk}/pay", {}),
    ("post", "/api/v1/claims/{pk}/refuse", {"reasons": "等待期内出险，不属保险责任", "basis": "第七条"}),
    ("post", "/api/v1/claims/{pk}/advance-payment", {"amount": "1.00"}),
    ("post", "/api/v1/claims/{pk}/home-visit", {"day": "2026-03-04"}),
]


@pytest.mark.parametrize(("method", "path", "payload"), ENDPOINTS)
def test_no_claim_endpoint_crosses_tenants(
    client: Client, desk: Desk, method: str, path: str, payload: dict[str, object] | None
) -> None:
    pk = client.post("/api/v1/claims", body(), content_type="application/json", **bearer(desk.handler)).json()["id"]
    _, theirs = desk.world.theirs.staff(Role.HANDLER, Role.SUPERVISOR)
    their_key = bearer(theirs)
    before = AuditEvent.objects.count()
    url = path.format(pk=pk)
    if method == "get":
        response = client.get(url, **their_key)
    else:
        response = client.post(url, payload, content_type="application/json", **their_key)
    assert response.status_code == 404, response.json()
    assert AuditEvent.objects.count() == before
    anonymous = client.get(url) if method == "get" else client.post(url, payload, content_type="application/json")
    assert anonymous.status_code == 401


def test_documents_and_the_queue_do_not_cross_tenants(client: Client, desk: Desk) -> None:
    pk = client.post("/api/v1/claims", body(), content_type="application/json", **bearer(desk.handler)).json()["id"]
    _, theirs = desk.world.theirs.staff(Role.HANDLER)
    sent = client.post(
        f"/api/v1/claims/{pk}/documents",
        {"item_code": "id_card", "file": SimpleUploadedFile("a.pdf", PDF)},
        **bearer(theirs),
    )
    assert sent.status_code == 404
    assert not ClaimDocument.objects.exists()
    assert client.get("/api/v1/claims", **bearer(theirs)).json() == []
    assert [c["id"] for c in client.get("/api/v1/claims", **bearer(desk.handler)).json()] == [pk]


def test_a_signed_in_claimant_follows_and_sends_documents_for_their_own_claims(client: Client, desk: Desk) -> None:
    from django.contrib.auth import get_user_model

    pk = client.post("/api/v1/claims", body(), content_type="application/json", **bearer(desk.handler)).json()["id"]
    claimant = Claim.objects.get(pk=pk).claimant
    claimant.user = get_user_model().objects.create_user(username="sunli", password="x" * 12)
    claimant.save(update_fields=["user"])
    client.force_login(claimant.user)

    mine = client.get("/api/v1/claims").json()
    assert [c["id"] for c in mine] == [pk]
    detail = client.get(f"/api/v1/claims/{pk}").json()
    assert all(not e["event_type"].endswith(("reminded", "escalated")) for e in detail["timeline"])
    assert detail["allowed_steps"] == []
    sent = client.post(
        f"/api/v1/claims/{pk}/documents", {"item_code": "id_card", "file": SimpleUploadedFile("id.pdf", PDF)}
    )
    assert sent.status_code == 201
    assert client.post(f"/api/v1/claims/{pk}/assess", {}, content_type="application/json").status_code == 404
    spoofed = client.post(
        f"/api/v1/claims/{pk}/documents", {"item_code": "diagnosis", "file": SimpleUploadedFile("d.pdf", b"MZ\x90\x00")}
    )
    assert spoofed.status_code == 422
    assert ClaimDocument.objects.count() == 1
