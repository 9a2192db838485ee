"""Claims API (CLM-3): report, send documents, follow; every adjuster step. django-ninja.

Staff (a staff token or a session) report for their own insurer, naming the claimant; a signed-in
consumer reports in their own name and names the insurer. ``POST /claims`` takes an
``Idempotency-Key``: a retried request returns the first claim.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy
from ninja import File, Form, Path, Query, Router, Status, UploadedFile
from pydantic import Field

from xiaobao.casework import receipts as casework_receipts
from xiaobao.claims import actions, selectors
from xiaobao.claims.actions import NewClaim
from xiaobao.claims.models import Claim, ClaimDocument, ClaimReceipt, DocumentReceipt
from xiaobao.identity.actions import ConsumerDetails
from xiaobao.identity.actors import api_actor
from xiaobao.identity.schemas import ConsumerIn
from xiaobao.kernel.actors import ActorKind
from xiaobao.kernel.errors import InvalidInput
from xiaobao.kernel.i18n import _
from xiaobao.kernel.receipts import CallerView, ReceiptState, caller_view
from xiaobao.ops.schemas import Day, Id, IdempotencyKey, Strict
from xiaobao.privacy.domain.identifiers import mask_name

router = Router(tags=["claims"])

Text = Annotated[str, Field(max_length=10_000)]
Short = Annotated[str, Field(max_length=500)]
Money = Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=2)]


class ClaimIn(Strict):
    insurer_id: Id | None = None
    policy_number: Annotated[str, Field(min_length=1, max_length=64)]
    product_line: Annotated[str, Field(max_length=32)]
    claim_type: Annotated[str, Field(max_length=32)]
    incident_date: Day
    incident_region: Annotated[str, Field(pattern=r"^\d{6}$")]
    description: Text
    amount_claimed: Money
    beneficiary_name: Annotated[str, Field(max_length=100)] = ""
    simple: bool = True
    contract_decision_days: Annotated[int, Field(ge=1, le=30)] | None = None
    claimant_id: Id | None = None
    claimant: ConsumerIn | None = None


class NextDateOut(Strict):
    clock: str
    rule_id: str
    due: date
    target: date
    days_left: int
    clock_state: str


class MissingOut(Strict):
    code: str
    name: str
    explanation: str


class ClaimOut(Strict):
    id: int
    reference: str
    state: str
    product_line: str
    claim_type: str
    claimant: str
    received_on: date
    amount_claimed: Decimal
    agreed_amount: Decimal | None
    paid_amount: Decimal | None
    advance_paid_amount: Decimal
    green_channel: list[str]
    home_visit_on: date | None
    next_date: NextDateOut | None
    missing: list[MissingOut]


class DocumentOut(Strict):
    id: int
    item_code: str
    content_type: str
    size: int
    sha256: str


class ClaimTimelineOut(Strict):
    """One event of the claim's timeline (a claimant is shown only the events meant for them)."""

    at: datetime
    event_type: str
    label: str


class ClaimCaseOut(ClaimOut):
    refusal_reasons: str
    refusal_basis: str
    documents: list[DocumentOut]
    allowed_steps: list[str]
    timeline: list[ClaimTimelineOut]


def _next(view_next: selectors.NextDate | None) -> dict[str, object] | None:
    if view_next is None:
        return None
    return {**view_next.__dict__, "clock_state": view_next.clock_state.value}


def _out(claim: Claim, next_date: selectors.NextDate | None, missing: list[tuple[str, str, str]]) -> dict[str, object]:
    return {
        "id": claim.pk,
        "reference": claim.reference,
        "state": claim.state,
        "product_line": claim.product_line,
        "claim_type": claim.claim_type,
        "claimant": mask_name(claim.claimant.name),
        "received_on": claim.received_on,
        "amount_claimed": claim.amount_claimed,
        "agreed_amount": claim.agreed_amount,
        "paid_amount": claim.paid_amount,
        "advance_paid_amount": claim.advance_paid_amount,
        "green_channel": claim.green_channel,
        "home_visit_on": claim.home_visit_on,
        "next_date": _next(next_date),
        "missing": [{"code": c, "name": n, "explanation": e} for c, n, e in missing],
    }


def _case(request: HttpRequest, claim_id: int) -> dict[str, object]:
    actor = api_actor(request)
    view = (
        selectors.claim_follow(actor, claim_id)
        if actor.kind is ActorKind.CONSUMER
        else selectors.claim_case(actor, claim_id)
    )
    claim = view.claim
    return {
        **_out(claim, view.next_date, view.missing),
        "refusal_reasons": claim.refusal_reasons,
        "refusal_basis": claim.refusal_basis,
        "documents": [
            {"id": d.pk, "item_code": d.item_code, "content_type": d.content_type, "size": d.size, "sha256": d.sha256}
            for d in view.documents
        ],
        "allowed_steps": view.steps,
        "timeline": [{"at": e.at, "event_type": e.event_type, "label": e.label} for e in view.timeline],
    }


class ClaimReceiptErrorOut(Strict):
    code: str
    message: str


class ClaimReceiptOut(Strict):
    """A claim or a document received and acknowledged (write-behind intake, ADR 0023): ``received`` while it is
    being dealt with, then ``registered`` (the claim made, the document attached) or ``refused`` with the reason."""

    reference: str = Field(
        description="The receipt's reference: CL-<year>-W<number> (a claim), CL-<year>-D<number> (a document)"
    )
    kind: Literal["claim", "document"]
    state: Literal["received", "registered", "refused"]
    status: str = Field(description="The state in words, in the caller's language")
    received_at: datetime = Field(description="The moment of receipt: the statutory clocks count from it")
    location: str = Field(description="Where to ask after it: GET this path")
    claim_id: int | None = None
    claim_reference: str | None = None
    document_id: int | None = None
    error: ClaimReceiptErrorOut | None = None


STATUS_TEXT = {
    CallerView.RECEIVED: gettext_lazy("Received, being registered."),
    CallerView.REGISTERED: gettext_lazy("Registered."),
    CallerView.REFUSED: gettext_lazy("Not registered: see the reason, correct it and send it again."),
}


def _receipt_out(receipt: ClaimReceipt | DocumentReceipt) -> dict[str, object]:
    view = caller_view(ReceiptState(receipt.state))
    error = casework_receipts.refusal_shown(receipt)
    registered = view is CallerView.REGISTERED
    if isinstance(receipt, ClaimReceipt):
        claim = receipt.claim if registered else None
        document = None
    else:
        document = receipt.document if registered else None
        claim = document.claim if document is not None else None
    return {
        "reference": receipt.reference,
        "kind": "claim" if isinstance(receipt, ClaimReceipt) else "document",
        "state": view.value,
        "status": str(STATUS_TEXT[view]),
        "received_at": receipt.received_at,
        "location": reverse("api:claim_receipt", args=[receipt.reference]),
        "claim_id": claim.pk if claim else None,
        "claim_reference": claim.reference if claim else None,
        "document_id": document.pk if document else None,
        "error": error,
    }


@router.post(
    "/claims",
    response={201: ClaimCaseOut, 202: ClaimReceiptOut},
    summary="Report a claim",
    description=(
        "Write-behind (ADR 0023): the claim is checked, kept and acknowledged with 202 and a receipt; it is "
        "registered moments later, and `GET /api/v1/claim-receipts/{reference}` tells when, with the claim. "
        "A deployment with XIAOBAO_INTAKE_IMMEDIATE registers in the request and answers 201 with the claim."
    ),
)
def report(
    request: HttpRequest,
    payload: ClaimIn,
    idempotency_key: IdempotencyKey = None,
) -> Status[dict[str, object]]:
    actor = api_actor(request)
    if not settings.XIAOBAO_INTAKE_IMMEDIATE:
        receipt = actions.claim_receive(
            actor=actor, data=payload.model_dump(mode="json"), idempotency_key=idempotency_key
        )
        return Status(202, _receipt_out(receipt))
    data = payload.model_dump(exclude={"insurer_id", "claimant_id", "claimant"})
    insurer_id = actor.insurer_id if actor.kind is ActorKind.STAFF else payload.insurer_id
    if insurer_id is None:
        raise InvalidInput(_("Say which insurer the claim is for."))
    claim = actions.claim_report(
        actor=actor,
        insurer_id=insurer_id,
        data=NewClaim(**data),
        claimant_id=payload.claimant_id,
        claimant=ConsumerDetails(**payload.claimant.model_dump()) if payload.claimant else None,
        idempotency_key=idempotency_key,
    )
    return Status(201, _case(request, claim.pk))


@router.get(
    "/claim-receipts/{reference}",
    response=ClaimReceiptOut,
    url_name="claim_receipt",
    summary="A claim or document received: being dealt with, registered (with the claim), or refused",
)
def claim_receipt(request: HttpRequest, reference: Annotated[str, Path(max_length=40)]) -> dict[str, object]:
    return _receipt_out(selectors.receipt(api_actor(request), reference))


@router.get("/claims", response=list[ClaimOut], summary="Open claims: green channel first, then the earliest date")
def claim_queue(
    request: HttpRequest,
    state: Query[str | None] = None,
    green_only: Query[bool] = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[dict[str, object]]:
    actor = api_actor(request)
    if actor.kind is ActorKind.CONSUMER:
        claims = list(selectors.claims_of_claimant(actor)[:limit])
        views = [selectors.claim_follow(actor, c.pk) for c in claims]
        return [_out(v.claim, v.next_date, v.missing) for v in views]
    rows = selectors.claim_queue(actor, state=state, green_only=green_only, limit=limit)
    return [_out(row.claim, row.next_date, []) for row in rows]


@router.get("/claims/{claim_id}", response=ClaimCaseOut, summary="One claim: clocks, missing documents, timeline")
def claim_detail(request: HttpRequest, claim_id: int) -> dict[str, object]:
    return _case(request, claim_id)


@router.post(
    "/claims/{claim_id}/documents",
    response={201: DocumentOut, 202: ClaimReceiptOut},
    summary="Send one document (multipart form)",
    description=(
        "Write-behind (ADR 0023): the file is checked, stored and acknowledged with 202 and a receipt; it is "
        "attached to the claim moments later (`GET /api/v1/claim-receipts/{reference}`). A deployment with "
        "XIAOBAO_INTAKE_IMMEDIATE attaches it in the request and answers 201 with the document."
    ),
)
def send_document(
    request: HttpRequest,
    claim_id: int,
    item_code: Form[str],
    file: File[UploadedFile],
    idempotency_key: IdempotencyKey = None,
) -> Status[dict[str, object]]:
    if not settings.XIAOBAO_INTAKE_IMMEDIATE:
        receipt = actions.claim_document_receive(
            actor=api_actor(request),
            claim_id=claim_id,
            item_code=item_code,
            name=file.name or "file",
            content=file,
            idempotency_key=idempotency_key,
        )
        return Status(202, _receipt_out(receipt))
    document: ClaimDocument = actions.claim_receive_document(
        actor=api_actor(request),
        claim_id=claim_id,
        item_code=item_code,
        name=file.name or "file",
        content=file,  # on disk already: size checked before reading, stored in chunks
    )
    return Status(
        201,
        {
            "id": document.pk,
            "item_code": document.item_code,
            "content_type": document.content_type,
            "size": document.size,
            "sha256": document.sha256,
        },
    )


class DocumentRequestIn(Strict):
    items: Annotated[list[str], Field(max_length=50)] | None = None
    new_fact: Short = ""


class PauseReasonIn(Strict):
    reason: Annotated[str, Field(min_length=1, max_length=500)]


class AmountIn(Strict):
    amount: Money


class RefusalIn(Strict):
    reasons: Text
    basis: Text


class HomeVisitIn(Strict):
    day: Day
    note: Short = ""


def _done(request: HttpRequest, claim: Claim) -> dict[str, object]:
    return _case(request, claim.pk)


@router.post("/claims/{claim_id}/document-requests", response=ClaimCaseOut, summary="Ask for missing documents")
def request_documents(request: HttpRequest, claim_id: int, payload: DocumentRequestIn) -> dict[str, object]:
    actions.claim_request_documents(
        actor=api_actor(request), claim_id=claim_id, items=payload.items, new_fact=payload.new_fact
    )
    return _case(request, claim_id)


@router.post("/claims/{claim_id}/assess", response=ClaimCaseOut, summary="Start the assessment")
def assess(request: HttpRequest, claim_id: int) -> dict[str, object]:
    return _done(request, actions.claim_assess(actor=api_actor(request), claim_id=claim_id))


@router.post("/claims/{claim_id}/pause", response=ClaimCaseOut, summary="Pause for an appraisal")
def pause(request: HttpRequest, claim_id: int, payload: PauseReasonIn) -> dict[str, object]:
    return _done(request, actions.claim_pause(actor=api_actor(request), claim_id=claim_id, reason=payload.reason))


@router.post("/claims/{claim_id}/resume", response=ClaimCaseOut, summary="Resume after the appraisal")
def resume(request: HttpRequest, claim_id: int) -> dict[str, object]:
    return _done(request, actions.claim_resume(actor=api_actor(request), claim_id=claim_id))


@router.post("/claims/{claim_id}/agree-amount", response=ClaimCaseOut, summary="Agree the amount (CLM-T3 starts)")
def agree_amount(request: HttpRequest, claim_id: int, payload: AmountIn) -> dict[str, object]:
    return _done(
        request, actions.claim_agree_amount(actor=api_actor(request), claim_id=claim_id, amount=payload.amount)
    )


@router.post("/claims/{claim_id}/pay", response=ClaimCaseOut, summary="Record the payment")
def pay(request: HttpRequest, claim_id: int) -> dict[str, object]:
    return _done(request, actions.claim_pay(actor=api_actor(request), claim_id=claim_id))


@router.post("/claims/{claim_id}/refuse", response=ClaimCaseOut, summary="Refuse, with reasons and basis")
def refuse(request: HttpRequest, claim_id: int, payload: RefusalIn) -> dict[str, object]:
    return _done(
        request,
        actions.claim_refuse(actor=api_actor(request), claim_id=claim_id, reasons=payload.reasons, basis=payload.basis),
    )


@router.post("/claims/{claim_id}/advance-payment", response=ClaimCaseOut, summary="Pay an advance (CLM-T5)")
def advance_payment(request: HttpRequest, claim_id: int, payload: AmountIn) -> dict[str, object]:
    return _done(
        request, actions.claim_advance_payment(actor=api_actor(request), claim_id=claim_id, amount=payload.amount)
    )


@router.post("/claims/{claim_id}/home-visit", response=ClaimCaseOut, summary="Book a home visit (green channel)")
def home_visit(request: HttpRequest, claim_id: int, payload: HomeVisitIn) -> dict[str, object]:
    return _done(
        request,
        actions.claim_book_home_visit(actor=api_actor(request), claim_id=claim_id, day=payload.day, note=payload.note),
    )
