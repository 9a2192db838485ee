"""The complaint's page in the workbench."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.support.desk import Desk
from tests.workbench.test_claim_pages import signed_in
from xiaobao.complaints.models import Complaint, Deadline
from xiaobao.kernel.actors import Role

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


def test_the_case_page_shows_who_complains_about_what_and_the_files_they_sent(client: Client, desk: Desk) -> None:
    """Before (#14): no complainant, no policy number or category, the channel as a raw code, and the files the
    complainant sent stored but shown nowhere."""
    from tests.portal.conftest import PDF
    from xiaobao.complaints import actions
    from xiaobao.complaints.actions import Upload

    complaint = desk.in_state("investigating", policy_number="P-2026-0042")
    consumer = Complaint.objects.get(pk=complaint.pk).complainant
    actions.complaint_attach(actor=desk.supervisor, complaint_id=complaint.pk, uploads=[Upload("诊断证明.pdf", PDF)])

    page = signed_in(client, desk.handler).get(f"/workbench/complaints/{complaint.pk}/").content.decode()

    assert "P-2026-0042" in page
    assert "医疗保险" in page  # the product line in words
    assert "客服热线" in page  # the channel in words, not "hotline"
    assert consumer.phone not in page  # masked
    assert consumer.phone[-4:] in page
    assert "诊断证明.pdf" in page
    attachment = complaint.attachments.get()
    url = f"/workbench/complaints/{complaint.pk}/attachments/{attachment.pk}/"
    served = client.get(url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == PDF  # type: ignore[attr-defined]
    _, theirs = desk.world.theirs.staff(Role.HANDLER, Role.SUPERVISOR)
    assert signed_in(Client(), theirs).get(url).status_code == 404  # no tenant crossing


def test_an_incomplete_decision_names_its_missing_parts_in_the_readers_language() -> None:
    from django.utils import translation

    from xiaobao.complaints.domain.decisions import Decision, IncompleteDecision, Outcome, check_decision
    from xiaobao.ops.i18n import message_of

    empty = Decision(outcome=Outcome.UPHELD, findings="", basis="", reasons="x", remedy="")
    try:
        check_decision(empty)
    except IncompleteDecision as refused:
        with translation.override("zh-hans"):
            chinese = message_of(refused)
        with translation.override("en"):
            english = message_of(refused)
    assert "findings" not in chinese
    assert "、" in chinese
    assert "the facts found, the basis, what the insurer will do" in english


def test_the_queue_pages_through_every_open_complaint_and_finds_one_by_reference(client: Client, desk: Desk) -> None:
    """Before (#14): the queue stopped at 100 rows with no paging, search or "my cases"."""
    import re

    complaints = [desk.in_state("investigating") for _ in range(55)]
    signed_in(client, desk.supervisor)

    first = client.get("/workbench/").content.decode()
    second = client.get("/workbench/?page=2").content.decode()
    found = client.get(f"/workbench/?reference={complaints[7].reference.lower()}").content.decode()
    mine = signed_in(Client(), desk.handler).get(f"/workbench/?handler_id={desk.handler.staff_id}").content.decode()

    assert "55 件在办投诉" in first
    shown = set(re.findall(r"LN-\d{4}-\d{6}", first)) | set(re.findall(r"LN-\d{4}-\d{6}", second))
    assert shown == {c.reference for c in complaints}
    assert 'rel="next"' in first
    assert 'rel="prev"' in second
    assert set(re.findall(r"LN-\d{4}-\d{6}", found)) == {complaints[7].reference}
    assert "55 件在办投诉" in mine  # every one is this handler's


@pytest.mark.parametrize(
    "query", ["?page=99999999999999999999999", "?page=-3", "?page=abc", "?reference=LN%00", "?reference=%E2%80%AE%27--"]
)
def test_the_queue_answers_odd_input_without_a_server_error(client: Client, desk: Desk, query: str) -> None:
    """A page beyond a bigint or a NUL in the search went straight to the database (a 500 on PostgreSQL)."""
    desk.in_state("investigating")
    response = signed_in(client, desk.supervisor).get(f"/workbench/{query}")
    assert response.status_code == 200
