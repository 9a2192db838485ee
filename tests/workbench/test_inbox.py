"""The workbench inbox (#14): reminders, escalations and approval requests reach the person they are for,
with counts beside the links; nobody else's inbox can be read or marked."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.support.clock import SettableClock
from tests.support.desk import Desk
from tests.workbench.test_claim_pages import signed_in
from xiaobao.complaints import actions
from xiaobao.kernel.actors import Role
from xiaobao.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_a_deadline_reminder_reaches_the_handlers_inbox_and_is_marked_read(
    client: Client, desk: Desk, clock: SettableClock
) -> None:
    """Before: reminders were 'sent' in the in-app channel and no page listed them."""
    complaint = desk.in_state("investigating")
    clock.advance(days=11)  # five days before the due date
    actions.complaints_sweep()
    notice = Notification.objects.get(staff_id=desk.handler.staff_id, purpose="deadline_5d")

    page = signed_in(client, desk.handler).get("/workbench/inbox/").content.decode()
    assert complaint.reference in page
    assert "1 条未读" in page  # the count beside the link
    marked = client.post(f"/workbench/inbox/{notice.pk}/read/")
    assert marked.status_code == 302
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert "条未读" not in client.get("/workbench/inbox/").content.decode()


def test_nobody_reads_or_marks_another_persons_inbox(client: Client, desk: Desk, clock: SettableClock) -> None:
    desk.in_state("investigating")
    clock.advance(days=11)
    actions.complaints_sweep()
    notice = Notification.objects.get(staff_id=desk.handler.staff_id, purpose="deadline_5d")
    _, theirs = desk.world.theirs.staff(Role.SUPERVISOR)

    for intruder in (desk.other_handler, theirs):
        other = signed_in(Client(), intruder)
        assert str(notice.pk) not in other.get("/workbench/inbox/").content.decode()
        assert other.post(f"/workbench/inbox/{notice.pk}/read/").status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None
    assert Client().get("/workbench/inbox/").status_code == 302  # anonymous: sign in first


def test_the_approvals_link_says_how_many_wait(client: Client, desk: Desk) -> None:
    complaint = desk.in_state("investigating")
    actions.complaint_request_extension(
        actor=desk.handler, complaint_id=complaint.pk, to_complexity="complex", reason="需调取多家医院病历"
    )
    page = signed_in(client, desk.supervisor).get("/workbench/").content.decode()
    assert "1 件待批" in page
