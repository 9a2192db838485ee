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


def test_a_further_message_is_kept_encrypted_and_shown_on_the_case(client: Client, desk: Desk) -> None:
    """Before: only its channel and length were recorded; the text survived in a staff notice cut to 500."""
    from django.db import connection

    from xiaobao.complaints import actions
    from xiaobao.complaints.models import Message

    complaint = desk.in_state("investigating")
    text = "补充：修理厂报价单已寄出，" + "另附说明。" * 150  # longer than the 500 characters a notice keeps
    actions.complaint_add_message(actor=desk.handler, complaint_id=complaint.pk, channel="hotline", text=text)

    message = Message.objects.get(complaint=complaint)
    assert message.text == text
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT text FROM {Message._meta.db_table} WHERE id = %s", [message.pk])
        stored = cursor.fetchone()[0]
    assert "修理厂" not in stored  # encrypted at rest
    signed_in(client, desk.handler)
    page = client.get(f"/workbench/complaints/{complaint.pk}/").content.decode()
    assert text[-40:] in page
