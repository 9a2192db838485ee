"""The acknowledgement's ``location`` (where the caller reads the receipt) is reversed once per script prefix and
kept (issue #20): it must still follow the prefix the site is mounted under."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.test.utils import override_script_prefix
from django.urls import reverse

from tests.complaints.test_write_behind import body, post
from tests.support.desk import Desk
from xiaobao.identity.models import Staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _deferred(settings: Any) -> None:
    settings.XIAOBAO_INTAKE_IMMEDIATE = False


def test_the_location_follows_the_script_prefix_of_each_request(desk: Desk) -> None:
    # (Django's test client leaves the script prefix alone; the WSGI handler sets it from SCRIPT_NAME)
    api = Client()
    api.force_login(Staff.objects.get(pk=desk.supervisor.staff_id).user)

    with override_script_prefix("/xiaobao/"):
        under_prefix = post(api, body(desk), key="k-mounted").json()
    at_root = post(api, body(desk), key="k-root").json()
    with override_script_prefix("/xiaobao/"):
        again = post(api, body(desk), key="k-mounted-2").json()

    assert under_prefix["location"] == f"/xiaobao/api/v1/receipts/{under_prefix['reference']}"
    assert at_root["location"] == f"/api/v1/receipts/{at_root['reference']}"
    assert again["location"] == f"/xiaobao/api/v1/receipts/{again['reference']}"
    assert at_root["location"] == reverse("api:complaint_receipt", args=[at_root["reference"]])
