"""The consumer downloads their letters from the portal: the decision letter from the tracking page (to whoever
the tracking page opens for, once the decision was sent), the refusal notice from their own claim page;
anyone else gets the same 404 as for an unknown number."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import World
from tests.portal.conftest import Filer, apply, filed_and_opened
from tests.support.desk import DECISION
from tests.support.pdf import pdf_text, squeezed
from tests.support.world import fresh_resident_id
from xiaobao.claims import actions as claim_actions
from xiaobao.claims.actions import missing
from xiaobao.claims.models import Claim
from xiaobao.complaints import actions
from xiaobao.complaints.models import Complaint
from xiaobao.identity.models import Staff
from xiaobao.kernel.actors import SYSTEM, Role

pytestmark = pytest.mark.django_db


def decided(world: World, complaint: Complaint, *, send: bool = True) -> None:
    handler, _ = world.ours.staff(Role.HANDLER)
    actions.complaint_accept(actor=SYSTEM, complaint_id=complaint.pk)
    actions.complaint_assign(actor=SYSTEM, complaint_id=complaint.pk, handler_id=handler.pk)
    actions.complaint_investigate(actor=SYSTEM, complaint_id=complaint.pk)
    actions.complaint_decide(actor=SYSTEM, complaint_id=complaint.pk, decision=DECISION)
    if send:
        actions.complaint_send_decision(actor=SYSTEM, complaint_id=complaint.pk)


def someone_else(world: World) -> Client:
    """Another person's browser, their own phone checked on the portal."""
    other = Filer(Client(), world.ours.insurer, fresh_resident_id())
    other.start(name="李四", phone="13800138002")
    other.verify()
    assert other.client.get("/my/").status_code == 200  # signed in as themselves, not turned away
    return other.client


def staff_of_another_insurer(world: World) -> Client:
    _, intruder = world.theirs.staff(*Role)
    client = Client()
    client.force_login(Staff.objects.get(pk=intruder.staff_id).user)
    return client


def test_the_complainant_downloads_the_decision_letter_from_the_tracking_page(filer: Filer, world: World) -> None:
    complaint, _code = filed_and_opened(filer)
    decided(world, complaint)
    url = f"/track/{complaint.reference}/decision-letter.pdf"

    page = filer.client.get(f"/track/{complaint.reference}/").content.decode()
    letter = filer.client.get(url)

    assert f'href="{url}"' in page
    assert (letter.status_code, letter["Content-Type"]) == (200, "application/pdf")
    assert letter["Cache-Control"] == "private, no-store"
    text = squeezed(pdf_text(letter.content))
    assert complaint.reference in text
    assert "王淑芬" in text
    assert squeezed(DECISION.findings) in text


def test_whoever_opens_the_case_with_its_reference_and_code_downloads_it(filer: Filer, world: World) -> None:
    complaint, code = filed_and_opened(filer)
    decided(world, complaint)
    other_browser = Client()

    other_browser.post("/track/", {"reference": complaint.reference, "access_code": code})
    letter = other_browser.get(f"/track/{complaint.reference}/decision-letter.pdf")

    assert letter.status_code == 200
    assert letter.content.startswith(b"%PDF")


@pytest.mark.parametrize("reader", ["anonymous", "someone_else", "staff_of_another_insurer"])
def test_anyone_who_did_not_open_the_case_gets_404(filer: Filer, world: World, reader: str) -> None:
    complaint, _code = filed_and_opened(filer)
    decided(world, complaint)
    client = {
        "anonymous": Client,
        "someone_else": lambda: someone_else(world),
        "staff_of_another_insurer": lambda: staff_of_another_insurer(world),
    }[reader]()

    assert client.get(f"/track/{complaint.reference}/decision-letter.pdf").status_code == 404


def test_a_decision_not_yet_sent_has_no_letter_for_the_complainant(filer: Filer, world: World) -> None:
    complaint, _code = filed_and_opened(filer)
    decided(world, complaint, send=False)
    url = f"/track/{complaint.reference}/decision-letter.pdf"

    page = filer.client.get(f"/track/{complaint.reference}/").content.decode()

    assert url not in page
    assert filer.client.get(url).status_code == 404


def refused_claim(filer: Filer, world: World) -> Claim:
    filer.verified()
    apply(filer)
    claim = Claim.objects.get()
    _, adjuster = world.ours.staff(Role.HANDLER)
    for code in missing(claim):
        claim_actions.claim_receive_document(
            actor=adjuster, claim_id=claim.pk, item_code=code, name=f"{code}.pdf", content=b"%PDF-1.4 document"
        )
    claim_actions.claim_assess(actor=adjuster, claim_id=claim.pk)
    return claim_actions.claim_refuse(
        actor=adjuster, claim_id=claim.pk, reasons="事故发生在保单生效之前。", basis="保险合同第三条"
    )


def test_the_claimant_downloads_the_refusal_notice_from_their_claim_page(filer: Filer, world: World) -> None:
    claim = refused_claim(filer, world)
    url = f"/claims/{claim.reference}/refusal-letter.pdf"

    page = filer.client.get(f"/claims/{claim.reference}/").content.decode()
    letter = filer.client.get(url)

    assert f'href="{url}"' in page
    assert (letter.status_code, letter["Content-Type"]) == (200, "application/pdf")
    text = squeezed(pdf_text(letter.content))
    assert claim.reference in text
    assert "王淑芬" in text
    assert "事故发生在保单生效之前。" in text


@pytest.mark.parametrize("reader", ["anonymous", "someone_else", "staff_of_another_insurer"])
def test_no_one_but_the_claimant_gets_the_refusal_notice(filer: Filer, world: World, reader: str) -> None:
    claim = refused_claim(filer, world)
    client = {
        "anonymous": Client,
        "someone_else": lambda: someone_else(world),
        "staff_of_another_insurer": lambda: staff_of_another_insurer(world),
    }[reader]()

    assert client.get(f"/claims/{claim.reference}/refusal-letter.pdf").status_code == 404


def test_a_claim_still_open_has_no_refusal_notice(filer: Filer) -> None:
    filer.verified()
    apply(filer)
    claim = Claim.objects.get()
    url = f"/claims/{claim.reference}/refusal-letter.pdf"

    assert url not in filer.client.get(f"/claims/{claim.reference}/").content.decode()
    assert filer.client.get(url).status_code == 404
