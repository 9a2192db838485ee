"""Sales API for partners' sales systems (issue #16 item 6; SAL-3): a sale's session, its events and recordings.

A partner (an agent, key ``xbp_…``) submits the sales of its own salespeople; a staff seller (``xbs_…``) their
own. Starting a sale takes an ``Idempotency-Key``; events are idempotent by their client event id (a retried
batch stores each event once); recordings arrive by resumable upload (ADR 0018): open it declaring the whole size, ``PUT`` chunks at
their byte offsets (a repeated chunk is kept once; a chunk past the declared size is refused; ``GET`` the upload
to learn where to resume), finish with the SHA-256 of the whole (the same bytes sent again through another upload
answer with the recording already kept). A completed sale takes no more chunks, uploads or recordings.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from xiaobao.identity.actors import api_actor
from xiaobao.kernel.errors import InvalidInput
from xiaobao.kernel.i18n import _
from xiaobao.ops.schemas import Id, IdempotencyKey, Moment, Strict
from xiaobao.sales import actions, selectors
from xiaobao.sales.actions import MAX_CHUNK_BYTES, RECORDING_MEDIA_TYPES, SaleEventIn, SaleStart
from xiaobao.sales.domain.session import MAX_EVENTS_PER_BATCH
from xiaobao.sales.models import RecordingUpload, Sale, SaleEvent, SaleRecording

router = Router(tags=["sales"])

Sha256 = Annotated[str, Field(pattern=r"^[0-9a-fA-F]{64}$")]


class SaleIn(Strict):
    seller_id: Id
    product_id: Id
    channel: Literal["face_to_face", "phone", "internet", "bancassurance"]
    buyer_age: Annotated[int, Field(ge=0, le=130)]
    started_at: Moment
    buyer_id: Id | None = None
    premium_yuan: Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)] | None = None
    premium_mode: Literal["", "single", "annual"] = ""
    payment_years: Annotated[int, Field(ge=1, le=100)] | None = None


class SaleOut(Schema):
    id: int
    reference: str
    channel: str
    buyer_age: int
    recording_required: bool
    events: int
    chain_head: str
    recordings: int
    started_at: datetime
    completed_at: datetime | None


class EventIn(Strict):
    client_event_id: Annotated[str, Field(min_length=1, max_length=64)]
    kind: Literal["page_shown", "consent", "signature", "trail", "material_shown", "note"]
    occurred_at: Moment
    content: Annotated[str, Field(max_length=actions.MAX_CONTENT_CHARS)] = ""
    content_sha256: Sha256 | None = None
    details: Annotated[dict[str, Any], Field(max_length=50)] = {}


class EventsIn(Strict):
    events: Annotated[list[EventIn], Field(min_length=1, max_length=MAX_EVENTS_PER_BATCH)]


class EventOut(Schema):
    client_event_id: str
    sequence: int
    kind: str
    content_sha256: str
    prev_hash: str
    hash: str


class UploadIn(Strict):
    media_type: Literal[tuple(sorted(RECORDING_MEDIA_TYPES))]  # type: ignore[valid-type]
    duration_seconds: Annotated[int, Field(ge=1, le=24 * 3600)]
    recorded_at: Moment
    size_bytes: Annotated[int, Field(ge=1, le=actions.MAX_RECORDING_BYTES)]
    """The whole recording's size: a chunk past it is refused (``chunk_beyond_declared_size``)."""


class UploadOut(Schema):
    token: str
    size_bytes: int
    received_bytes: int
    state: str
    max_chunk_bytes: int
    recording_id: int | None


class FinishIn(Strict):
    sha256: Sha256


class RecordingOut(Schema):
    id: int
    sha256: str
    size: int
    duration_seconds: int
    media_type: str


def _sale(request: HttpRequest, sale_id: int) -> dict[str, object]:
    summary = selectors.sale_summary(api_actor(request), sale_id)
    sale: Sale = summary.sale
    return {
        "id": sale.pk,
        "reference": sale.reference,
        "channel": sale.channel,
        "buyer_age": sale.buyer_age,
        "recording_required": summary.recording_required,
        "events": summary.events,
        "chain_head": summary.head,
        "recordings": summary.recordings,
        "started_at": sale.started_at,
        "completed_at": sale.completed_at,
    }


def _upload(upload: RecordingUpload) -> dict[str, object]:
    return {
        "token": upload.token,
        "size_bytes": upload.size_bytes,
        "received_bytes": upload.received_bytes,
        "state": upload.state,
        "max_chunk_bytes": MAX_CHUNK_BYTES,
        "recording_id": upload.recording_id,
    }


def _recording(kept: SaleRecording) -> dict[str, object]:
    return {
        "id": kept.pk,
        "sha256": kept.sha256,
        "size": kept.size,
        "duration_seconds": kept.duration_seconds,
        "media_type": kept.media_type,
    }


@router.post("/sales", response={201: SaleOut}, summary="Start a sale session")
def start(request: HttpRequest, payload: SaleIn, idempotency_key: IdempotencyKey = None) -> Status[dict[str, object]]:
    sale = actions.sale_start(
        actor=api_actor(request), start=SaleStart(**payload.model_dump()), idempotency_key=idempotency_key
    )
    return Status(201, _sale(request, sale.pk))


@router.get("/sales/{sale_id}", response=SaleOut, summary="One sale session: its chain's head, its recordings")
def sale_detail(request: HttpRequest, sale_id: int) -> dict[str, object]:
    return _sale(request, sale_id)


@router.post("/sales/{sale_id}/events", response=list[EventOut], summary="Append a batch of events (idempotent)")
def append_events(request: HttpRequest, sale_id: int, payload: EventsIn) -> list[SaleEvent]:
    batch = [SaleEventIn(**event.model_dump()) for event in payload.events]
    return actions.sale_events_append(actor=api_actor(request), sale_id=sale_id, batch=batch)


@router.post("/sales/{sale_id}/recordings", response={201: UploadOut}, summary="Start a resumable recording upload")
def open_upload(
    request: HttpRequest, sale_id: int, payload: UploadIn, idempotency_key: IdempotencyKey = None
) -> Status[dict[str, object]]:
    upload = actions.recording_upload_open(
        actor=api_actor(request), sale_id=sale_id, idempotency_key=idempotency_key, **payload.model_dump()
    )
    return Status(201, _upload(upload))


@router.get("/sales/recording-uploads/{token}", response=UploadOut, summary="Where an upload stands (to resume)")
def upload_detail(request: HttpRequest, token: str) -> dict[str, object]:
    return _upload(selectors.upload_state(api_actor(request), token))


@router.put(
    "/sales/recording-uploads/{token}",
    response=UploadOut,
    summary="Send one chunk (the raw bytes as application/octet-stream) at its byte offset",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
def put_chunk(
    request: HttpRequest, token: str, offset: Annotated[int, Query(ge=0, le=actions.MAX_RECORDING_BYTES)]
) -> dict[str, object]:
    if (request.content_type or "") != "application/octet-stream":
        raise InvalidInput(_("Send the chunk's bytes as the body, with Content-Type: application/octet-stream."))
    upload = actions.recording_chunk_put(actor=api_actor(request), token=token, offset=offset, content=request.body)
    return _upload(upload)


@router.post(
    "/sales/recording-uploads/{token}/finish", response=RecordingOut, summary="Finish an upload with its SHA-256"
)
def finish_upload(request: HttpRequest, token: str, payload: FinishIn) -> dict[str, object]:
    return _recording(actions.recording_upload_finish(actor=api_actor(request), token=token, sha256=payload.sha256))


@router.post("/sales/{sale_id}/complete", response=SaleOut, summary="Complete the sale (a required recording first)")
def complete(request: HttpRequest, sale_id: int) -> dict[str, object]:
    sale = actions.sale_complete(actor=api_actor(request), sale_id=sale_id)
    return _sale(request, sale.pk)
