"""The sales API for partners' sales systems (issue #16 item 6): sessions, idempotent event batches, resumable
recording uploads, completion; and no other insurer's partner or staff, nor anyone anonymous, reaches a sale."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.conftest import World
from tests.support.sale_sessions import PAGE, STARTED, VIDEO, Shop, assess, make_shop, start_sale
from xiaobao.audit.models import AuditEvent
from xiaobao.identity.actions import staff_key_issue
from xiaobao.kernel.actors import Role
from xiaobao.sales import actions
from xiaobao.sales.models import RecordingChunk, RecordingUpload, Sale, SaleEvent, SaleRecording

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT_LANGUAGE": "en"}


def post(client: Client, path: str, body: object, token: str | None, **headers: str) -> Any:
    auth = bearer(token) if token else {}
    return client.post(path, json.dumps(body), content_type="application/json", **auth, **headers)


def put_chunk(client: Client, token: str | None, upload: str, offset: int, data: bytes) -> Any:
    auth = bearer(token) if token else {}
    return client.put(
        f"/api/v1/sales/recording-uploads/{upload}?offset={offset}",
        data,
        content_type="application/octet-stream",
        **auth,
    )


def sale_body(shop: Shop, **changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "seller_id": shop.seller.pk,
        "product_id": shop.product.pk,
        "channel": "face_to_face",
        "buyer_age": 66,
        "started_at": STARTED.isoformat(),
    }
    body.update(changes)
    return body


def events_body(*numbers: int) -> dict[str, object]:
    return {
        "events": [
            {
                "client_event_id": f"e-{n}",
                "kind": "page_shown" if n % 2 else "trail",
                "occurred_at": STARTED.isoformat(),
                "content": PAGE if n % 2 else "",
                "details": {"n": n},
            }
            for n in numbers
        ]
    }


def test_a_partner_runs_a_whole_sale_through_the_api(client: Client, world: World, media: Path) -> None:
    shop = make_shop(world.ours)
    started = post(client, "/api/v1/sales", sale_body(shop), shop.token, HTTP_IDEMPOTENCY_KEY="s-1")
    assert started.status_code == 201, started.content
    sale_id = started.json()["id"]
    assert started.json()["recording_required"] is True
    appended = post(client, f"/api/v1/sales/{sale_id}/events", events_body(1, 2), shop.token)
    assert [e["sequence"] for e in appended.json()] == [1, 2]
    opened = post(
        client,
        f"/api/v1/sales/{sale_id}/recordings",
        {
            "media_type": "video/mp4",
            "duration_seconds": 600,
            "recorded_at": STARTED.isoformat(),
            "size_bytes": len(VIDEO),
        },
        shop.token,
    )
    assert opened.status_code == 201
    upload = opened.json()["token"]
    assert put_chunk(client, shop.token, upload, 0, VIDEO[:2000]).json()["received_bytes"] == 2000
    assert put_chunk(client, shop.token, upload, 2000, VIDEO[2000:]).json()["received_bytes"] == len(VIDEO)
    finished = post(
        client,
        f"/api/v1/sales/recording-uploads/{upload}/finish",
        {"sha256": hashlib.sha256(VIDEO).hexdigest()},
        shop.token,
    )
    assert finished.status_code == 200, finished.content
    assess(shop, Sale.objects.get(pk=sale_id))
    completed = post(client, f"/api/v1/sales/{sale_id}/complete", {}, shop.token)
    assert completed.status_code == 200
    assert (completed.json()["events"], completed.json()["recordings"]) == (2, 1)
    assert completed.json()["completed_at"]


def test_a_sale_whose_suitability_is_not_assessed_is_not_completed(client: Client, world: World, media: Path) -> None:
    shop = make_shop(world.ours)
    sale = start_sale(shop, buyer_age=59)
    refused = post(client, f"/api/v1/sales/{sale.pk}/complete", {}, shop.token)
    assert refused.status_code == 422
    assert refused.json()["code"] == "declaration_required"
    sale.refresh_from_db()
    assert sale.completed_at is None


def test_a_retried_start_makes_one_sale(client: Client, world: World) -> None:
    shop = make_shop(world.ours)
    first = post(client, "/api/v1/sales", sale_body(shop), shop.token, HTTP_IDEMPOTENCY_KEY="same")
    again = post(client, "/api/v1/sales", sale_body(shop), shop.token, HTTP_IDEMPOTENCY_KEY="same")
    assert first.json()["id"] == again.json()["id"]
    assert Sale.objects.count() == 1


def test_a_retried_event_batch_stores_each_event_once(client: Client, world: World) -> None:
    shop = make_shop(world.ours)
    sale = start_sale(shop)
    post(client, f"/api/v1/sales/{sale.pk}/events", events_body(1, 2, 3), shop.token)
    again = post(client, f"/api/v1/sales/{sale.pk}/events", events_body(1, 2, 3), shop.token)
    assert again.status_code == 200
    assert [e["sequence"] for e in again.json()] == [1, 2, 3]
    assert SaleEvent.objects.filter(sale=sale).count() == 3


def test_a_duplicated_chunk_is_stored_once_and_resuming_asks_where_to_start(
    client: Client, world: World, media: Path
) -> None:
    shop = make_shop(world.ours)
    sale = start_sale(shop, buyer_age=70)
    upload = actions.recording_upload_open(
        actor=shop.agent,
        sale_id=sale.pk,
        media_type="video/mp4",
        duration_seconds=5,
        recorded_at=STARTED,
        size_bytes=len(VIDEO),
    ).token
    put_chunk(client, shop.token, upload, 0, VIDEO[:1000])
    assert put_chunk(client, shop.token, upload, 0, VIDEO[:1000]).json()["received_bytes"] == 1000
    skipped = put_chunk(client, shop.token, upload, 3000, VIDEO[3000:4000])
    assert (skipped.status_code, skipped.json()["code"]) == (409, "chunk_out_of_place")
    resumed_at = client.get(f"/api/v1/sales/recording-uploads/{upload}", **bearer(shop.token)).json()["received_bytes"]
    put_chunk(client, shop.token, upload, resumed_at, VIDEO[resumed_at:])
    assert RecordingChunk.objects.filter(upload__token=upload).count() == 2
    post(
        client,
        f"/api/v1/sales/recording-uploads/{upload}/finish",
        {"sha256": hashlib.sha256(VIDEO).hexdigest()},
        shop.token,
    )
    assert SaleRecording.objects.get(sale=sale).file.open("rb").read() == VIDEO


def test_a_finish_with_another_sha256_is_refused_and_the_upload_stays_open(
    client: Client, world: World, media: Path
) -> None:
    shop = make_shop(world.ours)
    sale = start_sale(shop, buyer_age=70)
    upload = actions.recording_upload_open(
        actor=shop.agent,
        sale_id=sale.pk,
        media_type="video/mp4",
        duration_seconds=5,
        recorded_at=STARTED,
        size_bytes=len(VIDEO),
    ).token
    put_chunk(client, shop.token, upload, 0, VIDEO)
    refused = post(client, f"/api/v1/sales/recording-uploads/{upload}/finish", {"sha256": "a" * 64}, shop.token)
    assert (refused.status_code, refused.json()["code"]) == (422, "checksum_mismatch")
    assert not SaleRecording.objects.exists()
    assert RecordingUpload.objects.get(token=upload).state == "open"


def test_a_sale_needing_a_recording_is_not_completed_without_one(client: Client, world: World) -> None:
    shop = make_shop(world.ours)
    sale = start_sale(shop, buyer_age=60)
    refused = post(client, f"/api/v1/sales/{sale.pk}/complete", {}, shop.token)
    assert (refused.status_code, refused.json()["code"]) == (409, "recording_missing")
    sale.refresh_from_db()
    assert sale.completed_at is None


def test_a_partner_cannot_sell_as_another_partners_salesperson(client: Client, world: World) -> None:
    shop = make_shop(world.ours)
    other = make_shop(world.ours, code="other")
    refused = post(client, "/api/v1/sales", sale_body(shop), other.token)
    assert refused.status_code == 404
    assert not Sale.objects.exists()


# -- every endpoint refuses another insurer's partner and staff, and anyone anonymous ----------------------------


def _other_partner(world: World) -> str:
    return make_shop(world.theirs, code="theirs").token


def _other_staff(world: World) -> str:
    _, actor = world.theirs.staff(Role.COMPLIANCE_OFFICER)
    return staff_key_issue(actor=actor, label="t")[1]


def _our_compliance(world: World) -> str:
    _, actor = world.ours.staff(Role.COMPLIANCE_OFFICER)
    return staff_key_issue(actor=actor, label="t")[1]


def _other_agent_of_our_insurer(world: World) -> str:
    return make_shop(world.ours, code="sibling").token


CALLERS: dict[str, Callable[[World], str | None]] = {
    "anonymous": lambda world: None,
    "another agent of the same insurer": _other_agent_of_our_insurer,
    "partner of another insurer": _other_partner,
    "staff of another insurer": _other_staff,
}


def _requests(client: Client, sale: Sale, upload: str, token: str | None) -> dict[str, Any]:
    auth = bearer(token) if token else {}
    return {
        "start": lambda: post(client, "/api/v1/sales", {}, token),
        "read": lambda: client.get(f"/api/v1/sales/{sale.pk}", **auth),
        "events": lambda: post(client, f"/api/v1/sales/{sale.pk}/events", events_body(9), token),
        "open upload": lambda: post(
            client,
            f"/api/v1/sales/{sale.pk}/recordings",
            {
                "media_type": "video/mp4",
                "duration_seconds": 5,
                "recorded_at": STARTED.isoformat(),
                "size_bytes": len(VIDEO),
            },
            token,
        ),
        "upload state": lambda: client.get(f"/api/v1/sales/recording-uploads/{upload}", **auth),
        "chunk": lambda: put_chunk(client, token, upload, 0, b"x" * 10),
        "finish": lambda: post(client, f"/api/v1/sales/recording-uploads/{upload}/finish", {"sha256": "0" * 64}, token),
        "complete": lambda: post(client, f"/api/v1/sales/{sale.pk}/complete", {}, token),
    }


@pytest.mark.parametrize("caller", sorted(CALLERS))
@pytest.mark.parametrize(
    "endpoint", ["start", "read", "events", "open upload", "upload state", "chunk", "finish", "complete"]
)
def test_no_one_outside_the_sale_reaches_it_and_nothing_changes(
    client: Client, world: World, media: Path, caller: str, endpoint: str
) -> None:
    shop = make_shop(world.ours)
    sale = start_sale(shop, buyer_age=30)
    upload = actions.recording_upload_open(
        actor=shop.agent,
        sale_id=sale.pk,
        media_type="video/mp4",
        duration_seconds=5,
        recorded_at=STARTED,
        size_bytes=len(VIDEO),
    ).token
    token = CALLERS[caller](world)
    audit_before = AuditEvent.objects.count()
    if endpoint == "start" and token is not None:
        answer = post(client, "/api/v1/sales", sale_body(shop), token)
    else:
        answer = _requests(client, sale, upload, token)[endpoint]()
    assert answer.status_code == (401 if token is None else 404), answer.content
    sale.refresh_from_db()
    assert sale.completed_at is None
    assert Sale.objects.count() == 1
    assert not SaleEvent.objects.exists()
    assert not RecordingChunk.objects.exists()
    assert RecordingUpload.objects.count() == 1
    assert AuditEvent.objects.count() == audit_before


@pytest.mark.parametrize("endpoint", ["events", "open upload", "chunk", "finish", "complete"])
def test_compliance_of_the_same_insurer_reads_but_never_writes_into_a_session(
    client: Client, world: World, media: Path, endpoint: str
) -> None:
    shop = make_shop(world.ours)
    sale = start_sale(shop, buyer_age=30)
    upload = actions.recording_upload_open(
        actor=shop.agent,
        sale_id=sale.pk,
        media_type="video/mp4",
        duration_seconds=5,
        recorded_at=STARTED,
        size_bytes=len(VIDEO),
    ).token
    token = _our_compliance(world)
    assert client.get(f"/api/v1/sales/{sale.pk}", **bearer(token)).status_code == 200
    assert _requests(client, sale, upload, token)[endpoint]().status_code == 404
    assert not SaleEvent.objects.exists()


def test_a_buyer_who_is_not_the_insurers_consumer_is_refused_and_no_sale_made(client: Client, world: World) -> None:
    shop = make_shop(world.ours)
    stranger = world.theirs.consumer(name="陈某", phone="13900000001")
    refused = post(client, "/api/v1/sales", sale_body(shop, buyer_id=stranger.pk), shop.token)
    assert refused.status_code == 404
    assert not Sale.objects.exists()


@pytest.mark.parametrize("caller", ["another agent of the same insurer", "partner of another insurer"])
def test_another_agents_key_cannot_reach_a_finished_upload_or_its_recording(
    client: Client, world: World, media: Path, caller: str
) -> None:
    """Finishing again answers the recording to its own partner; another agent's key learns nothing of it."""
    from tests.support.sale_sessions import record
    from xiaobao.identity.actors import actor_for_api_key
    from xiaobao.kernel.errors import NotFound
    from xiaobao.sales import access

    shop = make_shop(world.ours)
    sale = start_sale(shop, buyer_age=70)
    kept = record(shop, sale)
    upload = kept.uploads.get().token
    token = CALLERS[caller](world)
    assert token is not None
    audit_before = AuditEvent.objects.count()
    finish = post(client, f"/api/v1/sales/recording-uploads/{upload}/finish", {"sha256": kept.sha256}, token)
    state = client.get(f"/api/v1/sales/recording-uploads/{upload}", **bearer(token))
    assert (finish.status_code, state.status_code) == (404, 404)
    assert kept.sha256 not in finish.content.decode() + state.content.decode()
    other = actor_for_api_key(token)
    assert other is not None
    with pytest.raises(NotFound):
        access.recording_for(other, kept.pk)
    assert AuditEvent.objects.count() == audit_before
    own = post(client, f"/api/v1/sales/recording-uploads/{upload}/finish", {"sha256": kept.sha256}, shop.token)
    assert (own.status_code, own.json()["id"]) == (200, kept.pk)


def test_an_upload_declares_its_size_and_a_chunk_beyond_it_is_refused(
    client: Client, world: World, media: Path
) -> None:
    shop = make_shop(world.ours)
    sale = start_sale(shop, buyer_age=70)
    body = {"media_type": "video/mp4", "duration_seconds": 5, "recorded_at": STARTED.isoformat()}
    undeclared = post(client, f"/api/v1/sales/{sale.pk}/recordings", body, shop.token)
    assert undeclared.status_code == 422
    opened = post(client, f"/api/v1/sales/{sale.pk}/recordings", {**body, "size_bytes": 1000}, shop.token)
    assert (opened.status_code, opened.json()["size_bytes"]) == (201, 1000)
    upload = opened.json()["token"]
    beyond = put_chunk(client, shop.token, upload, 0, VIDEO[:1001])
    assert (beyond.status_code, beyond.json()["code"]) == (422, "chunk_beyond_declared_size")
    assert not RecordingChunk.objects.exists()
    assert put_chunk(client, shop.token, upload, 0, VIDEO[:1000]).json()["received_bytes"] == 1000
