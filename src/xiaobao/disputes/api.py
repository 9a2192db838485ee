"""The mediation API (DSP-1; issue #17): the organisations' directory with caseload, referrals (staff refer;
the organisation's mediator lists, reads its shared file, accepts and records the outcome) and the figures by
organisation. A mediator reaches only their own organisation's referrals; anyone else's answer is 404."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Query, Router, Status
from pydantic import Field

from xiaobao.disputes import actions, selectors
from xiaobao.disputes.models import Referral
from xiaobao.identity.actors import api_actor
from xiaobao.kernel.actors import ActorKind
from xiaobao.kernel.errors import NotFound
from xiaobao.ops.schemas import Day, Id, Strict

router = Router(tags=["mediation"])

SharedItem = Literal["decision", "timeline", "documents", "contact"]


class MediationOrganisationOut(Strict):
    id: int
    code: str
    name: str
    kind: str
    product_lines: list[str]
    regions: list[str]
    phone: str
    email: str
    address: str
    contact_person: str
    open_referrals: int


class SharedDocumentOut(Strict):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str


class SharedEventOut(Strict):
    at: datetime
    event_type: str
    label: str


class SharedDecisionOut(Strict):
    outcome: str
    findings: str
    basis: str
    reasons: str
    remedy: str


class MediationReferralOut(Strict):
    id: int
    complaint_reference: str
    insurer: str
    organisation_id: int
    organisation: str
    state: str
    shared: list[str]
    referred_on: date
    accepted_on: date | None
    outcome_on: date | None
    effective_on: date | None
    mediation_due: date | None


class MediationSharedFileOut(MediationReferralOut):
    complainant: str
    phone: str | None
    product_line: str
    reason: str
    decision: SharedDecisionOut | None
    timeline: list[SharedEventOut] | None
    documents: list[SharedDocumentOut] | None


class MediationReferralIn(Strict):
    complaint_id: Id
    organisation_id: Id
    shared: list[SharedItem]
    documents: list[Id] = []
    note: Annotated[str, Field(max_length=500)] = ""


class MediationOutcomeIn(Strict):
    outcome: Literal["agreement", "no_agreement", "withdrawn"]
    terms: Annotated[str, Field(max_length=10_000)] = ""
    amount: Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)] | None = None
    effective_on: Day | None = None


class MediationFiguresOut(Strict):
    organisation_id: int
    organisation: str
    referrals: int
    open: int
    agreements: int
    no_agreements: int
    withdrawn: int
    agreement_rate: float | None
    median_days: float | None
    mean_days: float | None


def _mediation_due(referral: Referral) -> date | None:
    row = referral.clocks.filter(kind="mediation").order_by("-pk").first()
    return row.due if row else None


def _referral(referral: Referral) -> dict[str, object]:
    return {
        "id": referral.pk,
        "complaint_reference": referral.complaint.reference or "",
        "insurer": referral.insurer.name,
        "organisation_id": referral.organisation_id,
        "organisation": referral.organisation.name,
        "state": referral.state,
        "shared": referral.shared,
        "referred_on": referral.referred_on,
        "accepted_on": referral.accepted_on,
        "outcome_on": referral.outcome_on,
        "effective_on": referral.effective_on,
        "mediation_due": _mediation_due(referral),
    }


def _shared_file(request: HttpRequest, referral_id: int) -> dict[str, object]:
    shared = selectors.shared_file(api_actor(request), referral_id)
    return {
        **_referral(shared.referral),
        "complainant": shared.complainant,
        "phone": shared.phone,
        "product_line": shared.product_line,
        "reason": shared.reason,
        "decision": shared.decision,
        "timeline": None
        if shared.timeline is None
        else [{"at": e.at, "event_type": e.event_type, "label": e.label} for e in shared.timeline],
        "documents": None
        if shared.documents is None
        else [
            {"id": a.pk, "name": a.original_name, "content_type": a.content_type, "size": a.size, "sha256": a.sha256}
            for a in shared.documents
        ],
    }


@router.get(
    "/mediation/organisations", response=list[MediationOrganisationOut], summary="Mediation organisations and caseload"
)
def organisations(request: HttpRequest) -> list[dict[str, object]]:
    return [
        {
            "id": o.pk,
            "code": o.code,
            "name": o.name,
            "kind": o.kind,
            "product_lines": o.product_lines,
            "regions": o.regions,
            "phone": o.phone,
            "email": o.email,
            "address": o.address,
            "contact_person": o.contact_person,
            "open_referrals": o.open_referrals,  # type: ignore[attr-defined]
        }
        for o in selectors.directory()
    ]


@router.get("/mediation/referrals", response=list[MediationReferralOut], summary="Referrals the caller may see")
def referrals(request: HttpRequest, limit: Annotated[int, Query(ge=1, le=200)] = 50) -> list[dict[str, object]]:
    actor = api_actor(request)
    return [_referral(r) for r in selectors.referrals(actor)[:limit]]


@router.post("/mediation/referrals", response={201: MediationSharedFileOut}, summary="Refer a complaint (with consent)")
def refer(request: HttpRequest, payload: MediationReferralIn) -> Status[dict[str, object]]:
    referral = actions.referral_make(
        actor=api_actor(request),
        complaint_id=payload.complaint_id,
        organisation_id=payload.organisation_id,
        shared=payload.shared,
        documents=payload.documents,
        note=payload.note,
    )
    return Status(201, _shared_file(request, referral.pk))


@router.get(
    "/mediation/referrals/{referral_id}", response=MediationSharedFileOut, summary="A referral and its shared file"
)
def referral(request: HttpRequest, referral_id: int) -> dict[str, object]:
    return _shared_file(request, referral_id)


@router.post(
    "/mediation/referrals/{referral_id}/accept", response=MediationSharedFileOut, summary="The organisation accepts"
)
def accept(request: HttpRequest, referral_id: int) -> dict[str, object]:
    actions.referral_accept(actor=api_actor(request), referral_id=referral_id)
    return _shared_file(request, referral_id)


@router.post(
    "/mediation/referrals/{referral_id}/outcome", response=MediationSharedFileOut, summary="Record the outcome"
)
def outcome(request: HttpRequest, referral_id: int, payload: MediationOutcomeIn) -> dict[str, object]:
    actions.referral_record_outcome(
        actor=api_actor(request),
        referral_id=referral_id,
        outcome=payload.outcome,
        terms=payload.terms,
        amount=payload.amount,
        effective_on=payload.effective_on,
    )
    return _shared_file(request, referral_id)


@router.get(
    "/mediation/statistics", response=list[MediationFiguresOut], summary="Referrals and outcomes by organisation"
)
def statistics(request: HttpRequest, start: Query[Day], end: Query[Day]) -> list[dict[str, object]]:
    actor = api_actor(request)
    if actor.kind not in {ActorKind.STAFF, ActorKind.MEDIATOR}:
        raise NotFound()
    return [
        {"organisation_id": row.organisation.pk, "organisation": row.organisation.name, **_figures(row)}
        for row in selectors.mediation_figures(actor, start=start, end=end)
    ]


def _figures(row: selectors.OrganisationRow) -> dict[str, object]:
    f = row.figures
    return {
        "referrals": f.referrals,
        "open": f.open,
        "agreements": f.agreements,
        "no_agreements": f.no_agreements,
        "withdrawn": f.withdrawn,
        "agreement_rate": f.agreement_rate,
        "median_days": f.median_days,
        "mean_days": f.mean_days,
    }
