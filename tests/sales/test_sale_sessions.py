"""A sale as a chained session of events, with its recordings (SAL-3, SAL-R1, SAL-R4)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import World
from tests.support.sale_sessions import (
    STARTED,
    VIDEO,
    assess,
    make_shop,
    page_event,
    record,
    recorded_sale,
    start_sale,
    trail_event,
)
from xiaobao.audit.models import AuditEvent
from xiaobao.kernel.actors import Role
from xiaobao.kernel.errors import InvalidInput, NotFound, TransitionNotAllowed
from xiaobao.sales import actions
from xiaobao.sales.actions import (
    ChunkBeyondDeclaredSize,
    ChunkOutOfPlace,
    EventIdReused,
    RecordingMissing,
    SaleEventIn,
)
from xiaobao.sales.domain.grades import SellerGradeTooLow
from xiaobao.sales.domain.session import SaleAlreadyCompleted
from xiaobao.sales.models import RecordingChunk, RecordingUpload, Sale, SaleEvent, SaleRecording

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def audit_of(sale: Sale) -> list[str]:
    return list(
        AuditEvent.objects.filter(subject_type="sales.sale", subject_id=str(sale.pk))
        .order_by("sequence")
        .values_list("event_type", flat=True)
    )


def test_events_are_chained_each_carrying_the_hash_of_the_one_before(world: World) -> None:
    shop = make_shop(world.ours)
    sale = start_sale(shop)
    first, second = actions.sale_events_append(actor=shop.agent, sale_id=sale.pk, batch=[page_event(1), trail_event(2)])
    assert (first.sequence, second.sequence) == (1, 2)
    assert first.prev_hash == "0" * 64
    assert second.prev_hash == first.hash
    assert first.content_sha256 == hashlib.sha256(page_event(1).content.encode()).hexdigest()
    assert actions.chain_break(sale) is None


def test_a_retried_batch_stores_each_event_once(world: World) -> None:
    shop = make_shop(world.ours)
    sale = start_sale(shop)
    batch = [page_event(1), trail_event(2)]
    actions.sale_events_append(actor=shop.agent, sale_id=sale.pk, batch=batch)
    again = actions.sale_events_append(actor=shop.agent, sale_id=sale.pk, batch=[*batch, trail_event(3)])
    assert [event.sequence for event in again] == [1, 2, 3]
    assert SaleEvent.objects.filter(sale=sale).count() == 3
    assert audit_of(sale).count("sales.sale_events_appended") == 2


def test_a_client_event_id_reused_for_other_content_is_refused_and_nothing_stored(world: World) -> None:
    shop = make_shop(world.ours)
    sale = start_sale(shop)
    actions.sale_events_append(actor=shop.agent, sale_id=sale.pk, batch=[page_event(1)])
    with pytest.raises(EventIdReused):
        actions.sale_events_append(
            actor=shop.agent, sale_id=sale.pk, batch=[page_event(1, content="<p>另一页</p>"), trail_event(2)]
        )
    assert SaleEvent.objects.filter(sale=sale).count() == 1


def test_content_whose_sha256_differs_from_the_clients_is_refused(world: World) -> None:
    shop = make_shop(world.ours)
    sale = start_sale(shop)
    wrong = actions.SaleEventIn(
        client_event_id="x", kind="page_shown", occurred_at=sale.started_at, content="<p>x</p>", content_sha256="0" * 64
    )
    with pytest.raises(actions.ChecksumMismatch):
        actions.sale_events_append(actor=shop.agent, sale_id=sale.pk, batch=[wrong])
    assert not SaleEvent.objects.filter(sale=sale).exists()


def test_a_changed_event_breaks_the_chain_from_there(world: World) -> None:
    shop = make_shop(world.ours)
    sale = start_sale(shop)
    actions.sale_events_append(actor=shop.agent, sale_id=sale.pk, batch=[page_event(1), trail_event(2), trail_event(3)])
    from tests.support.tamper import execute_on

    execute_on(
        "sales_saleevent",
        "UPDATE sales_saleevent SET details = %s WHERE sale_id = %s AND sequence = 2",
        ['{"clicks": 9}', sale.pk],
    )
    assert actions.chain_break(sale) == 2


def test_the_shown_page_is_stored_encrypted_and_read_back_as_shown(world: World) -> None:
    shop = make_shop(world.ours)
    sale = start_sale(shop)
    actions.sale_events_append(actor=shop.agent, sale_id=sale.pk, batch=[page_event(1)])
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM sales_saleevent WHERE sale_id = %s", [sale.pk])
        (stored,) = cursor.fetchone()
    assert "投保须知" not in stored
    assert SaleEvent.objects.get(sale=sale).content == page_event(1).content


def test_another_insurers_partner_cannot_append_to_the_sale(world: World) -> None:
    shop = make_shop(world.ours)
    theirs = make_shop(world.theirs, code="other")
    sale = start_sale(shop)
    with pytest.raises(NotFound):
        actions.sale_events_append(actor=theirs.agent, sale_id=sale.pk, batch=[page_event(1)])
    assert not SaleEvent.objects.exists()


def test_a_seller_below_the_products_tier_is_refused_and_no_sale_made(world: World) -> None:
    shop = make_shop(world.ours, complexity=3)
    shop.seller.grade = 2
    shop.seller.save()
    with pytest.raises(SellerGradeTooLow):
        start_sale(shop)
    assert not Sale.objects.exists()


def test_a_sale_needing_a_recording_cannot_be_completed_without_one(world: World) -> None:
    shop = make_shop(world.ours)
    sale = start_sale(shop, buyer_age=60)
    with pytest.raises(RecordingMissing):
        actions.sale_complete(actor=shop.agent, sale_id=sale.pk)
    sale.refresh_from_db()
    assert sale.completed_at is None
    assert "sales.sale_completed" not in audit_of(sale)


def test_a_sale_not_needing_a_recording_completes_without_one(world: World) -> None:
    shop = make_shop(world.ours)
    sale = assess(shop, start_sale(shop, buyer_age=59))
    assert actions.sale_complete(actor=shop.agent, sale_id=sale.pk).completed_at is not None


def test_a_recording_is_stored_encrypted_with_its_sha256_duration_and_recorder(world: World, media: Path) -> None:
    shop = make_shop(world.ours)
    sale = recorded_sale(shop)
    kept = SaleRecording.objects.get(sale=sale)
    assert (kept.sha256, kept.size, kept.duration_seconds, kept.recorded_by) == (
        hashlib.sha256(VIDEO).hexdigest(),
        len(VIDEO),
        620,
        shop.seller,
    )
    on_disk = (media / kept.file.name).read_bytes()
    assert VIDEO[:64] not in on_disk
    assert kept.file.open("rb").read() == VIDEO
    assert actions.recording_verify(kept)
    assert sale.completed_at is not None
    assert not RecordingChunk.objects.exists()


def test_a_recording_altered_by_one_byte_is_detected(world: World, media: Path) -> None:
    shop = make_shop(world.ours)
    kept = SaleRecording.objects.get(sale=recorded_sale(shop))
    path = media / kept.file.name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    assert not actions.recording_verify(kept)


def test_a_recording_whose_kept_sha256_was_changed_is_detected(world: World, media: Path) -> None:
    shop = make_shop(world.ours)
    kept = SaleRecording.objects.get(sale=recorded_sale(shop))
    SaleRecording.objects.filter(pk=kept.pk).update(sha256="f" * 64)
    kept.refresh_from_db()
    assert not actions.recording_verify(kept)


def test_a_repeated_chunk_is_stored_once_and_a_chunk_out_of_place_is_refused(world: World, media: Path) -> None:
    shop = make_shop(world.ours)
    sale = start_sale(shop, buyer_age=70)
    upload = actions.recording_upload_open(
        actor=shop.agent,
        sale_id=sale.pk,
        media_type="video/mp4",
        duration_seconds=5,
        recorded_at=sale.started_at,
        size_bytes=len(VIDEO),
    )
    actions.recording_chunk_put(actor=shop.agent, token=upload.token, offset=0, content=VIDEO[:100])
    actions.recording_chunk_put(actor=shop.agent, token=upload.token, offset=0, content=VIDEO[:100])
    with pytest.raises(ChunkOutOfPlace) as refused:
        actions.recording_chunk_put(actor=shop.agent, token=upload.token, offset=300, content=VIDEO[300:400])
    assert refused.value.params == {"expected": 100}
    assert RecordingChunk.objects.filter(upload=upload).count() == 1
    assert len([p for p in media.rglob("*") if p.is_file()]) == 1


def test_an_upload_finished_with_the_wrong_sha256_stores_no_recording(world: World, media: Path) -> None:
    shop = make_shop(world.ours)
    sale = start_sale(shop, buyer_age=70)
    upload = actions.recording_upload_open(
        actor=shop.agent,
        sale_id=sale.pk,
        media_type="video/mp4",
        duration_seconds=5,
        recorded_at=sale.started_at,
        size_bytes=len(VIDEO),
    )
    actions.recording_chunk_put(actor=shop.agent, token=upload.token, offset=0, content=VIDEO)
    with pytest.raises(actions.ChecksumMismatch):
        actions.recording_upload_finish(actor=shop.agent, token=upload.token, sha256="0" * 64)
    assert not SaleRecording.objects.exists()
    assert "sales.recording_received" not in audit_of(sale)


def test_finishing_twice_returns_the_same_recording(world: World, media: Path) -> None:
    shop = make_shop(world.ours)
    sale = start_sale(shop, buyer_age=70)
    kept = record(shop, sale)
    token = kept.uploads.get().token
    again = actions.recording_upload_finish(actor=shop.agent, token=token, sha256=kept.sha256)
    assert again.pk == kept.pk
    assert SaleRecording.objects.count() == 1


def test_material_shown_must_name_the_material(world: World) -> None:
    shop = make_shop(world.ours)
    sale = start_sale(shop)
    shown = actions.SaleEventIn(client_event_id="m", kind="material_shown", occurred_at=sale.started_at, content="x")
    with pytest.raises(InvalidInput):
        actions.sale_events_append(actor=shop.agent, sale_id=sale.pk, batch=[shown])
    assert not SaleEvent.objects.exists()


def test_on_postgresql_the_database_refuses_to_change_or_delete_an_event(world: World) -> None:
    from django.db import DatabaseError, connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's")
    shop = make_shop(world.ours)
    sale = start_sale(shop)
    actions.sale_events_append(actor=shop.agent, sale_id=sale.pk, batch=[page_event(1)])
    with pytest.raises(DatabaseError), transaction.atomic():
        SaleEvent.objects.filter(sale=sale).update(details={"changed": True})
    with pytest.raises(DatabaseError), transaction.atomic():
        SaleEvent.objects.filter(sale=sale).delete()
    assert SaleEvent.objects.get(sale=sale).details == {"title": "投保须知", "url": "/sale/notice"}


def test_on_postgresql_only_the_encrypted_copy_may_be_rewritten_and_a_changed_text_shows(world: World) -> None:
    """``rotate_keys`` re-encrypts ``content`` alone; another text put there no longer matches its kept SHA-256."""
    from django.db import connection

    from xiaobao.privacy.keys import keyring
    from xiaobao.sales import selectors
    from xiaobao.sales.models import SaleEvent as Event

    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's")
    shop = make_shop(world.ours)
    sale = start_sale(shop)
    actions.sale_events_append(actor=shop.agent, sale_id=sale.pk, batch=[page_event(1)])
    forged = keyring().encrypt("<p>已提示全部风险</p>", context=Event._meta.get_field("content").encryption_context())  # type: ignore[union-attr]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE sales_saleevent SET content = %s WHERE sale_id = %s", [forged, sale.pk])
    _, compliance = world.ours.staff(Role.COMPLIANCE_OFFICER)
    (shown,) = selectors.replay(compliance, sale.pk).events
    assert shown.content_intact is False
    assert actions.chain_break(sale) is None  # the chain covers the hash; the hash catches the text


def _approved_material(shop: Any) -> Any:
    from tests.support.sales import make_material

    registrant = shop.tenant.staff(Role.SENIOR_MANAGER)[1]
    material = make_material(registrant, shop.product)
    return actions.material_approve(actor=shop.tenant.staff(Role.COMPLIANCE_OFFICER)[1], material_id=material.pk)


def test_material_shown_names_an_approved_material_and_keeps_its_sha256(world: World) -> None:
    shop = make_shop(world.ours)
    sale = start_sale(shop)
    material = _approved_material(shop)
    shown = actions.SaleEventIn(
        client_event_id="m",
        kind="material_shown",
        occurred_at=material.approved_at,
        content=material.text,
        details={"material": str(material.pk)},
    )
    (event,) = actions.sale_events_append(actor=shop.agent, sale_id=sale.pk, batch=[shown])
    assert event.details == {"material": material.pk, "material_sha256": material.text_sha256}


def test_withdrawn_material_cannot_be_shown_and_nothing_is_stored(world: World) -> None:
    from xiaobao.sales.domain.materials import MaterialNotUsable

    shop = make_shop(world.ours)
    sale = start_sale(shop)
    material = _approved_material(shop)
    actions.material_withdraw(
        actor=shop.tenant.staff(Role.COMPLIANCE_OFFICER)[1], material_id=material.pk, reason="out of date"
    )
    shown = actions.SaleEventIn(
        client_event_id="m",
        kind="material_shown",
        occurred_at=sale.started_at,
        content=material.text,
        details={"material": material.pk},
    )
    with pytest.raises(MaterialNotUsable):
        actions.sale_events_append(actor=shop.agent, sale_id=sale.pk, batch=[shown])
    assert not SaleEvent.objects.exists()


def _material_shown_at(material: Any, occurred_at: datetime) -> actions.SaleEventIn:
    return actions.SaleEventIn(
        client_event_id="m",
        kind="material_shown",
        occurred_at=occurred_at,
        content=material.text,
        details={"material": material.pk},
    )


def test_material_approved_only_after_the_event_occurred_is_refused_and_nothing_stored(world: World) -> None:
    """SAL-1: usable now is not enough; it must have been usable when the buyer was shown it."""
    from xiaobao.sales.domain.materials import MaterialNotUsable

    shop = make_shop(world.ours)
    sale = start_sale(shop)
    material = _approved_material(shop)
    before_approval = material.approved_at - timedelta(minutes=1)
    with pytest.raises(MaterialNotUsable) as refused:
        actions.sale_events_append(
            actor=shop.agent, sale_id=sale.pk, batch=[_material_shown_at(material, before_approval)]
        )
    assert refused.value.code == "material_not_usable"
    assert not SaleEvent.objects.exists()
    assert "sales.sale_events_appended" not in audit_of(sale)


def test_material_withdrawn_before_the_event_occurred_is_refused_and_nothing_stored(world: World) -> None:
    from tests.support.clock import SettableClock
    from xiaobao.ops import clock
    from xiaobao.sales.domain.materials import MaterialNotUsable

    shop = make_shop(world.ours)
    sale = start_sale(shop)
    settable = SettableClock(datetime(2026, 5, 1, 9, 0, tzinfo=UTC))
    with clock.using(settable):
        material = _approved_material(shop)
        settable.advance(days=10)
        actions.material_withdraw(
            actor=shop.tenant.staff(Role.COMPLIANCE_OFFICER)[1], material_id=material.pk, reason="out of date"
        )
    after_withdrawal = datetime(2026, 5, 20, 9, 0, tzinfo=UTC)
    with pytest.raises(MaterialNotUsable):
        actions.sale_events_append(
            actor=shop.agent, sale_id=sale.pk, batch=[_material_shown_at(material, after_withdrawal)]
        )
    assert not SaleEvent.objects.exists()


def _no_recording_needed_sale(shop: Any) -> Sale:
    return assess(shop, start_sale(shop, buyer_age=45))


def _open_upload(shop: Any, sale: Sale, size: int = len(VIDEO)) -> Any:
    return actions.recording_upload_open(
        actor=shop.agent,
        sale_id=sale.pk,
        media_type="video/mp4",
        duration_seconds=5,
        recorded_at=sale.started_at,
        size_bytes=size,
    )


def test_an_upload_cannot_be_opened_once_the_sale_is_completed(world: World, media: Path) -> None:
    shop = make_shop(world.ours)
    sale = _no_recording_needed_sale(shop)
    actions.sale_complete(actor=shop.agent, sale_id=sale.pk)
    with pytest.raises(SaleAlreadyCompleted):
        _open_upload(shop, sale)
    assert not RecordingUpload.objects.exists()


def test_a_chunk_sent_after_the_sale_is_completed_is_refused_and_nothing_stored(world: World, media: Path) -> None:
    shop = make_shop(world.ours)
    sale = _no_recording_needed_sale(shop)
    upload = _open_upload(shop, sale)
    actions.recording_chunk_put(actor=shop.agent, token=upload.token, offset=0, content=VIDEO[:100])
    actions.sale_complete(actor=shop.agent, sale_id=sale.pk)
    with pytest.raises(SaleAlreadyCompleted):
        actions.recording_chunk_put(actor=shop.agent, token=upload.token, offset=100, content=VIDEO[100:])
    assert RecordingChunk.objects.filter(upload=upload).count() == 1
    assert RecordingUpload.objects.get(pk=upload.pk).received_bytes == 100


def test_an_upload_finished_after_the_sale_is_completed_is_refused_and_no_recording_kept(
    world: World, media: Path
) -> None:
    shop = make_shop(world.ours)
    sale = _no_recording_needed_sale(shop)
    upload = _open_upload(shop, sale)
    actions.recording_chunk_put(actor=shop.agent, token=upload.token, offset=0, content=VIDEO)
    actions.sale_complete(actor=shop.agent, sale_id=sale.pk)
    with pytest.raises(SaleAlreadyCompleted):
        actions.recording_upload_finish(actor=shop.agent, token=upload.token, sha256=hashlib.sha256(VIDEO).hexdigest())
    assert not SaleRecording.objects.exists()
    assert "sales.recording_received" not in audit_of(sale)


def test_finishing_again_after_completion_still_answers_with_the_recording(world: World, media: Path) -> None:
    shop = make_shop(world.ours)
    sale = recorded_sale(shop)
    kept = SaleRecording.objects.get(sale=sale)
    (upload,) = kept.uploads.all()
    again = actions.recording_upload_finish(actor=shop.agent, token=upload.token, sha256=kept.sha256)
    assert again.pk == kept.pk


def test_the_same_recording_through_a_second_upload_is_kept_once_and_linked_to_both(world: World, media: Path) -> None:
    shop = make_shop(world.ours)
    sale = start_sale(shop, buyer_age=70)
    first = record(shop, sale)
    second = record(shop, sale)
    assert second.pk == first.pk
    assert SaleRecording.objects.count() == 1
    assert sorted(first.uploads.values_list("state", flat=True)) == ["finished", "finished"]
    assert RecordingUpload.objects.filter(recording=first).count() == 2
    assert not RecordingChunk.objects.exists()
    assert len([p for p in (media / "sales" / "recordings").rglob("*") if p.is_file()]) == 1
    assert audit_of(sale).count("sales.recording_received") == 2


def test_a_chunk_beyond_the_declared_size_is_refused_and_nothing_stored(world: World, media: Path) -> None:
    shop = make_shop(world.ours)
    sale = start_sale(shop, buyer_age=70)
    upload = _open_upload(shop, sale, size=100)
    with pytest.raises(ChunkBeyondDeclaredSize) as refused:
        actions.recording_chunk_put(actor=shop.agent, token=upload.token, offset=0, content=VIDEO[:101])
    assert refused.value.code == "chunk_beyond_declared_size"
    actions.recording_chunk_put(actor=shop.agent, token=upload.token, offset=0, content=VIDEO[:100])
    with pytest.raises(ChunkBeyondDeclaredSize):
        actions.recording_chunk_put(actor=shop.agent, token=upload.token, offset=100, content=VIDEO[100:101])
    assert RecordingUpload.objects.get(pk=upload.pk).received_bytes == 100
    assert RecordingChunk.objects.filter(upload=upload).count() == 1


def test_an_upload_short_of_its_declared_size_is_not_finished(world: World, media: Path) -> None:
    shop = make_shop(world.ours)
    sale = start_sale(shop, buyer_age=70)
    upload = _open_upload(shop, sale, size=200)
    actions.recording_chunk_put(actor=shop.agent, token=upload.token, offset=0, content=VIDEO[:100])
    with pytest.raises(InvalidInput):
        actions.recording_upload_finish(
            actor=shop.agent, token=upload.token, sha256=hashlib.sha256(VIDEO[:100]).hexdigest()
        )
    assert not SaleRecording.objects.exists()
    assert RecordingUpload.objects.get(pk=upload.pk).state == "open"


def test_an_upload_must_declare_a_size_within_the_limit(world: World) -> None:
    shop = make_shop(world.ours)
    sale = start_sale(shop, buyer_age=70)
    for size in (0, actions.MAX_RECORDING_BYTES + 1):
        with pytest.raises(InvalidInput):
            _open_upload(shop, sale, size=size)
    assert not RecordingUpload.objects.exists()


@pytest.mark.parametrize(
    ("when", "why"),
    [
        (timedelta(hours=2), "dated two hours after it reached us"),
        (-timedelta(minutes=6), "dated before the sale began, beyond the clocks' difference"),
    ],
)
def test_an_event_dated_outside_its_sale_is_refused_and_nothing_stored(world: World, when: timedelta, why: str) -> None:
    from xiaobao.ops import clock
    from xiaobao.sales.domain.session import EventOutOfTime

    shop = make_shop(world.ours)
    sale = start_sale(shop)
    moment = clock.now() + when if when > timedelta(0) else STARTED + when
    late = SaleEventIn(client_event_id="e-odd", kind="trail", occurred_at=moment, details={"clicks": 1})

    with pytest.raises(EventOutOfTime):
        actions.sale_events_append(actor=shop.agent, sale_id=sale.pk, batch=[page_event(1), late])

    assert not SaleEvent.objects.exists(), why


def test_an_event_within_the_clocks_difference_is_kept(world: World) -> None:
    from xiaobao.ops import clock

    shop = make_shop(world.ours)
    sale = start_sale(shop)
    ahead = SaleEventIn(
        client_event_id="e-ahead", kind="trail", occurred_at=clock.now() + timedelta(minutes=4), details={}
    )
    early = SaleEventIn(client_event_id="e-early", kind="trail", occurred_at=STARTED - timedelta(minutes=4), details={})

    actions.sale_events_append(actor=shop.agent, sale_id=sale.pk, batch=[early, ahead])

    assert SaleEvent.objects.filter(sale=sale).count() == 2


def _chunk_files(media: Path) -> list[Path]:
    return [path for path in media.rglob("*") if path.is_file() and "sales/uploads" in path.as_posix()]


def test_an_upload_left_open_for_a_week_is_closed_its_chunks_deleted_and_audited(
    world: World, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    from datetime import timedelta

    from tests.support.clock import SettableClock
    from xiaobao.ops import clock

    shop = make_shop(world.ours)
    sale = start_sale(shop)
    settable = SettableClock(datetime(2026, 6, 1, 9, 0, tzinfo=UTC))
    with clock.using(settable):
        # given an upload that received one chunk, and another opened a day later
        abandoned = _open_upload(shop, sale)
        actions.recording_chunk_put(actor=shop.agent, token=abandoned.token, offset=0, content=VIDEO[:100])
        settable.advance(days=1)
        recent = _open_upload(shop, sale)
        assert len(_chunk_files(media)) == 1

        # when the daily task runs seven days and an hour after the first was opened
        settable.advance(days=6, hours=1)
        with django_capture_on_commit_callbacks(execute=True):
            closed = actions.recording_uploads_expire()

    # then only the first is closed, its chunk deleted (row and file), and its closing is on the sale's record
    assert closed == 1
    assert RecordingUpload.objects.get(pk=abandoned.pk).state == RecordingUpload.State.EXPIRED
    assert RecordingUpload.objects.get(pk=recent.pk).state == RecordingUpload.State.OPEN
    assert not RecordingChunk.objects.exists()
    assert _chunk_files(media) == []
    event = AuditEvent.objects.get(event_type="sales.recording_upload_expired")
    assert (event.subject_id, event.new_values["upload"], event.new_values["because"]) == (
        str(sale.pk),
        abandoned.pk,
        "abandoned",
    )
    # and a chunk sent to it afterwards is refused, saying to open a new upload
    with pytest.raises(TransitionNotAllowed, match="closed unfinished"):
        actions.recording_chunk_put(actor=shop.agent, token=abandoned.token, offset=100, content=VIDEO[100:])
    assert timedelta(days=7) < settable.now() - RecordingUpload.objects.get(pk=abandoned.pk).opened_at


def test_an_open_upload_of_a_completed_sale_is_closed_at_the_next_run(world: World, media: Path) -> None:
    shop = make_shop(world.ours)
    sale = _no_recording_needed_sale(shop)
    upload = _open_upload(shop, sale)
    actions.recording_chunk_put(actor=shop.agent, token=upload.token, offset=0, content=VIDEO[:100])
    finished = _open_upload(shop, sale)
    actions.recording_chunk_put(actor=shop.agent, token=finished.token, offset=0, content=VIDEO)
    actions.recording_upload_finish(actor=shop.agent, token=finished.token, sha256=hashlib.sha256(VIDEO).hexdigest())
    actions.sale_complete(actor=shop.agent, sale_id=sale.pk)

    assert actions.recording_uploads_expire() == 1

    assert RecordingUpload.objects.get(pk=upload.pk).state == RecordingUpload.State.EXPIRED
    assert RecordingUpload.objects.get(pk=finished.pk).state == RecordingUpload.State.FINISHED
    assert SaleRecording.objects.filter(sale=sale).count() == 1
    event = AuditEvent.objects.get(event_type="sales.recording_upload_expired")
    assert event.new_values["because"] == "sale_completed"
