"""Complaints API: every read and action of the lifecycle, for staff and partners (django-ninja).

Creates accept an ``Idempotency-Key`` header: a retried request returns the
first result. Unknown fields, wrong types and oversize text are refused with
422 and nothing is written. A consumer reading their complaint sees only the
timeline events meant for them (CMP-2), never forwards, reminders or requests
for more time, nor the staff's declared conflicts.
"""

from __future__ import annotations

import functools
from datetime import date, datetime
from typing import Annotated, Literal

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext_lazy
from ninja import Path, Query, Router, Schema, Status
from pydantic import BaseModel, Field

from xiaobao.casework import receipts as casework_receipts
from xiaobao.complaints import actions, selectors
from xiaobao.complaints.domain.classification import GROUP_COMPLAINT_THRESHOLD, Channel, ProductLine, Reason
from xiaobao.complaints.domain.decisions import Decision, Outcome
from xiaobao.complaints.domain.lifecycle import State
from xiaobao.complaints.domain.queue import MAX_LIMIT, MAX_OFFSET, MAX_PAGE, MAX_SEARCH_LENGTH, SortKey
from xiaobao.complaints.domain.receipts import CallerView, ReceiptState, caller_view
from xiaobao.complaints.models import Complaint, Receipt
from xiaobao.deadlines.clock import state_on
from xiaobao.identity.actors import api_actor
from xiaobao.identity.schemas import ConsumerIn
from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.ops import clock
from xiaobao.ops.schemas import Id, IdempotencyKey, Moment, Strict
from xiaobao.privacy.actions import partner_reads_record as record_partner_reads
from xiaobao.privacy.domain.identifiers import mask_name, mask_phone

router = Router(tags=["complaints"])
partner_router = Router(tags=["partners"])

Text = Annotated[str, Field(max_length=10_000)]
Short = Annotated[str, Field(max_length=500)]


class ComplaintIn(Strict):
    handling_branch_id: Id
    channel: Channel
    received_at: Moment | None = Field(
        None, description="When the complaint reached the insurer; left out, the moment this request is received"
    )
    product_line: ProductLine
    reason: Reason
    description: Text
    complainant_id: Id | None = None
    complainant: ConsumerIn | None = None
    requested_outcome: Text = ""
    policy_number: Annotated[str, Field(max_length=64)] = ""
    claim_reference: Annotated[str, Field(max_length=64)] = ""
    group_size: Annotated[int, Field(ge=1, le=100_000)] = 1
    major_emergency: bool = False
    involved_staff_ids: Annotated[list[Id], Field(max_length=50)] = []
    involved_partner_ids: Annotated[list[Id], Field(max_length=50)] = []
    involved_branch_id: Id | None = None
    policy_seller_id: Id | None = None


class DeadlineOut(Schema):
    rule_id: str
    start: date
    due: date
    paused_days: int
    days_left: int | None = None
    clock_state: str | None = None


class ComplaintOut(Schema):
    id: int
    reference: str
    state: str
    channel: str
    received_on: date
    registered_at: datetime
    product_line: str
    reason: str
    complexity: str
    complainant: str
    complainant_phone: str
    handler_id: int | None
    handling_branch_id: int
    flags: list[str]
    deadline: DeadlineOut | None = None


class ComplaintTimelineOut(Schema):
    """One event of the complaint's timeline (a consumer is shown only those with ``visible_to_consumer``)."""

    at: datetime
    event_type: str
    label: str
    actor: str
    visible_to_consumer: bool


class CaseOut(ComplaintOut):
    description: str
    requested_outcome: str
    outcome: str
    findings: str
    basis: str
    reasons: str
    remedy: str
    allowed_steps: list[str]
    timeline: list[ComplaintTimelineOut]
    conflicts: list[dict[str, object]]


def _flags(complaint: Complaint) -> list[str]:
    flags = [
        name for name in ("elderly", "disabled", "new_urban_resident", "major_emergency") if getattr(complaint, name)
    ]
    if complaint.group_size >= GROUP_COMPLAINT_THRESHOLD:
        flags.append("group")
    return flags


def _out(complaint: Complaint, deadline: DeadlineOut | None = None) -> dict[str, object]:
    phone = complaint.complainant.phone
    return {
        "id": complaint.pk,
        "reference": complaint.reference,
        "state": complaint.state,
        "channel": complaint.channel,
        "received_on": complaint.received_on,
        "registered_at": complaint.registered_at,
        "product_line": complaint.product_line,
        "reason": complaint.reason,
        "complexity": complaint.complexity,
        "complainant": mask_name(complaint.complainant.name),
        "complainant_phone": mask_phone(phone) if phone else "",
        "handler_id": complaint.handler_id,
        "handling_branch_id": complaint.handling_branch_id,
        "flags": _flags(complaint),
        "deadline": deadline,
    }


def _case_out(view: selectors.CaseView, actor: Actor) -> dict[str, object]:
    """The case as ``actor`` may read it: a consumer gets the consumer-visible events only (CMP-2)."""
    consumer = actor.kind is ActorKind.CONSUMER
    complaint = view.complaint
    deadline = None
    if view.deadline is not None:
        deadline = DeadlineOut(
            rule_id=view.deadline.rule_id,
            start=view.deadline.start,
            due=view.deadline.due,
            paused_days=view.deadline.paused_days,
            days_left=view.days_left,
            clock_state=view.clock_state.value if view.clock_state else None,
        )
    return {
        **_out(complaint, deadline),
        "description": complaint.description,
        "requested_outcome": complaint.requested_outcome,
        "outcome": complaint.outcome,
        "findings": complaint.findings,
        "basis": complaint.basis,
        "reasons": complaint.reasons,
        "remedy": complaint.remedy,
        "allowed_steps": view.steps,
        "timeline": [
            {
                "at": entry.at,
                "event_type": entry.event_type,
                "label": entry.label,
                "actor": entry.actor,
                "visible_to_consumer": entry.visible_to_consumer,
            }
            for entry in view.timeline
            if entry.visible_to_consumer or not consumer
        ],
        "conflicts": []
        if consumer
        else [{"staff_id": c.staff_id, "kind": c.kind, "reasons": c.reasons, "at": c.at} for c in view.conflicts],
    }


class ReceiptErrorOut(BaseModel):
    code: str
    message: str


class ReceiptOut(BaseModel):
    """A complaint received and acknowledged (write-behind intake, ADR 0023): ``received`` while it is being
    registered, then ``registered`` with the case's reference, or ``refused`` with the reason."""

    # Built from a dict (``_receipt_out``), so a plain pydantic model: ninja's ``Schema`` would read it through
    # ``DjangoGetter``, which only answers built from model instances need (issue #20).

    reference: str = Field(description="The receipt's reference, LN-<year>-W<number>")
    state: Literal["received", "registered", "refused"]
    status: str = Field(description="The state in words, in the caller's language")
    received_at: datetime = Field(description="The moment of receipt")
    location: str = Field(description="Where to ask after it: GET this path")
    due: date | None = Field(
        None,
        description="The day the decision is due: 15 days from the day of receipt (CMP-T1, counted as CMP-T7) "
        "while it is being registered, then the case's own clock; none once refused",
    )
    rule_id: str | None = Field(None, description="The statutory rule the due date comes from, e.g. CMP-T1")
    due_provisional: bool = Field(
        False, description="The due date falls in a year whose holiday calendar is not published yet: the earliest"
    )
    complaint_id: int | None = None
    complaint_reference: str | None = None
    error: ReceiptErrorOut | None = None


STATUS_TEXT = {
    CallerView.RECEIVED: gettext_lazy("Received, being registered."),
    CallerView.REGISTERED: gettext_lazy("Registered."),
    CallerView.REFUSED: gettext_lazy("Not registered: see the reason, correct it and send the complaint again."),
}


@functools.lru_cache(maxsize=8)
def _receipt_location(script_prefix: str) -> str:
    """Where a receipt is read, with ``{}`` for its reference, for the script prefix in force (the argument keys
    the cache): reversed once, not on every acknowledgement — the URL resolver's ``reverse`` was a twentieth of
    the intake request's Python calls (issue #20). References are letters, digits and hyphens: nothing to quote."""
    return reverse("api:complaint_receipt", args=["REFERENCE"]).replace("REFERENCE", "{}")


def _receipt_out(receipt: Receipt) -> dict[str, object]:
    view = caller_view(ReceiptState(receipt.state))
    error = casework_receipts.refusal_shown(receipt)
    complaint = receipt.complaint if view is CallerView.REGISTERED else None
    due = selectors.receipt_due(receipt)
    return {
        "reference": receipt.reference,
        "state": view.value,
        "status": str(STATUS_TEXT[view]),
        "received_at": receipt.received_at,
        "location": _receipt_location(get_script_prefix()).format(receipt.reference),
        "due": due.due if due else None,
        "rule_id": due.rule_id if due else None,
        "due_provisional": due.provisional if due else False,
        "complaint_id": complaint.pk if complaint else None,
        "complaint_reference": complaint.reference if complaint else None,
        "error": error,
    }


def _registered_out(complaint: Complaint) -> dict[str, object]:
    deadline = selectors.active_deadline(complaint)
    assert deadline is not None  # registration opens the clock
    clock_state, days_left = state_on(deadline.due, clock.today())
    return _out(
        complaint,
        DeadlineOut(
            rule_id=deadline.rule_id,
            start=deadline.start,
            due=deadline.due,
            paused_days=deadline.paused_days,
            days_left=days_left,
            clock_state=clock_state.value,
        ),
    )


@router.post(
    "/complaints",
    response={201: ComplaintOut, 202: ReceiptOut},
    summary="Register a complaint",
    description=(
        "Write-behind (ADR 0023): the complaint is checked, kept and acknowledged with 202 and a receipt; it is "
        "registered moments later, and `GET /api/v1/receipts/{reference}` tells when, with the case's reference. "
        "A deployment with XIAOBAO_INTAKE_IMMEDIATE registers in the request and answers 201 with the case."
    ),
)
def register(
    request: HttpRequest,
    payload: ComplaintIn,
    idempotency_key: IdempotencyKey = None,
) -> Status[dict[str, object]]:
    received = actions.complaint_receive(
        actor=api_actor(request),
        data=payload.model_dump(mode="json"),
        idempotency_key=idempotency_key,
    )
    if received.registration is not None and settings.XIAOBAO_INTAKE_IMMEDIATE:
        return Status(201, _registered_out(received.registration.complaint))
    return Status(202, _receipt_out(received.receipt))


@router.get(
    "/receipts/{reference}",
    response=ReceiptOut,
    url_name="complaint_receipt",
    summary="A complaint received: being registered, registered (with the case), or refused",
)
def receipt(request: HttpRequest, reference: Annotated[str, Path(max_length=40)]) -> dict[str, object]:
    return _receipt_out(selectors.receipt(api_actor(request), reference))


SORTS = tuple(f"{way}{key.value}" for key in SortKey for way in ("", "-"))
SEARCH_HELP = (
    "A reference (or its start), a resident ID number, a phone number, else a name or policy number: "
    "found by exact match, since personal data is stored encrypted"
)


class QueueIn(Strict):
    """The queue's query parameters, refused with 422 when malformed; what passes is read by the same parser
    as the workbench page's (``selectors.parse_queue_filters``), so both give the same rows."""

    state: State | None = None
    due_within_days: Annotated[int, Field(ge=0, le=365)] | None = None
    branch_id: Id | None = None
    channel: Channel | None = None
    flag: Literal["elderly", "disabled", "new_urban_resident", "major_emergency", "group"] | None = None
    handler_id: Id | None = None
    reference: Annotated[str, Field(max_length=32, pattern=r"^[A-Za-z0-9-]*$")] | None = None
    q: Annotated[str, Field(max_length=MAX_SEARCH_LENGTH, description=SEARCH_HELP)] | None = None
    sort: Literal[SORTS] = "due"  # type: ignore[valid-type]
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT)] = 50
    offset: Annotated[int, Field(ge=0, le=MAX_OFFSET)] = 0
    page: Annotated[int, Field(ge=1, le=MAX_PAGE, description="Pages of `limit` rows, from 1; instead of offset")] | (
        None
    ) = None


@router.get("/complaints", response=list[ComplaintOut], summary="The queue: open complaints, most urgent first")
def complaint_queue(request: HttpRequest, filters: Query[QueueIn]) -> list[dict[str, object]]:
    rows = selectors.queue(api_actor(request), selectors.parse_queue_filters(request.GET))
    return [
        _out(
            row.complaint,
            DeadlineOut(
                rule_id=row.rule_id,
                start=row.start,
                due=row.due,
                paused_days=row.paused_days,
                days_left=row.days_left,
                clock_state=row.clock_state.value,
            ),
        )
        for row in rows
    ]


@router.get("/complaints/{complaint_id}", response=CaseOut, summary="One complaint with its timeline")
def complaint_detail(request: HttpRequest, complaint_id: int) -> dict[str, object]:
    actor = api_actor(request)
    return _case_out(selectors.case(actor, complaint_id), actor)


class ReasonIn(Strict):
    reason: Annotated[str, Field(min_length=1, max_length=2000)]


class AssignIn(Strict):
    handler_id: Id


class PauseIn(Strict):
    kind: Literal["appraisal", "mediation"]
    note: Annotated[str, Field(max_length=300)] = ""


class NoteIn(Strict):
    note: Short = ""


class ExtensionIn(Strict):
    to_complexity: Literal["complex", "particularly_complex"]
    reason: Annotated[str, Field(min_length=5, max_length=2000)]


class DecisionIn(Strict):
    outcome: Outcome
    findings: Text
    basis: Text
    reasons: Text
    remedy: Text = ""


class ReviewDecisionIn(Strict):
    outcome: Outcome
    reasons: Text


class ForwardIn(Strict):
    partner_id: Id
    summary: Text
    days: Annotated[int, Field(ge=1, le=30)] = 5


class ExtensionDecisionIn(Strict):
    approve: bool
    note: Short = ""


class ExtensionOut(Schema):
    id: int
    complaint_id: int
    to_complexity: str
    reason: str
    approved: bool | None
    effective_at: datetime | None


class ForwardOut(Schema):
    """A forwarded complaint as the partner may read it (SEC-2, PI-3): only the fields of the categories its
    approved agreements in force release for complaint handling; the others are absent, not masked."""

    id: int
    released_categories: list[str] = Field(description="The kinds of data released under the agreements in force")
    purpose: str = Field(description="The purpose the data is released for")
    complaint_reference: str | None = Field(None, description="category `complaint`")
    summary: str | None = Field(None, description="category `complaint`")
    due: date | None = Field(None, description="category `complaint`")
    answered_at: datetime | None = Field(None, description="category `complaint`")
    complainant_name: str | None = Field(None, description="category `complainant_contact`")
    complainant_phone: str | None = Field(None, description="category `complainant_contact`")
    policy_number: str | None = Field(None, description="category `policy`")
    product_line: str | None = Field(None, description="category `policy`")


class RefusalOut(Schema):
    code: str
    message: str


def _then_case(request: HttpRequest, complaint_id: int) -> dict[str, object]:
    actor = api_actor(request)
    return _case_out(selectors.case(actor, complaint_id), actor)


@router.post("/complaints/{complaint_id}/accept", response=CaseOut)
def accept(request: HttpRequest, complaint_id: int) -> dict[str, object]:
    actions.complaint_accept(actor=api_actor(request), complaint_id=complaint_id)
    return _then_case(request, complaint_id)


@router.post("/complaints/{complaint_id}/decline", response=CaseOut)
def decline(request: HttpRequest, complaint_id: int, payload: ReasonIn) -> dict[str, object]:
    actions.complaint_decline(actor=api_actor(request), complaint_id=complaint_id, reason=payload.reason)
    return _then_case(request, complaint_id)


@router.post("/complaints/{complaint_id}/assign", response=CaseOut)
def assign(request: HttpRequest, complaint_id: int, payload: AssignIn) -> dict[str, object]:
    actions.complaint_assign(actor=api_actor(request), complaint_id=complaint_id, handler_id=payload.handler_id)
    return _then_case(request, complaint_id)


@router.post("/complaints/{complaint_id}/conflict", response={200: dict[str, str]})
def declare_conflict(request: HttpRequest, complaint_id: int, payload: NoteIn) -> dict[str, str]:
    actions.complaint_declare_conflict(actor=api_actor(request), complaint_id=complaint_id, note=payload.note)
    return {"status": "returned to the supervisor"}


@router.post("/complaints/{complaint_id}/investigate", response=CaseOut)
def investigate(request: HttpRequest, complaint_id: int) -> dict[str, object]:
    actions.complaint_investigate(actor=api_actor(request), complaint_id=complaint_id)
    return _then_case(request, complaint_id)


@router.post("/complaints/{complaint_id}/pause", response=CaseOut)
def pause(request: HttpRequest, complaint_id: int, payload: PauseIn) -> dict[str, object]:
    actions.complaint_pause(actor=api_actor(request), complaint_id=complaint_id, kind=payload.kind, note=payload.note)
    return _then_case(request, complaint_id)


@router.post("/complaints/{complaint_id}/resume", response=CaseOut)
def resume(request: HttpRequest, complaint_id: int) -> dict[str, object]:
    actions.complaint_resume(actor=api_actor(request), complaint_id=complaint_id)
    return _then_case(request, complaint_id)


@router.post("/complaints/{complaint_id}/new-facts", response=CaseOut)
def new_facts(request: HttpRequest, complaint_id: int, payload: NoteIn) -> dict[str, object]:
    actions.complaint_new_facts(actor=api_actor(request), complaint_id=complaint_id, note=payload.note)
    return _then_case(request, complaint_id)


@router.post("/complaints/{complaint_id}/extensions", response={201: ExtensionOut})
def request_extension(request: HttpRequest, complaint_id: int, payload: ExtensionIn) -> Status[object]:
    extension = actions.complaint_request_extension(
        actor=api_actor(request),
        complaint_id=complaint_id,
        to_complexity=payload.to_complexity,
        reason=payload.reason,
    )
    return Status(201, extension)


@router.post("/extensions/{extension_id}/decision", response=ExtensionOut)
def decide_extension(request: HttpRequest, extension_id: int, payload: ExtensionDecisionIn) -> object:
    return actions.complaint_decide_extension(
        actor=api_actor(request),
        extension_id=extension_id,
        approve=payload.approve,
        note=payload.note,
    )


@router.post("/extensions/{extension_id}/apply", response=ExtensionOut)
def apply_extension(request: HttpRequest, extension_id: int) -> object:
    return actions.complaint_apply_extension(actor=api_actor(request), extension_id=extension_id)


@router.get("/extensions/pending", response=list[ExtensionOut], summary="Approvals inbox")
def pending_extensions(request: HttpRequest) -> list[object]:
    return selectors.approvals(api_actor(request))


@router.post("/complaints/{complaint_id}/decision", response=CaseOut)
def decide(request: HttpRequest, complaint_id: int, payload: DecisionIn) -> dict[str, object]:
    decision = Decision(**payload.model_dump())
    actions.complaint_decide(actor=api_actor(request), complaint_id=complaint_id, decision=decision)
    return _then_case(request, complaint_id)


@router.post("/complaints/{complaint_id}/send-decision", response=CaseOut)
def send_decision(request: HttpRequest, complaint_id: int) -> dict[str, object]:
    actions.complaint_send_decision(actor=api_actor(request), complaint_id=complaint_id)
    return _then_case(request, complaint_id)


@router.get("/complaints/{complaint_id}/decision-letter.pdf", summary="The printable decision letter")
def decision_letter(request: HttpRequest, complaint_id: int) -> HttpResponse:
    from xiaobao.complaints.letters import decision_letter_name, decision_letter_pdf

    complaint = selectors.decided_complaint_for(api_actor(request), complaint_id)
    response = HttpResponse(decision_letter_pdf(complaint), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{decision_letter_name(complaint)}"'
    return response


@router.post("/complaints/{complaint_id}/close", response=CaseOut)
def close(request: HttpRequest, complaint_id: int) -> dict[str, object]:
    actions.complaint_close(actor=api_actor(request), complaint_id=complaint_id)
    return _then_case(request, complaint_id)


@router.post("/complaints/{complaint_id}/withdraw", response=CaseOut)
def withdraw(request: HttpRequest, complaint_id: int) -> dict[str, object]:
    actions.complaint_withdraw(actor=api_actor(request), complaint_id=complaint_id)
    return _then_case(request, complaint_id)


@router.post("/complaints/{complaint_id}/review-request", response=CaseOut)
def request_review(request: HttpRequest, complaint_id: int, payload: NoteIn) -> dict[str, object]:
    actions.complaint_request_review(actor=api_actor(request), complaint_id=complaint_id, grounds=payload.note)
    return _then_case(request, complaint_id)


@router.post("/complaints/{complaint_id}/review-decision", response=CaseOut)
def decide_review(request: HttpRequest, complaint_id: int, payload: ReviewDecisionIn) -> dict[str, object]:
    actions.complaint_decide_review(
        actor=api_actor(request),
        complaint_id=complaint_id,
        outcome=payload.outcome,
        reasons=payload.reasons,
    )
    return _then_case(request, complaint_id)


@router.post("/complaints/{complaint_id}/forwards", response={201: dict[str, object]})
def forward(request: HttpRequest, complaint_id: int, payload: ForwardIn) -> Status[dict[str, object]]:
    sent = actions.complaint_forward(
        actor=api_actor(request),
        complaint_id=complaint_id,
        partner_id=payload.partner_id,
        summary=payload.summary,
        days=payload.days,
    )
    return Status(201, {"id": sent.pk, "due": sent.due.isoformat()})


def _logged(request: HttpRequest, seen: selectors.PartnerForwards) -> list[dict[str, object]]:
    """Every partner read of consumer data is logged (SEC-2, PI-4) before the data leaves."""
    record_partner_reads(actor=api_actor(request), granted=seen.granted, reads=seen.reads)
    return seen.rows


PARTNER_REFUSED = {400: RefusalOut, 403: RefusalOut, 404: RefusalOut, 422: RefusalOut}
"""Every answer a partner call may get besides its own: a body that is not JSON (400), no agreement in force (403),
not found (404), a malformed path or field (422)."""


@partner_router.get(
    "/forwards",
    response={200: list[ForwardOut], **PARTNER_REFUSED},
    exclude_unset=True,
    summary="Complaints forwarded to the calling partner, with what its agreements in force release",
)
def partner_forwards(request: HttpRequest) -> list[dict[str, object]]:
    return _logged(request, selectors.partner_forwards(api_actor(request)))


@partner_router.get(
    "/forwards/{forward_id}",
    response={200: ForwardOut, **PARTNER_REFUSED},
    exclude_unset=True,
    summary="One complaint forwarded to the calling partner",
)
def partner_forward(request: HttpRequest, forward_id: int) -> dict[str, object]:
    return _logged(request, selectors.partner_forwards(api_actor(request), forward_id))[0]


class AnswerIn(Strict):
    answer: Annotated[str, Field(min_length=1, max_length=10_000)]


@partner_router.post(
    "/forwards/{forward_id}/answer",
    response={200: ForwardOut, 409: RefusalOut, **PARTNER_REFUSED},
    exclude_unset=True,
)
def partner_answer(request: HttpRequest, forward_id: int, payload: AnswerIn) -> dict[str, object]:
    actor = api_actor(request)
    actions.partner_forward_answer(actor=actor, forward_id=forward_id, answer=payload.answer)
    return _logged(request, selectors.partner_forwards(actor, forward_id))[0]
