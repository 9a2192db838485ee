"""A consumer reading their complaint over the API sees only the events meant for them (CMP-2)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.support.clock import SettableClock
from tests.support.desk import Desk
from xiaobao.complaints import actions
from xiaobao.identity.models import Staff

pytestmark = pytest.mark.django_db

STAFF_ONLY = {
    "complaint.forwarded_to_partner",
    "complaint.deadline_reminder",
    "complaint.extension_requested",
    "complaint.conflict_declared",
}


def _complaint_with_staff_only_events(desk: Desk, clock: SettableClock) -> int:
    complaint = desk.in_state("investigating")  # due 2026-03-17
    partner = desk.world.ours.partner_under_agreement()
    actions.complaint_forward(
        actor=desk.handler, complaint_id=complaint.pk, partner_id=partner.pk, summary="代理人销售时未说明免责条款"
    )
    actions.complaint_request_extension(
        actor=desk.handler, complaint_id=complaint.pk, to_complexity="complex", reason="需要调取三家医院的病历。"
    )
    clock.set("2026-03-12 08:00")  # five days left: the handler is reminded
    actions.complaints_sweep()
    actions.complaint_declare_conflict(actor=desk.handler, complaint_id=complaint.pk, note="投诉人是我的亲戚")
    return complaint.pk


def test_the_consumer_sees_no_staff_only_event_and_staff_see_them_all(desk: Desk, clock: SettableClock) -> None:
    pk = _complaint_with_staff_only_events(desk, clock)
    consumer = desk.complainant
    consumer.user = get_user_model().objects.create_user(username="wangshufen", password="x" * 12)
    consumer.save(update_fields=["user"])
    as_consumer = Client()
    as_consumer.force_login(consumer.user)
    as_staff = Client()
    as_staff.force_login(Staff.objects.get(pk=desk.supervisor.staff_id).user)

    mine = as_consumer.get(f"/api/v1/complaints/{pk}")
    theirs = as_staff.get(f"/api/v1/complaints/{pk}")

    assert (mine.status_code, theirs.status_code) == (200, 200)
    consumer_events = {e["event_type"] for e in mine.json()["timeline"]}
    staff_events = {e["event_type"] for e in theirs.json()["timeline"]}
    assert staff_events >= STAFF_ONLY
    assert not consumer_events & STAFF_ONLY
    assert "complaint.registered" in consumer_events
    assert all(e["visible_to_consumer"] for e in mine.json()["timeline"])
    assert mine.json()["conflicts"] == []
    assert theirs.json()["conflicts"] != []
