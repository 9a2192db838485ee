"""The complaints API takes a complainant by any identity document (INC-3); without a kind, a resident ID, as
before."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.complaints.test_api import body, counts, login
from tests.support.desk import Desk
from tests.support.world import fresh_resident_id
from xiaobao.complaints.models import Complaint

pytestmark = pytest.mark.django_db


def complainant(**fields: object) -> dict[str, object]:
    return {"name": "Anna Müller", "phone": "13800138005", **fields}


def test_a_complaint_is_registered_for_a_passport_holder(client: Client, desk: Desk) -> None:
    api = login(client, desk.handler)
    payload = body(desk, complainant=complainant(id_kind="passport", resident_id="c01x00t47", birth_year=1950))

    created = api.post("/api/v1/complaints", payload, content_type="application/json")

    assert created.status_code == 201, created.json()
    person = Complaint.objects.get(pk=created.json()["id"]).complainant
    assert (person.id_kind, person.resident_id, person.birth_year) == ("passport", "C01X00T47", 1950)
    assert "elderly" in created.json()["flags"]


def test_a_new_urban_resident_is_said_so_over_the_api(client: Client, desk: Desk) -> None:
    api = login(client, desk.handler)
    payload = body(
        desk, complainant=complainant(id_kind="taiwan_permit", resident_id="01234567", new_urban_resident=True)
    )

    created = api.post("/api/v1/complaints", payload, content_type="application/json")

    assert created.status_code == 201, created.json()
    assert "new_urban_resident" in created.json()["flags"]


def test_without_a_kind_the_number_is_a_resident_id_as_before(client: Client, desk: Desk) -> None:
    api = login(client, desk.handler)
    number = fresh_resident_id()

    created = api.post(
        "/api/v1/complaints", body(desk, complainant=complainant(resident_id=number)), content_type="application/json"
    )

    assert created.status_code == 201, created.json()
    person = Complaint.objects.get(pk=created.json()["id"]).complainant
    assert (person.id_kind, person.resident_id) == ("resident_id", number)


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"id_kind": "passport", "resident_id": "C01X<0T47"}, "invalid_id_document"),
        ({"id_kind": "passport_cn", "resident_id": "D12345678"}, "invalid_id_document"),
        ({"id_kind": "library_card", "resident_id": "12345"}, "invalid_input"),
        ({"id_kind": "passport", "resident_id": "C01X00T47", "birth_year": 1850}, "invalid_input"),
    ],
)
def test_a_number_not_of_its_kind_is_refused_and_nothing_is_written(
    client: Client, desk: Desk, fields: dict[str, object], code: str
) -> None:
    api = login(client, desk.handler)
    before = counts()

    response = api.post(
        "/api/v1/complaints", body(desk, complainant=complainant(**fields)), content_type="application/json"
    )

    assert (response.status_code, response.json()["code"]) == (422, code)
    assert counts() == before
