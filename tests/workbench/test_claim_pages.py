"""The adjuster's pages: the claims queue (green channel first), the claim page and its steps, documents
served through the access check; a refused step keeps what was typed; no page crosses tenants."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.support.claims import HOSPITAL_ITEMS, PDF, new_claim, report, send_all
from tests.support.desk import Desk
from xiaobao.audit.models import AuditEvent
from xiaobao.claims import actions
from xiaobao.claims.models import Claim, DocumentRequest
from xiaobao.demo.data import ELDER_RESIDENT_ID
from xiaobao.identity.actions import ConsumerDetails
from xiaobao.identity.models import Staff
from xiaobao.kernel.actors import Actor, Role

pytestmark = pytest.mark.django_db


def signed_in(client: Client, actor: Actor) -> Client:
    client.force_login(Staff.objects.get(pk=actor.staff_id).user)
    return client


def test_the_queue_puts_the_green_channel_first(client: Client, desk: Desk) -> None:
    ordinary = report(desk)
    elder = desk.world.ours.consumer(name="赵大爷", resident_id=ELDER_RESIDENT_ID)
    green = actions.claim_report(
        actor=desk.handler, insurer_id=desk.world.ours.insurer.pk, claimant_id=elder.pk, data=new_claim()
    )
    page = signed_in(client, desk.handler).get("/workbench/claims/").content.decode()
    assert page.index(green.reference or "") < page.index(ordinary.reference or "")
    assert "老年申请人" in page
    only_green = client.get("/workbench/claims/?green=1").content.decode()
    assert ordinary.reference not in only_green


def test_an_adjuster_asks_once_and_a_second_request_needs_its_new_fact(client: Client, desk: Desk) -> None:
    claim = report(desk)
    signed_in(client, desk.handler)
    page = client.get(f"/workbench/claims/{claim.pk}/").content.decode()
    assert "一次性告知所缺材料" in page
    assert client.post(f"/workbench/claims/{claim.pk}/steps/request_documents/").status_code == 302
    assert DocumentRequest.objects.get(claim=claim).items == HOSPITAL_ITEMS

    refused = client.post(f"/workbench/claims/{claim.pk}/steps/request_documents/", {"items": ["invoice"]})
    assert refused.status_code == 400
    assert "新情况" in refused.content.decode()
    assert DocumentRequest.objects.filter(claim=claim).count() == 1


def test_a_refusal_without_reasons_comes_back_with_what_was_typed(client: Client, desk: Desk) -> None:
    claim = report(desk)
    send_all(desk, claim, HOSPITAL_ITEMS)
    actions.claim_assess(actor=desk.handler, claim_id=claim.pk)
    response = signed_in(client, desk.handler).post(
        f"/workbench/claims/{claim.pk}/steps/refuse/", {"reasons": "不赔", "basis": "<b>第七条</b>"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "&lt;b&gt;第七条&lt;/b&gt;" in page
    assert Claim.objects.get(pk=claim.pk).state == "assessing"


def test_documents_are_served_to_the_insurers_staff_only(client: Client, desk: Desk) -> None:
    claim = report(desk)
    send_all(desk, claim, ["invoice"])
    document = claim.documents.get()
    url = f"/workbench/claims/{claim.pk}/documents/{document.pk}/"
    served = signed_in(client, desk.handler).get(url)
    body = b"".join(served.streaming_content)  # type: ignore[attr-defined]  # streamed, not read whole into memory
    assert (served.status_code, body, served["Content-Type"]) == (200, PDF, "application/pdf")

    _, theirs = desk.world.theirs.staff(Role.HANDLER, Role.SUPERVISOR)
    other = signed_in(Client(), theirs)
    assert other.get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the log-in page


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("", None),
        ("steps/request_documents/", {}),
        ("steps/receive_document/", {"item_code": "invoice"}),
        ("steps/home_visit/", {"day": "2026-03-05"}),
        ("steps/pause/", {"reason": "鉴定"}),
    ],
)
def test_no_claim_page_crosses_tenants(client: Client, desk: Desk, path: str, data: dict[str, str] | None) -> None:
    claim = report(desk)
    _, theirs = desk.world.theirs.staff(Role.HANDLER, Role.SUPERVISOR)
    other = signed_in(client, theirs)
    before = AuditEvent.objects.count()
    url = f"/workbench/claims/{claim.pk}/{path}"
    response = other.get(url) if data is None else other.post(url, data)
    assert response.status_code == 404
    assert AuditEvent.objects.count() == before
    assert claim.reference not in other.get("/workbench/claims/").content.decode()


def test_a_complaint_about_a_claim_shows_the_claims_timeline_beside_it(client: Client, desk: Desk) -> None:
    claim = report(desk)
    actions.claim_request_documents(actor=desk.handler, claim_id=claim.pk)
    complaint = desk.register(claim_reference=claim.reference)
    page = signed_in(client, desk.supervisor).get(f"/workbench/complaints/{complaint.pk}/").content.decode()
    assert f"本投诉涉及的理赔：{claim.reference}" in page
    assert "一次性告知所需材料" in page

    _, theirs = desk.world.theirs.staff(Role.HANDLER)
    their_claim = actions.claim_report(
        actor=theirs,
        insurer_id=desk.world.theirs.insurer.pk,
        claimant=ConsumerDetails(name="钱七", phone="13800138123"),
        data=new_claim(),
    )
    naming_theirs = desk.register(claim_reference=their_claim.reference)
    page = client.get(f"/workbench/complaints/{naming_theirs.pk}/").content.decode()
    assert their_claim.reference not in page  # another insurer's claim is never shown


def test_the_staff_claim_page_speaks_to_staff(client: Client, desk: Desk) -> None:
    """Before (#14): internal codes (claim_form, region 210100), the claimant's wording ("等待您提交材料"),
    downloads without an extension, and a claims-queue link for compliance that answered 404."""
    claim = report(desk)
    actions.claim_request_documents(actor=desk.handler, claim_id=claim.pk)
    actions.claim_receive_document(
        actor=desk.handler, claim_id=claim.pk, item_code="claim_form", name="申请书.pdf", content=PDF
    )
    page = signed_in(client, desk.handler).get(f"/workbench/claims/{claim.pk}/").content.decode()

    assert "等待您提交材料" not in page
    assert "等待理赔申请人提交材料" in page
    assert "沈阳" in page  # the incident's city (210102 is in Shenyang), not its area code
    assert ">claim_form<" not in page
    document = claim.documents.get()
    served = client.get(f"/workbench/claims/{claim.pk}/documents/{document.pk}/")
    assert served["Content-Disposition"].endswith("%E7%94%B3%E8%AF%B7%E4%B9%A6.pdf")  # 申请书.pdf, as it was sent
    compliance = signed_in(Client(), desk.compliance).get("/workbench/").content.decode()
    assert "/workbench/claims/" not in compliance
