"""Staff see a complainant's non-resident ID document masked and named (PI-2, INC-3), and find it by its number."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.support.desk import Desk
from tests.workbench.test_claim_pages import signed_in
from xiaobao.complaints import selectors
from xiaobao.identity.domain.documents import IdKind
from xiaobao.kernel.actors import Role

pytestmark = pytest.mark.django_db

PASSPORT = "E12345678"


def passport_case(desk: Desk) -> int:
    holder = desk.world.ours.consumer(name="李明", id_kind=IdKind.CHINESE_PASSPORT.value, resident_id=PASSPORT)
    return desk.register(complainant_id=holder.pk).pk


def test_the_case_page_names_the_document_and_masks_its_number(client: Client, desk: Desk) -> None:
    pk = passport_case(desk)

    page = signed_in(client, desk.handler).get(f"/workbench/complaints/{pk}/", HTTP_ACCEPT_LANGUAGE="en")

    text = page.content.decode()
    assert page.status_code == 200
    assert "Chinese passport E******78" in text
    assert PASSPORT not in text


def test_staff_of_another_insurer_get_not_found_for_the_passport_holders_case(client: Client, desk: Desk) -> None:
    pk = passport_case(desk)
    _, stranger = desk.world.theirs.staff(Role.SUPERVISOR)
    page = signed_in(client, stranger).get(f"/workbench/complaints/{pk}/")
    missing = signed_in(Client(), stranger).get("/workbench/complaints/999999999/")

    assert page.status_code == missing.status_code == 404


def test_the_queue_finds_a_complaint_by_the_passport_number(desk: Desk) -> None:
    pk = passport_case(desk)
    ordinary = desk.register().pk

    found = selectors.queue(desk.supervisor, selectors.QueueFilters(search="e 1234 5678"))

    pks = [row.complaint.pk for row in found]
    assert pks == [pk]
    assert ordinary not in pks
