"""Who read my data (#19 item 3, PI-4): the consumer signed in with their phone sees every staff reveal (the
insurer, the role — never the name —, the field, the reason, when) and every partner read (the partner, the
kinds of data, the purpose, when) of their own data, newest first, paginated; nobody else's. Compliance staff of
an insurer see their insurer's reads only."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.portal.conftest import latest_code
from tests.support.clock import SettableClock
from tests.support.desk import Desk
from tests.support.matrix import Cast, assert_matrix
from xiaobao.complaints import actions
from xiaobao.identity.actions import partner_key_issue
from xiaobao.identity.models import Consumer, Staff
from xiaobao.kernel.actors import SYSTEM, Actor, Role
from xiaobao.privacy.actions import personal_data_reveal

pytestmark = pytest.mark.django_db

PAGE = "/my/data/reads/"


def _signed_in(phone: str) -> Client:
    client = Client()
    client.post("/sign-in/", {"phone": phone, "next": PAGE})
    assert client.post("/sign-in/code/", {"code": latest_code("verification_code")})["Location"] == PAGE
    return client


def _partner_read(desk: Desk, consumer: Consumer | None = None) -> str:
    """A partner reads, through its key, a complaint of ``consumer`` forwarded to it; its name is returned."""
    partner = desk.world.ours.partner_under_agreement(["complaint", "complainant_contact"])
    overrides = {"complainant_id": consumer.pk} if consumer else {}
    case = desk.in_state("investigating", **overrides)
    actions.complaint_forward(actor=desk.handler, complaint_id=case.pk, partner_id=partner.pk, summary="请核实")
    _, raw = partner_key_issue(actor=SYSTEM, partner_id=partner.pk)
    assert Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/partner/forwards").status_code == 200
    return partner.name


def _staff_name(actor: Actor) -> str:
    return Staff.objects.get(pk=actor.staff_id).display_name


def test_an_anonymous_visitor_is_sent_to_the_phone_sign_in(client: Client) -> None:
    response = client.get(PAGE)
    assert response["Location"] == "/sign-in/?next=%2Fmy%2Fdata%2Freads%2F"


def test_the_consumer_sees_the_staff_reveals_and_partner_reads_of_their_data_newest_first(
    desk: Desk, clock: SettableClock
) -> None:
    personal_data_reveal(actor=desk.handler, consumer_id=desk.complainant.pk, field="phone", reason="回电核实投诉细节")
    clock.advance(hours=1)
    partner_name = _partner_read(desk)

    page = _signed_in("13800138001").get(PAGE).content.decode()

    assert partner_name in page
    assert "回电核实投诉细节" in page
    assert "投诉处理" in page  # the partner's purpose, in plain words
    assert "投诉人的联系方式" in page  # the kinds of data it read
    assert _staff_name(desk.handler) not in page  # the role, never the name
    assert "投诉处理员" in page
    assert page.index(partner_name) < page.index("回电核实投诉细节")  # newest first


def test_another_consumer_sees_none_of_it(desk: Desk) -> None:
    personal_data_reveal(actor=desk.handler, consumer_id=desk.complainant.pk, field="phone", reason="回电核实投诉细节")
    partner_name = _partner_read(desk)
    desk.world.ours.consumer(name="赵六", phone="13700137000")

    page = _signed_in("13700137000").get(PAGE).content.decode()

    assert "回电核实投诉细节" not in page
    assert partner_name not in page
    assert "没有人" in page  # "nobody has read your personal data in full"


def test_staff_signed_in_on_the_workbench_are_not_a_consumer_here(desk: Desk) -> None:
    staff = Client()
    staff.force_login(Staff.objects.get(pk=desk.compliance.staff_id).user)
    assert staff.get(PAGE).status_code == 302


def test_the_reads_are_paginated_twenty_a_page(desk: Desk, clock: SettableClock) -> None:
    for number in range(23):
        clock.advance(minutes=1)
        personal_data_reveal(
            actor=desk.handler, consumer_id=desk.complainant.pk, field="phone", reason=f"第{number:02d}次回电核实"
        )
    client = _signed_in("13800138001")

    first, second = client.get(PAGE).content.decode(), client.get(f"{PAGE}?page=2").content.decode()

    assert "第22次回电核实" in first
    assert "第03次回电核实" in first
    assert "第02次回电核实" not in first
    assert "第02次回电核实" in second
    assert "第00次回电核实" in second
    assert client.get(f"{PAGE}?page=oops").status_code == 200  # a bad page number shows the first page


def test_the_my_page_links_to_it(desk: Desk) -> None:
    assert PAGE in _signed_in("13800138001").get("/my/").content.decode()


def test_compliance_staff_see_their_insurers_reads_only(desk: Desk, clock: SettableClock) -> None:
    personal_data_reveal(actor=desk.handler, consumer_id=desk.complainant.pk, field="phone", reason="回电核实投诉细节")
    partner_name = _partner_read(desk)
    cast = Cast.build(desk.world, Role.COMPLIANCE_OFFICER)

    def sees(actor: Actor) -> bool:
        client = Client()
        if actor.user_id is not None:
            client.force_login(get_user_model().objects.get(pk=actor.user_id))
        response = client.get("/workbench/data-reads/")
        page = response.content.decode()
        return response.status_code == 200 and "回电核实投诉细节" in page and partner_name in page

    assert_matrix(cast, sees, {"staff_with_role"})


def test_compliance_staff_of_another_insurer_get_their_own_empty_log(desk: Desk) -> None:
    personal_data_reveal(actor=desk.handler, consumer_id=desk.complainant.pk, field="phone", reason="回电核实投诉细节")
    partner_name = _partner_read(desk)
    their_staff, _their_compliance = desk.world.theirs.staff(Role.COMPLIANCE_OFFICER)
    other = Client()
    other.force_login(their_staff.user)

    response = other.get("/workbench/data-reads/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "回电核实投诉细节" not in page
    assert partner_name not in page


def test_the_page_does_not_grow_with_the_reads(desk: Desk) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _partner_read(desk)
    client = _signed_in("13800138001")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(PAGE).status_code == 200
        return len(captured)

    personal_data_reveal(actor=desk.handler, consumer_id=desk.complainant.pk, field="phone", reason="回电核实细节")
    few = queries()
    for _ in range(5):  # at the same minute: the session's renewal is not counted
        _partner_read(desk)
        personal_data_reveal(actor=desk.handler, consumer_id=desk.complainant.pk, field="name", reason="核对身份信息")
    assert queries() == few
