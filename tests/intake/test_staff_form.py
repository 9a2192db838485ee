"""The staff intake form for letters and counter visits: receipt date kept, scan kept, a rejected form keeps all."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.portal.conftest import EXECUTABLE, PDF
from tests.support.desk import Desk
from xiaobao.complaints.models import Attachment, Complaint
from xiaobao.identity.models import Staff

pytestmark = pytest.mark.django_db


def form(desk: Desk, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "channel": "letter",
        "received_at": "2026-02-26T09:30",
        "handling_branch": desk.world.ours.city.pk,
        "name": "王淑芬",
        "phone": "13800138001",
        "product_line": "ordinary_life",
        "reason": "surrender",
        "description": "退保金额与合同约定不符，来信附合同复印件。",
        "token": "letter-1",
    }
    data.update(overrides)
    return data


def login(desk: Desk) -> Client:
    client = Client()
    client.force_login(Staff.objects.get(pk=desk.handler.staff_id).user)
    return client


def test_a_letter_is_registered_from_the_day_it_arrived_with_its_scan(desk: Desk) -> None:
    response = login(desk).post("/workbench/intake/", form(desk, scan=SimpleUploadedFile("来信.pdf", PDF)))

    complaint = Complaint.objects.get()
    assert response["Location"] == f"/workbench/complaints/{complaint.pk}/"
    assert (complaint.channel, complaint.received_on) == ("letter", date(2026, 2, 26))
    assert Attachment.objects.get(complaint=complaint).content_type == "application/pdf"


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"received_at": "2026-03-09T09:30"}, "收到投诉的时间不能晚于现在"),
        ({"scan": "exe"}, "不能上传"),
        ({"phone": "12"}, "电话号码无效"),
    ],
)
def test_a_rejected_form_keeps_what_was_typed_and_writes_nothing(desk: Desk, change: dict, says: str) -> None:
    if change.get("scan") == "exe":
        change = {"scan": SimpleUploadedFile("来信.pdf", EXECUTABLE)}
    response = login(desk).post("/workbench/intake/", form(desk, **change))
    page = response.content.decode()
    assert response.status_code == 400
    assert says in page
    assert "退保金额与合同约定不符，来信附合同复印件。" in page
    assert 'value="王淑芬"' in page
    assert not Complaint.objects.exists()
