"""Claims on the portal: verified by phone first, one page listing every missing document with its
explanation, a file field per document, the decision shown; a rejected form keeps what was typed;
another person's claim is a 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.conftest import World
from tests.portal.conftest import EXECUTABLE, PDF, Filer, apply
from tests.support.world import fresh_resident_id
from xiaobao.claims import actions
from xiaobao.claims.models import Claim, ClaimDocument
from xiaobao.kernel.actors import Role
from xiaobao.ops import clock

pytestmark = pytest.mark.django_db


def test_applying_starts_with_the_phone_check_and_comes_back_to_the_claim_form(filer: Filer) -> None:
    first = filer.client.get(f"/i/{filer.insurer.code}/claim/")
    assert first["Location"] == f"/i/{filer.insurer.code}/complain/?for=claim"
    start = filer.client.post(
        f"/i/{filer.insurer.code}/complain/?for=claim",
        {"name": "王淑芬", "resident_id": filer.resident_id, "phone": "13800138001", "preferred_channel": "sms"},
    )
    assert start.status_code == 302
    verified = filer.verify()
    assert verified["Location"] == f"/i/{filer.insurer.code}/claim/"  # type: ignore[index]
    assert "理赔" in filer.client.get(f"/i/{filer.insurer.code}/claim/").content.decode()


def test_a_claimant_applies_sends_every_missing_document_and_sees_the_decision(filer: Filer, world: World) -> None:
    filer.verified()
    response = apply(filer)
    claim = Claim.objects.get()
    assert response["Location"] == f"/claims/{claim.reference}/"  # type: ignore[index]
    assert apply(filer)["Location"] == f"/claims/{claim.reference}/"  # type: ignore[index]
    assert Claim.objects.count() == 1  # the same form sent twice is one claim

    page = filer.client.get(f"/claims/{claim.reference}/").content.decode()
    for code in ("claim_form", "id_card", "diagnosis", "invoice"):
        assert f'name="doc-{code}"' in page
    assert "诊断证明书" in page  # each item's plain-language explanation

    sent = filer.client.post(
        f"/claims/{claim.reference}/documents/",
        {f"doc-{code}": SimpleUploadedFile(f"{code}.pdf", PDF) for code in ("claim_form", "id_card", "diagnosis")},
    )
    assert sent.status_code == 302
    spoofed = filer.client.post(
        f"/claims/{claim.reference}/documents/", {"doc-invoice": SimpleUploadedFile("发票.pdf", EXECUTABLE)}
    )
    assert spoofed.status_code == 400
    assert ClaimDocument.objects.count() == 3
    filer.client.post(f"/claims/{claim.reference}/documents/", {"doc-invoice": SimpleUploadedFile("发票.pdf", PDF)})
    claim.refresh_from_db()
    assert claim.state == "documents_complete"

    _, adjuster = world.ours.staff(Role.HANDLER)
    actions.claim_assess(actor=adjuster, claim_id=claim.pk)
    actions.claim_refuse(actor=adjuster, claim_id=claim.pk, reasons="事故发生在保单生效之前。", basis="保险合同第三条")
    page = filer.client.get(f"/claims/{claim.reference}/").content.decode()
    assert "事故发生在保单生效之前。" in page
    assert "保险合同第三条" in page


def test_a_rejected_claim_form_keeps_everything_typed(filer: Filer) -> None:
    filer.verified()
    response = apply(filer, amount_claimed="-3", description="<script>alert(1)</script>右腕骨折")
    page = response.content.decode()  # type: ignore[attr-defined]
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert 'value="ACC-2026-0042"' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;右腕骨折" in page
    assert "<script>alert(1)" not in page
    assert not Claim.objects.exists()


def test_another_persons_claim_is_a_404_and_csrf_is_required(filer: Filer, world: World) -> None:
    filer.verified()
    apply(filer)
    claim = Claim.objects.get()
    stranger = Filer(Client(), world.ours.insurer, fresh_resident_id())
    stranger.verified()
    assert stranger.client.get(f"/claims/{claim.reference}/").status_code == 404
    upload = stranger.client.post(
        f"/claims/{claim.reference}/documents/", {"doc-id_card": SimpleUploadedFile("id.pdf", PDF)}
    )
    assert upload.status_code == 404
    assert Client().get(f"/claims/{claim.reference}/").status_code == 404
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = filer.client.cookies
    refused = strict.post(f"/claims/{claim.reference}/documents/", {"doc-id_card": SimpleUploadedFile("i.pdf", PDF)})
    assert refused.status_code == 403
    assert not ClaimDocument.objects.exists()


def test_a_green_channel_claimant_books_a_home_visit(filer: Filer) -> None:
    from xiaobao.demo.data import ELDER_RESIDENT_ID

    filer.resident_id = ELDER_RESIDENT_ID
    filer.verified()
    apply(filer)
    claim = Claim.objects.get()
    assert claim.green_channel == ["elderly"]
    page = filer.client.get(f"/claims/{claim.reference}/").content.decode()
    assert 'name="doc-invoice"' not in page  # waived in the green channel
    refused = filer.client.post(f"/claims/{claim.reference}/home-visit/", {"day": "2020-01-01", "note": "三楼"})
    assert refused.status_code == 400
    assert 'value="三楼"' in refused.content.decode()
    filer.client.post(f"/claims/{claim.reference}/home-visit/", {"day": "2099-01-01"})
    claim.refresh_from_db()
    assert claim.home_visit_on is None

    day = clock.today() + timedelta(days=2)
    booked = filer.client.post(f"/claims/{claim.reference}/home-visit/", {"day": day.isoformat(), "note": "三楼"})
    assert booked.status_code == 302
    claim.refresh_from_db()
    assert (claim.home_visit_on, claim.home_visit_note) == (day, "三楼")
    assert day.isoformat() in filer.client.get(f"/claims/{claim.reference}/").content.decode()
