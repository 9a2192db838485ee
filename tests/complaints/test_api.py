"""The complaints API: the whole path over HTTP, idempotent creates, strict input, no tenant crossing."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.support.clock import SettableClock
from tests.support.desk import Desk
from xiaobao.audit.models import AuditEvent
from xiaobao.complaints.models import Complaint
from xiaobao.identity.actions import partner_key_issue
from xiaobao.identity.models import Staff
from xiaobao.kernel.actors import SYSTEM, Actor, Role
from xiaobao.notifications.models import Notification

pytestmark = pytest.mark.django_db


def login(client: Client, actor: Actor) -> Client:
    client.force_login(Staff.objects.get(pk=actor.staff_id).user)
    return client


def body(desk: Desk, **overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "handling_branch_id": desk.world.ours.city.pk,
        "channel": "hotline",
        "received_at": "2026-03-02T09:15:00+08:00",
        "product_line": "medical",
        "reason": "claims",
        "description": "住院医疗费用理赔被拒。",
        "complainant": {"name": "赵敏", "phone": "13800138005", "resident_id": None},
    }
    values.update(overrides)
    return values


def counts() -> tuple[int, int, int]:
    return Complaint.objects.count(), AuditEvent.objects.count(), Notification.objects.count()


def test_a_handler_works_a_case_over_the_api(client: Client, desk: Desk, clock: SettableClock) -> None:
    api = login(client, desk.supervisor)
    created = api.post("/api/v1/complaints", body(desk), content_type="application/json")
    assert created.status_code == 201, created.json()
    case = created.json()
    pk = case["id"]
    assert case["deadline"]["due"] == "2026-03-17"
    assert case["complainant"] == "赵*"
    assert case["complainant_phone"] == "138****8005"

    assert api.post(f"/api/v1/complaints/{pk}/accept").status_code == 200
    assert (
        api.post(
            f"/api/v1/complaints/{pk}/assign", {"handler_id": desk.handler_staff.pk}, content_type="application/json"
        ).status_code
        == 200
    )
    handler = login(Client(), desk.handler)
    assert handler.post(f"/api/v1/complaints/{pk}/investigate").status_code == 200
    decided = handler.post(
        f"/api/v1/complaints/{pk}/decision",
        {
            "outcome": "upheld",
            "findings": "拒赔依据的条款不适用。",
            "basis": "合同第八条。",
            "reasons": "属于保险责任。",
            "remedy": "十日内赔付 12,000 元。",
        },
        content_type="application/json",
    )
    assert decided.status_code == 200, decided.json()
    sent = handler.post(f"/api/v1/complaints/{pk}/send-decision").json()
    assert sent["state"] == "notified"
    assert [e["event_type"] for e in sent["timeline"]] == [
        "complaint.registered",
        "complaint.accepted",
        "complaint.assigned",
        "complaint.investigating",
        "complaint.decided",
        "complaint.notified",
    ]
    letter = handler.get(f"/api/v1/complaints/{pk}/decision-letter.pdf")
    assert letter.status_code == 200
    assert letter["Content-Type"] == "application/pdf"
    assert letter.content.startswith(b"%PDF")


def test_a_retried_create_with_the_same_idempotency_key_returns_the_same_case(client: Client, desk: Desk) -> None:
    api = login(client, desk.handler)
    first = api.post(
        "/api/v1/complaints", body(desk), content_type="application/json", headers={"Idempotency-Key": "k-42"}
    )
    before = counts()
    second = api.post(
        "/api/v1/complaints", body(desk), content_type="application/json", headers={"Idempotency-Key": "k-42"}
    )
    assert first.json()["id"] == second.json()["id"]
    assert counts() == before


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"colour": "red"}, 422, "invalid_input"),
        ({"group_size": "many"}, 422, "invalid_input"),
        ({"description": "长" * 10_001}, 422, "invalid_input"),
        ({"received_at": "2026-03-02T09:15:00"}, 422, "invalid_input"),  # no time zone
        ({"received_at": "2026-03-09T09:15:00+08:00"}, 422, "received_in_the_future"),
        ({"channel": "pigeon"}, 422, "invalid_input"),
        ({"handling_branch_id": "theirs"}, 404, "not_found"),
        ({"complainant": {"name": "赵敏", "resident_id": "123"}}, 422, "invalid_resident_id"),
        ({"complainant": {"name": "赵敏", "phone": "12"}}, 422, "invalid_phone"),
    ],
)
def test_bad_input_is_a_4xx_with_a_code_and_writes_nothing(
    client: Client, desk: Desk, change: dict, status: int, code: str
) -> None:
    if change.get("handling_branch_id") == "theirs":
        change = {"handling_branch_id": desk.world.theirs.city.pk}
    api = login(client, desk.handler)
    before = counts()

    response = api.post("/api/v1/complaints", body(desk, **change), content_type="application/json")

    assert (response.status_code, response.json()["code"]) == (status, code)
    assert response.json()["message"]
    assert counts() == before


ENDPOINTS = [
    ("get", "/api/v1/complaints/{pk}", None),
    ("get", "/api/v1/complaints/{pk}/decision-letter.pdf", None),
    ("post", "/api/v1/complaints/{pk}/accept", None),
    ("post", "/api/v1/complaints/{pk}/decline", {"reason": "x"}),
    ("post", "/api/v1/complaints/{pk}/assign", {"handler_id": 1}),
    ("post", "/api/v1/complaints/{pk}/conflict", {"note": "x"}),
    ("post", "/api/v1/complaints/{pk}/investigate", None),
    ("post", "/api/v1/complaints/{pk}/pause", {"kind": "appraisal"}),
    ("post", "/api/v1/complaints/{pk}/resume", None),
    ("post", "/api/v1/complaints/{pk}/new-facts", {"note": "x"}),
    ("post", "/api/v1/complaints/{pk}/extensions", {"to_complexity": "complex", "reason": "需要更多时间"}),
    (
        "post",
        "/api/v1/complaints/{pk}/decision",
        {"outcome": "upheld", "findings": "x", "basis": "x", "reasons": "x", "remedy": "x"},
    ),
    ("post", "/api/v1/complaints/{pk}/send-decision", None),
    ("post", "/api/v1/complaints/{pk}/close", None),
    ("post", "/api/v1/complaints/{pk}/withdraw", None),
    ("post", "/api/v1/complaints/{pk}/review-request", {"note": "x"}),
    ("post", "/api/v1/complaints/{pk}/review-decision", {"outcome": "upheld", "reasons": "x"}),
    ("post", "/api/v1/complaints/{pk}/forwards", {"partner_id": 1, "summary": "x"}),
]


@pytest.mark.parametrize(("method", "path", "payload"), ENDPOINTS, ids=[f"{m} {p}" for m, p, _ in ENDPOINTS])
def test_staff_of_another_insurer_get_not_found_from_every_endpoint(
    client: Client, desk: Desk, method: str, path: str, payload: dict | None
) -> None:
    complaint = desk.in_state("investigating")
    from xiaobao.kernel.actors import Role

    _, intruder = desk.world.theirs.staff(*Role)
    api = login(client, intruder)
    before = counts()

    response = (
        getattr(api, method)(path.format(pk=complaint.pk), payload, content_type="application/json")
        if payload
        else getattr(api, method)(path.format(pk=complaint.pk))
    )

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert counts() == before


def test_the_queue_shows_only_our_complaints_most_urgent_first(
    client: Client, desk: Desk, clock: SettableClock
) -> None:
    later = desk.register()
    clock.set("2026-02-26 10:00")
    sooner = desk.register(received_at=clock.now())
    clock.set("2026-03-02 10:00")
    _, intruder_actor = desk.world.theirs.staff(*Role)

    ours = login(client, desk.supervisor).get("/api/v1/complaints").json()
    theirs = login(Client(), intruder_actor).get("/api/v1/complaints").json()

    assert [row["id"] for row in ours] == [sooner.pk, later.pk]
    assert ours[0]["deadline"]["due"] == "2026-03-13"
    assert ours[0]["deadline"]["days_left"] == 11
    assert theirs == []


def test_the_queue_gives_each_clocks_real_start_and_paused_days(
    client: Client, desk: Desk, clock: SettableClock
) -> None:
    """Before: the queue answered start = due and paused_days = 0 whatever the clock held."""
    from xiaobao.complaints import actions

    complaint = desk.in_state("investigating")
    clock.advance(days=1)
    actions.complaint_pause(actor=desk.supervisor, complaint_id=complaint.pk, kind="appraisal")
    clock.advance(days=3)
    actions.complaint_resume(actor=desk.supervisor, complaint_id=complaint.pk)

    row = login(client, desk.supervisor).get("/api/v1/complaints").json()[0]["deadline"]
    detail = login(Client(), desk.supervisor).get(f"/api/v1/complaints/{complaint.pk}").json()["deadline"]

    assert row == detail
    assert row["start"] == "2026-03-02"
    assert row["paused_days"] == 3


def test_queue_filters(client: Client, desk: Desk) -> None:
    from xiaobao.demo.data import ELDER_RESIDENT_ID

    elder = desk.world.ours.consumer(name="王淑芬", resident_id=ELDER_RESIDENT_ID)
    flagged = desk.register(complainant_id=elder.pk)
    desk.register()
    api = login(client, desk.supervisor)

    elderly = api.get("/api/v1/complaints?flag=elderly").json()
    soon = api.get("/api/v1/complaints?due_within_days=2").json()
    bad = api.get("/api/v1/complaints?flag=vip")

    assert [row["id"] for row in elderly] == [flagged.pk]
    assert soon == []
    assert bad.status_code == 422


def test_a_refused_assignment_answers_409_and_the_reason_is_visible(client: Client, desk: Desk) -> None:
    complaint = desk.in_state("accepted", involved_staff_ids=(desk.handler_staff.pk,))
    api = login(client, desk.supervisor)

    refused = api.post(
        f"/api/v1/complaints/{complaint.pk}/assign",
        {"handler_id": desk.handler_staff.pk},
        content_type="application/json",
    )
    detail = api.get(f"/api/v1/complaints/{complaint.pk}").json()

    assert (refused.status_code, refused.json()["code"]) == (409, "recusal")
    assert "被投诉" in refused.json()["message"]
    assert detail["conflicts"][0]["reasons"] == ["named_in_complaint"]


def test_a_partner_answers_its_forward_with_its_key(client: Client, desk: Desk) -> None:
    complaint = desk.in_state("investigating")
    partner = desk.world.ours.partner_under_agreement()
    login(client, desk.handler).post(
        f"/api/v1/complaints/{complaint.pk}/forwards",
        {"partner_id": partner.pk, "summary": "请核实销售过程"},
        content_type="application/json",
    )
    _, key = partner_key_issue(actor=SYSTEM, partner_id=partner.pk)
    partner_client = Client(headers={"Authorization": f"Bearer {key}"})

    forwards = partner_client.get("/api/v1/partner/forwards").json()
    answered = partner_client.post(
        f"/api/v1/partner/forwards/{forwards[0]['id']}/answer", {"answer": "已核实"}, content_type="application/json"
    )
    staff_only = partner_client.get(f"/api/v1/complaints/{complaint.pk}")

    assert [f["complaint_reference"] for f in forwards] == [complaint.reference]
    assert answered.status_code == 200
    assert answered.json()["answered_at"] is not None
    assert staff_only.status_code == 404


def test_the_openapi_document_lists_the_lifecycle(client: Client) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/v1/complaints",
        "/api/v1/complaints/{complaint_id}/send-decision",
        "/api/v1/extensions/{extension_id}/decision",
        "/api/v1/partner/forwards/{forward_id}/answer",
    ):
        assert path in paths
