"""Read models of claims for the workbench, the portal and the API, built through ``claims.access``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Case, IntegerField, Min, Q, QuerySet, Value, When

from xiaobao.audit.timeline import TimelineEntry, timeline
from xiaobao.claims import access
from xiaobao.claims.actions import described, missing
from xiaobao.claims.domain.clocks import ClaimClock
from xiaobao.claims.domain.lifecycle import ClaimState, allowed_claim_steps
from xiaobao.claims.models import ChecklistItem, Claim, ClaimDeadline, ClaimDocument, ClaimReceipt, DocumentReceipt
from xiaobao.deadlines.clock import ClockState, state_on
from xiaobao.identity.domain.permissions import Permission
from xiaobao.kernel.actors import Actor
from xiaobao.kernel.errors import NotFound
from xiaobao.ops import clock

# What the claimant is told to expect next, most pressing first.
NEXT_DATE_ORDER = (
    ClaimClock.PAYMENT,
    ClaimClock.REFUSAL_NOTICE,
    ClaimClock.DECISION,
    ClaimClock.DOCUMENTS_NOTICE,
    ClaimClock.ADVANCE_PAYMENT,
)
CLOSED = (ClaimState.PAID.value, ClaimState.REFUSED.value)


@dataclass(frozen=True)
class NextDate:
    clock: str
    rule_id: str
    due: date
    target: date
    days_left: int
    clock_state: ClockState


@dataclass(frozen=True)
class ClaimView:
    claim: Claim
    next_date: NextDate | None
    deadlines: list[ClaimDeadline]
    missing: list[tuple[str, str, str]]
    """(code, name, explanation) of each document still needed."""
    documents: list[Any]
    requests: list[Any]
    timeline: list[TimelineEntry]
    steps: list[str]


def next_date(deadlines: list[ClaimDeadline]) -> NextDate | None:
    running = {d.clock: d for d in deadlines if d.active}
    for which in NEXT_DATE_ORDER:
        deadline = running.get(which.value)
        if deadline is not None:
            state, days_left = state_on(deadline.due, clock.today(), paused=deadline.state == ClaimDeadline.PAUSED)
            return NextDate(deadline.clock, deadline.rule_id, deadline.due, deadline.target, days_left, state)
    return None


def _view(claim: Claim, *, consumer_view: bool) -> ClaimView:
    deadlines = list(claim.deadlines.order_by("start", "pk"))
    still_needed = described(claim, missing(claim)) if claim.state not in CLOSED else []
    return ClaimView(
        claim=claim,
        next_date=next_date(deadlines),
        deadlines=deadlines,
        missing=still_needed,
        documents=list(claim.documents.order_by("received_at")),
        requests=list(claim.document_requests.order_by("requested_at")),
        timeline=timeline(claim, consumer_view=consumer_view),
        steps=[] if consumer_view else [s.value for s in allowed_claim_steps(ClaimState(claim.state))],
    )


def document_for(actor: Actor, claim_id: Any, document_id: Any) -> tuple[Claim, Any]:
    """A document of a claim the actor may see; NotFound otherwise."""
    claim = access.claim_for(actor, claim_id)
    document = claim.documents.filter(pk=document_id).first()
    if document is None:
        raise NotFound()
    return claim, document


def claim_case(actor: Actor, claim_id: Any) -> ClaimView:
    """The adjuster's case page: everything, every clock, the whole timeline."""
    return _view(access.claim_for(actor, claim_id), consumer_view=False)


def claim_follow(actor: Actor, claim_id: Any) -> ClaimView:
    """The claimant's page: what is still needed, the next date, the steps they may see."""
    return _view(access.claim_of_claimant(actor, claim_id), consumer_view=True)


@dataclass(frozen=True)
class ClaimQueueRow:
    claim: Claim
    next_date: NextDate | None


def claim_queue(
    actor: Actor, *, state: str | None = None, green_only: bool = False, limit: int = 100
) -> list[ClaimQueueRow]:
    """Open claims of the adjuster's insurer: green channel first (CLM-2), then by the earliest running date."""
    claims: QuerySet[Claim] = access.claims_for(actor, Permission.HANDLE_CLAIMS).exclude(state__in=CLOSED)
    if state:
        claims = claims.filter(state=state)
    if green_only:
        claims = claims.exclude(green_channel=[])
    claims = claims.annotate(
        green=Case(When(green_channel=[], then=Value(1)), default=Value(0), output_field=IntegerField()),
        soonest=Min("deadlines__target", filter=Q(deadlines__active=True)),
    ).order_by("green", "soonest", "pk")
    rows = list(claims.select_related("claimant", "adjuster")[:limit])
    deadlines: dict[int, list[ClaimDeadline]] = {}
    for deadline in ClaimDeadline.objects.filter(claim_id__in=[c.pk for c in rows], active=True):
        deadlines.setdefault(deadline.claim_id, []).append(deadline)
    return [ClaimQueueRow(claim, next_date(deadlines.get(claim.pk, []))) for claim in rows]


def claims_of_claimant(actor: Actor) -> QuerySet[Claim]:
    return access.claims_for(actor).select_related("insurer").order_by("-reported_at")


def claim_kinds() -> list[tuple[str, str]]:
    """Every (product line, claim type) with a checklist, as "line/type"."""
    pairs = ChecklistItem.objects.values_list("product_line", "claim_type").distinct().order_by("product_line")
    return [(line, kind) for line, kind in pairs]


@dataclass(frozen=True)
class ClaimBeside:
    claim: Claim
    timeline: list[TimelineEntry]


def claims_about(actor: Actor, claim_reference: str, insurer_id: int) -> list[ClaimBeside]:
    """The claim a complaint is about, when the complaint names it and the reader may see it (shown beside it)."""
    if not claim_reference.strip():
        return []
    found = access.claims_for(actor).filter(reference=claim_reference.strip().upper(), insurer_id=insurer_id)
    return [ClaimBeside(claim, timeline(claim)) for claim in found[:1]]


def document_file_names() -> list[str]:
    """Every stored file a row names, across insurers (system use: the orphan sweep of ops.stored_files): the
    documents', and the staged files of document receipts still owed (write-behind, ADR 0023). A staged file no
    such receipt names — its request died before the receipt was written, or its receipt is done — is an orphan."""
    owed = ("pending", "claimed", "failed")
    staged = DocumentReceipt.objects.filter(state__in=owed).values_list("staged_file", flat=True)
    return [name for name in ClaimDocument.objects.values_list("file", flat=True) if name] + list(staged)


def receipt(actor: Actor, reference: str) -> ClaimReceipt | DocumentReceipt:
    """A claim's or a document's write-behind receipt, for the caller that posted it (ADR 0023)."""
    return access.receipt_for(actor, reference)


def receipts_health() -> dict[str, object] | None:
    """For /healthz: claims and documents acknowledged and not yet dealt with (write-behind intake)."""
    from xiaobao.casework.receipts import health

    parts = {"claims": health(ClaimReceipt), "documents": health(DocumentReceipt)}
    owed: dict[str, object] = {name: part for name, part in parts.items() if part is not None}
    return owed or None


@dataclass(frozen=True)
class Refusal:
    """A refused claim and the day of its refusal (Asia/Shanghai), from which the CLM-T4 notice is counted."""

    claim: Claim
    refused_on: date


def _refusal(claim: Claim) -> Refusal:
    notice = claim.deadlines.filter(clock=ClaimClock.REFUSAL_NOTICE.value).order_by("-start", "-pk").first()
    if claim.state != ClaimState.REFUSED.value or notice is None:
        raise NotFound()
    return Refusal(claim, notice.start)


def refusal_for(actor: Actor, claim_id: Any) -> Refusal:
    """The refusal of a claim the staff member may see (CLM-T4); NotFound for any other claim or actor."""
    return _refusal(access.claim_for(actor, claim_id))


def refusal_of_claimant(actor: Actor, claim_id: Any) -> Refusal:
    """The refusal of the claimant's own claim; NotFound for anyone else's."""
    return _refusal(access.claim_of_claimant(actor, claim_id))
