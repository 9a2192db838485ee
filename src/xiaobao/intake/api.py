"""Intake endpoints: the call-centre system posts each call with its staff token."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from xiaobao.complaints.domain.classification import ProductLine, Reason
from xiaobao.identity.actors import api_actor
from xiaobao.intake.actions import Call, intake_take_call
from xiaobao.ops.schemas import Id, Strict

router = Router(tags=["intake"])


class CallIn(Strict):
    call_id: Annotated[str, Field(min_length=1, max_length=100)]
    caller_number: Annotated[str, Field(min_length=3, max_length=32)]
    summary: Annotated[str, Field(min_length=1, max_length=10_000)]
    handling_branch_id: Id
    caller_name: Annotated[str, Field(max_length=100)] = ""
    recording_ref: Annotated[str, Field(max_length=200)] = ""
    product_line: ProductLine = ProductLine.OTHER_PROPERTY
    reason: Reason = Reason.OTHER_SERVICE
    complaint_reference: Annotated[str, Field(max_length=32)] = ""


class CallOut(Schema):
    complaint_id: int
    reference: str
    outcome: str


@router.post("/intake/hotline", response=CallOut, summary="A call from the 24x7 hotline (idempotent by call id)")
def hotline(request: HttpRequest, payload: CallIn) -> dict[str, object]:
    complaint, outcome = intake_take_call(actor=api_actor(request), call=Call(**payload.model_dump()))
    return {"complaint_id": complaint.pk, "reference": complaint.reference, "outcome": outcome}
