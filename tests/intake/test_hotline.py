"""The call centre posts each call: a case is created or appended, a call is taken once, no tenant crossing."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import World
from xiaobao.audit.models import AuditEvent
from xiaobao.complaints.models import Complaint
from xiaobao.identity.actions import staff_key_issue
from xiaobao.kernel.actors import Role

pytestmark = pytest.mark.django_db


def call_centre(world: World, theirs: bool = False) -> Client:
    _, agent = (world.theirs if theirs else world.ours).staff(Role.HANDLER)
    _, token = staff_key_issue(actor=agent, label="call centre")
    return Client(headers={"Authorization": f"Bearer {token}"})


def post(client: Client, **payload: object) -> object:
    return client.post("/api/v1/intake/hotline", payload, content_type="application/json")


def test_a_call_creates_a_case_and_the_same_call_again_does_not(world: World) -> None:
    client = call_centre(world)
    call = {
        "call_id": "C-20260302-0001",
        "caller_number": "13800138007",
        "caller_name": "赵敏",
        "summary": "车险定损金额过低。",
        "handling_branch_id": world.ours.city.pk,
        "recording_ref": "REC-88",
        "product_line": "motor",
        "reason": "claims",
    }

    first = post(client, **call).json()  # type: ignore[attr-defined]
    again = post(client, **call).json()  # type: ignore[attr-defined]

    assert (first["outcome"], again["outcome"]) == ("created", "repeat")
    assert first["reference"] == again["reference"]
    complaint = Complaint.objects.get()
    assert complaint.channel == "hotline"
    assert "REC-88" in complaint.description


def test_a_caller_naming_their_case_is_appended(world: World) -> None:
    client = call_centre(world)
    base = {"caller_number": "13800138007", "handling_branch_id": world.ours.city.pk}
    created = post(client, call_id="C-1", summary="车险定损金额过低。", **base).json()  # type: ignore[attr-defined]

    appended = post(
        client, call_id="C-2", summary="补充：修理厂报价单已寄出。", complaint_reference=created["reference"], **base
    ).json()  # type: ignore[attr-defined]

    assert appended["outcome"] == "appended"
    assert Complaint.objects.count() == 1
    assert AuditEvent.objects.filter(event_type="complaint.message_received").count() == 1


def test_another_insurers_call_centre_cannot_reach_our_call(world: World) -> None:
    ours = call_centre(world)
    post(ours, call_id="C-9", caller_number="13800138007", summary="x", handling_branch_id=world.ours.city.pk)
    theirs = call_centre(world, theirs=True)

    response = post(
        theirs, call_id="C-9", caller_number="13800138007", summary="x", handling_branch_id=world.theirs.city.pk
    )

    assert response.status_code == 404  # type: ignore[attr-defined]
    assert Complaint.objects.count() == 1


@pytest.mark.parametrize(
    "bad", [{"colour": "red"}, {"caller_number": "12"}, {"summary": ""}, {"handling_branch_id": "theirs"}]
)
def test_bad_calls_are_refused_and_nothing_is_written(world: World, bad: dict) -> None:
    payload = {
        "call_id": "C-5",
        "caller_number": "13800138007",
        "summary": "x",
        "handling_branch_id": world.ours.city.pk,
    }
    payload.update({k: (world.theirs.city.pk if v == "theirs" else v) for k, v in bad.items()})
    response = post(call_centre(world), **payload)
    assert 400 <= response.status_code < 500  # type: ignore[attr-defined]
    assert not Complaint.objects.exists()
