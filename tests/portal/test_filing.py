"""Filing online: identity checked by ID checksum and an SMS code, attachments checked by content, nothing lost."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.conftest import World
from tests.portal.conftest import EXECUTABLE, PDF, Filer, latest_code
from tests.support.world import fresh_resident_id
from xiaobao.audit.models import AuditEvent
from xiaobao.complaints.models import Attachment, Complaint
from xiaobao.demo.data import ELDER_RESIDENT_ID
from xiaobao.kernel.actors import Role
from xiaobao.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_a_consumer_files_online_with_an_attachment(filer: Filer) -> None:
    filer.verified()

    response = filer.details(attachments=[SimpleUploadedFile("诊断证明.pdf", PDF)])

    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert response["Location"] == f"/filed/{complaint.reference}/"
    assert (complaint.channel, complaint.state, complaint.insurer) == ("web", "registered", filer.insurer)
    attachment = Attachment.objects.get(complaint=complaint)
    assert (attachment.content_type, attachment.original_name) == ("application/pdf", "诊断证明.pdf")
    assert attachment.file.read() == PDF
    page = filer.client.get(response["Location"]).content.decode()
    assert complaint.reference in page
    code = re.search(r'id="access-code">(\d{8})<', page)
    assert code is not None
    received = Notification.objects.get(about_id=str(complaint.pk), purpose="complaint_received")
    assert code.group(1) in received.body  # the access code also goes by SMS


def test_an_invalid_id_number_is_refused_and_what_was_typed_stays(filer: Filer) -> None:
    wrong_check_digit = ELDER_RESIDENT_ID[:-1] + ("1" if ELDER_RESIDENT_ID[-1] != "1" else "2")
    response = filer.start(resident_id=wrong_check_digit, name="王淑芬", phone="13800138001")
    page = response.content.decode()  # type: ignore[attr-defined]
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "身份证号码无效" in page
    assert 'value="王淑芬"' in page
    assert 'value="13800138001"' in page
    assert not Notification.objects.filter(purpose="verification_code").exists()


def test_a_wrong_code_is_refused_and_five_wrong_codes_spend_it(filer: Filer) -> None:
    filer.start()
    right = latest_code("verification_code")
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    first = filer.verify(wrong)
    for _ in range(4):
        filer.verify(wrong)
    late = filer.verify(right)

    assert first.status_code == 400  # type: ignore[attr-defined]
    assert "验证码不正确或已过期" in first.content.decode()  # type: ignore[attr-defined]
    assert late.status_code == 400  # type: ignore[attr-defined]


def test_the_details_page_needs_a_verified_phone(filer: Filer) -> None:
    response = filer.details()
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert response["Location"].endswith("/complain/")  # type: ignore[index]
    assert not Complaint.objects.exists()


def test_an_executable_named_pdf_is_refused_and_nothing_is_written(filer: Filer) -> None:
    filer.verified()
    events = AuditEvent.objects.filter(event_type__startswith="complaint.").count()

    response = filer.details(
        description="理赔被拒，附上材料。", attachments=[SimpleUploadedFile("材料.pdf", EXECUTABLE)]
    )

    page = response.content.decode()  # type: ignore[attr-defined]
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "“材料.pdf”不能上传" in page
    assert "理赔被拒，附上材料。" in page  # what was typed is still there
    assert not Complaint.objects.exists()
    assert not Attachment.objects.exists()
    assert AuditEvent.objects.filter(event_type__startswith="complaint.").count() == events


def test_submitting_the_same_form_twice_makes_one_complaint(filer: Filer) -> None:
    filer.verified()
    first = filer.details(token="same-form")
    second = filer.details(token="same-form")
    assert first["Location"] == second["Location"]  # type: ignore[index]
    assert Complaint.objects.count() == 1


def test_the_same_complaint_from_a_new_form_is_linked_to_the_first(filer: Filer) -> None:
    filer.verified()
    filer.details(token="form-a")
    again = filer.details(token="form-b")
    page = filer.client.get(again["Location"]).content.decode()  # type: ignore[index]
    assert Complaint.objects.count() == 1
    assert "我们已经收到过这件投诉" in page


def test_script_in_a_description_is_shown_as_text(filer: Filer, world: World) -> None:
    filer.verified()
    filer.details(description='<script>alert("x")</script> 理赔被拒')
    complaint = Complaint.objects.get()
    staff, _ = world.ours.staff(Role.SUPERVISOR)
    handler_browser = Client()
    handler_browser.force_login(staff.user)

    page = handler_browser.get(f"/workbench/complaints/{complaint.pk}/").content.decode()

    assert complaint.description.startswith("<script>")
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; 理赔被拒" in page
    assert '<script>alert("x")</script>' not in page


def test_csrf_is_refused(world: World) -> None:
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(f"/i/{world.ours.insurer.code}/complain/", {"name": "x"})
    assert response.status_code == 403


def test_the_insurer_page_publishes_every_channel_and_the_process(client: Client, world: World) -> None:
    insurer = world.ours.insurer
    insurer.complaint_phone, insurer.complaint_address = "400-000-0000", "沈阳市和平区南京北街 1 号"
    insurer.complaint_email, insurer.website = "ts@example.com", "https://example.com"
    insurer.save()
    page = client.get(f"/i/{insurer.code}/").content.decode()
    for published in ("400-000-0000", "沈阳市和平区南京北街 1 号", "ts@example.com", "https://example.com", "15 日内"):
        assert published in page


def test_one_address_cannot_send_codes_to_a_list_of_phones(world: World) -> None:
    """Before: 30 codes to 30 phones from one address were all sent."""
    sender = Client(REMOTE_ADDR="198.51.100.66")
    answers = [
        sender.post(
            f"/i/{world.ours.insurer.code}/complain/",
            {
                "name": "王",
                "resident_id": fresh_resident_id(),
                "phone": f"139001390{n:02d}",
                "preferred_channel": "sms",
            },
        ).status_code
        for n in range(12)
    ]
    sent = Notification.objects.filter(purpose="verification_code").count()

    assert answers[:10] == [302] * 10
    assert answers[10:] == [400, 400]
    assert sent == 10
    elsewhere = Client(REMOTE_ADDR="203.0.113.7").post(
        f"/i/{world.ours.insurer.code}/complain/",
        {"name": "王", "resident_id": fresh_resident_id(), "phone": "13700137000", "preferred_channel": "sms"},
    )
    assert elsewhere.status_code == 302
