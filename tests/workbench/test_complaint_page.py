"""The complaint's page in the workbench."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.support.desk import Desk
from tests.workbench.test_claim_pages import signed_in
from xiaobao.complaints.models import Deadline

pytestmark = pytest.mark.django_db

PROVISIONAL = "暂定：下一年度节假日安排尚未载入，期限只可能后延"


def test_a_provisional_due_date_is_marked_as_such(client: Client, desk: Desk) -> None:
    complaint = desk.register()
    url = f"/workbench/complaints/{complaint.pk}/"
    browser = signed_in(client, desk.handler)
    confirmed = browser.get(url).content.decode()
    Deadline.objects.filter(complaint=complaint, active=True).update(provisional=True)
    provisional = browser.get(url).content.decode()

    assert PROVISIONAL not in confirmed
    assert PROVISIONAL in provisional
