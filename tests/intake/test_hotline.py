"""The call centre posts each call: a case is created or appended, a call is taken once, no tenant crossing."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import World
from xiaobao.audit.models import AuditEvent
from xiaobao.complaints.models import Complaint
from xiaobao.identity.actions import staff_key_issue
from xiaobao.identity.models import ConsumerRelationship
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


def test_call_ids_are_each_insurers_own(world: World) -> None:
    """Before: our call C-9 made their call C-9 answer 404 (one namespace for every insurer)."""
    ours = call_centre(world)
    first = post(ours, call_id="C-9", caller_number="13800138007", summary="x", handling_branch_id=world.ours.city.pk)
    theirs = call_centre(world, theirs=True)

    response = post(
        theirs, call_id="C-9", caller_number="13900139008", summary="y", handling_branch_id=world.theirs.city.pk
    )

    assert response.status_code == 200  # type: ignore[attr-defined]
    assert response.json()["outcome"] == "created"  # type: ignore[attr-defined]
    assert response.json()["reference"] != first.json()["reference"]  # type: ignore[attr-defined]
    assert Complaint.objects.filter(insurer=world.ours.insurer).count() == 1
    assert Complaint.objects.filter(insurer=world.theirs.insurer).count() == 1


def test_a_number_known_at_another_insurer_is_not_tied_to_the_calling_one(world: World) -> None:
    """Before: the caller's number matched a consumer of any insurer, who was then related to the caller's."""
    ours = call_centre(world)
    post(ours, call_id="C-1", caller_number="13800138007", summary="x", handling_branch_id=world.ours.city.pk)
    ours_consumer = Complaint.objects.get().complainant

    post(
        call_centre(world, theirs=True),
        call_id="C-2",
        caller_number="13800138007",
        summary="y",
        handling_branch_id=world.theirs.city.pk,
    )

    theirs_consumer = Complaint.objects.get(insurer=world.theirs.insurer).complainant
    assert theirs_consumer.pk != ours_consumer.pk
    assert not ConsumerRelationship.objects.filter(consumer=ours_consumer, insurer=world.theirs.insurer).exists()
    # and a second call to us from the same number is the same consumer of ours
    post(ours, call_id="C-3", caller_number="13800138007", summary="z", handling_branch_id=world.ours.city.pk)
    assert {c.complainant_id for c in Complaint.objects.filter(insurer=world.ours.insurer)} == {ours_consumer.pk}


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


def test_two_calls_with_the_same_words_are_one_case(world: World) -> None:
    """Before: the recording reference was part of the text the duplicate rule compared, so every repeat call
    (each with its own recording) became a new case (LN-…-09 and LN-…-10)."""
    client = call_centre(world)
    base = {"caller_number": "13800138007", "summary": "车险定损金额过低。", "handling_branch_id": world.ours.city.pk}

    first = post(client, call_id="C-1", recording_ref="REC-1", **base).json()  # type: ignore[attr-defined]
    again = post(client, call_id="C-2", recording_ref="REC-2", **base).json()  # type: ignore[attr-defined]

    assert (first["outcome"], again["outcome"]) == ("created", "appended")
    assert again["reference"] == first["reference"]  # what the agent tells the caller
    complaint = Complaint.objects.get()
    assert "REC-1" in complaint.description
    assert "REC-2" in complaint.messages.get().text  # the second recording is kept with the case
