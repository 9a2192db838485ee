"""The case page holds the whole case (#14): a logged reveal, previews and downloads under the sent name, the
clock's reasoning, what was sent to the complainant, and one step form open at a time."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.portal.conftest import PDF
from tests.support.desk import Desk
from tests.support.matrix import row_counts
from tests.workbench.test_claim_pages import signed_in
from xiaobao.audit.models import AuditEvent
from xiaobao.complaints import actions
from xiaobao.complaints.actions import Upload
from xiaobao.complaints.domain.files import download_name
from xiaobao.complaints.models import Complaint
from xiaobao.identity.models import Staff
from xiaobao.kernel.actors import Role
from xiaobao.privacy.models import PersonalDataAccess

pytestmark = pytest.mark.django_db

FULL_PHONE = "13800138001"


def _reveal(client: Client, complaint: Complaint, reason: str = "回电核实投诉细节") -> object:
    return client.post(f"/workbench/complaints/{complaint.pk}/reveal/", {"field": "phone", "reason": reason})


def test_a_handler_sees_the_full_phone_once_and_the_reveal_is_logged_and_audited(client: Client, desk: Desk) -> None:
    complaint = desk.in_state("investigating")
    browser = signed_in(client, desk.handler)
    assert FULL_PHONE not in browser.get(f"/workbench/complaints/{complaint.pk}/").content.decode()

    answer = _reveal(browser, complaint)

    assert answer.status_code == 200  # type: ignore[attr-defined]
    assert FULL_PHONE in answer.content.decode()  # type: ignore[attr-defined]
    assert answer["Cache-Control"].startswith("max-age=0")  # type: ignore[index]
    logged = PersonalDataAccess.objects.get()
    assert (logged.field, logged.reason, logged.staff_id) == ("phone", "回电核实投诉细节", desk.handler.staff_id)
    assert AuditEvent.objects.filter(event_type="privacy.revealed").count() == 1
    # the page drawn afterwards is masked again: the value lives in that one answer only
    assert FULL_PHONE not in browser.get(f"/workbench/complaints/{complaint.pk}/").content.decode()


@pytest.mark.parametrize("who", ["anonymous", "consumer", "other_insurer_staff", "staff_without_role"])
def test_nobody_else_reveals_and_a_refusal_leaves_nothing(client: Client, desk: Desk, who: str) -> None:
    from django.contrib.auth import get_user_model

    complaint = desk.in_state("investigating")
    if who == "consumer":
        user = get_user_model().objects.create_user(username="the-complainant", password="x" * 12)
        complaint.complainant.user = user
        complaint.complainant.save(update_fields=["user"])
        client.force_login(user)
    elif who == "other_insurer_staff":
        signed_in(client, desk.world.theirs.staff(Role.HANDLER, Role.SUPERVISOR, Role.COMPLIANCE_OFFICER)[1])
    elif who == "staff_without_role":
        signed_in(client, desk.world.ours.staff(Role.SENIOR_MANAGER, Role.AUDITOR)[1])
    before = row_counts()

    answer = _reveal(client, complaint)

    assert FULL_PHONE not in answer.content.decode()  # type: ignore[attr-defined]
    assert answer.status_code in {302, 400, 403, 404}  # type: ignore[attr-defined]
    assert row_counts() == before


def test_a_reveal_without_a_reason_says_so_and_keeps_what_was_chosen(client: Client, desk: Desk) -> None:
    complaint = desk.in_state("investigating")
    before = row_counts()

    answer = _reveal(signed_in(client, desk.handler), complaint, reason="看")

    page = answer.content.decode()  # type: ignore[attr-defined]
    assert answer.status_code == 400  # type: ignore[attr-defined]
    assert 'id="reveal-error"' in page
    assert FULL_PHONE not in page
    assert re.search(r'<option value="phone" selected>', page)
    assert row_counts() == before


def test_a_recused_handler_cannot_reveal_through_the_case(client: Client, desk: Desk) -> None:
    complaint = desk.in_state("investigating")
    complaint.involved_staff.add(Staff.objects.get(pk=desk.other_handler.staff_id))
    before = row_counts()

    answer = _reveal(signed_in(client, desk.other_handler), complaint)

    assert answer.status_code == 404  # type: ignore[attr-defined]
    assert row_counts() == before


def test_a_file_downloads_under_the_name_it_was_sent_with_and_is_previewed(client: Client, desk: Desk) -> None:
    complaint = desk.in_state("investigating")
    actions.complaint_attach(actor=desk.supervisor, complaint_id=complaint.pk, uploads=[Upload("诊断证明.pdf", PDF)])
    attachment = complaint.attachments.get()
    url = f"/workbench/complaints/{complaint.pk}/attachments/{attachment.pk}/"
    browser = signed_in(client, desk.handler)

    page = browser.get(f"/workbench/complaints/{complaint.pk}/").content.decode()
    inline = browser.get(url)
    download = browser.get(url + "?download=1")

    assert f'<iframe class="preview" src="{url}"' in page
    assert inline["Content-Disposition"].startswith("inline;")
    assert inline["X-Frame-Options"] == "SAMEORIGIN"  # our own page may frame it, no other site
    assert "frame-ancestors 'self'" in inline["Content-Security-Policy"]
    assert download["Content-Disposition"] == "attachment; filename*=utf-8''%E8%AF%8A%E6%96%AD%E8%AF%81%E6%98%8E.pdf"


@pytest.mark.parametrize(
    ("sent", "content_type", "downloaded"),
    [
        ("诊断证明.pdf", "application/pdf", "诊断证明.pdf"),
        ("scan", "application/pdf", "scan.pdf"),
        ("photo.JPG", "image/jpeg", "photo.JPG"),
        ("invoice.pdf", "image/png", "invoice.pdf.png"),  # named as what it is, not what it claims
        ("../../etc/passwd", "image/png", "passwd.png"),
        ("C:\\Users\\a\\票据.png", "image/png", "票据.png"),
        ("\x00\n", "audio/mpeg", "C-1.mp3"),
    ],
)
def test_the_download_name_is_the_sent_one_made_safe(sent: str, content_type: str, downloaded: str) -> None:
    assert download_name(sent, content_type, fallback="C-1") == downloaded


def test_the_clock_explains_its_date_in_the_readers_language(client: Client, desk: Desk) -> None:
    complaint = desk.in_state("investigating")
    browser = signed_in(client, desk.handler)

    chinese = browser.get(f"/workbench/complaints/{complaint.pk}/").content.decode()
    english = browser.get(f"/workbench/complaints/{complaint.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "How this date is reached" in english
    assert "that day is not counted" in english
    assert "CMP-T1" in chinese
    assert "that day is not counted" not in chinese  # translated, not the engine's English


def test_what_was_sent_to_the_complainant_is_on_the_case_with_its_state(client: Client, desk: Desk) -> None:
    complaint = desk.in_state("notified")

    page = signed_in(client, desk.handler).get(f"/workbench/complaints/{complaint.pk}/").content.decode()

    assert 'id="notices-heading"' in page
    assert "拒赔通知未说明具体条款" in page  # the decision notice's text, as sent


def test_one_step_form_is_open_at_a_time_and_a_refused_one_reopens(client: Client, desk: Desk) -> None:
    complaint = desk.in_state("investigating")
    browser = signed_in(client, desk.handler)

    page = browser.get(f"/workbench/complaints/{complaint.pk}/").content.decode()
    refused = browser.post(
        f"/workbench/complaints/{complaint.pk}/steps/decide/", {"outcome": "upheld"}
    ).content.decode()

    assert page.count('<details class="step" name="step"') >= 2
    assert " open>" not in re.sub(r'<details class="reveal"[^>]*>', "", page).split('id="steps-heading"')[1]
    assert re.search(r'<details class="step" name="step" id="step-decide" open>', refused)


def test_the_claim_page_shows_the_claimant_masked_and_reveals_through_the_claims_gate(
    client: Client, desk: Desk
) -> None:
    from tests.support.claims import report

    claim = report(desk)
    browser = signed_in(client, desk.handler)
    page = browser.get(f"/workbench/claims/{claim.pk}/").content.decode()
    assert FULL_PHONE not in page
    assert FULL_PHONE[-4:] in page

    answer = browser.post(f"/workbench/claims/{claim.pk}/reveal/", {"field": "phone", "reason": "核实理赔申请人"})

    assert FULL_PHONE in answer.content.decode()
    assert PersonalDataAccess.objects.get().consumer_id == claim.claimant_id
    _, theirs = desk.world.theirs.staff(Role.HANDLER, Role.SUPERVISOR)
    before = row_counts()
    stranger = signed_in(Client(), theirs).post(
        f"/workbench/claims/{claim.pk}/reveal/", {"field": "phone", "reason": "越权查看他人"}
    )
    assert stranger.status_code == 404
    assert row_counts() == before
