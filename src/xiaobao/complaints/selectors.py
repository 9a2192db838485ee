"""Read models for the workbench and the API, built through ``complaints.access``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from xiaobao.audit.timeline import TimelineEntry, timeline
from xiaobao.calendars.selectors import business_calendar
from xiaobao.complaints import access
from xiaobao.complaints.domain.classification import GROUP_COMPLAINT_THRESHOLD
from xiaobao.complaints.domain.lifecycle import State
from xiaobao.complaints.domain.queue import (
    FLAGS,
    MAX_LIMIT,
    QueueFilters,
    SearchKind,
    SortKey,
    classify_search,
    parse_queue_filters,
)
from xiaobao.complaints.domain.steps import steps_for
from xiaobao.complaints.models import Attachment, Complaint, Deadline, PartnerForward, Receipt, SavedQueueView
from xiaobao.deadlines.clock import ClockState, Pause, Said, compute, state_on
from xiaobao.deadlines.rules import DEFAULT as RULES
from xiaobao.identity.access import one
from xiaobao.identity.domain.documents import ID_KIND_TEXT, IdKind, index_kind, mask_document, normalise_document
from xiaobao.identity.domain.permissions import Permission, staff_may
from xiaobao.identity.models import Consumer
from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.kernel.calendar import CalendarYearNotLoaded
from xiaobao.kernel.errors import InvalidInput, NotFound
from xiaobao.notifications.access import notifications_for
from xiaobao.ops import clock
from xiaobao.privacy.access import partner_release
from xiaobao.privacy.actions import PartnerRead
from xiaobao.privacy.domain.agreements import COMPLAINT_HANDLING, Release
from xiaobao.privacy.domain.identifiers import (
    mask_name,
    mask_phone,
    normalise_name,
    normalise_policy_number,
)
from xiaobao.privacy.keys import blind_indexer

__all__ = ["FLAGS", "QueueFilters", "parse_queue_filters"]  # the queue's one filter object and its parser


@dataclass(frozen=True)
class QueueRow:
    complaint: Complaint
    due: date
    days_left: int
    clock_state: ClockState
    rule_id: str
    start: date
    paused_days: int


def queue(actor: Actor, filters: QueueFilters) -> list[QueueRow]:
    """Open complaints the actor may see, the most urgent statutory deadline first."""
    return queue_page(actor, filters, counted=False)[0]


def queue_page(
    actor: Actor, filters: QueueFilters, *, counted: bool = True, with_complainant: bool = False
) -> tuple[list[QueueRow], int]:
    """One page of the queue and how many open complaints match across every page (the gate asked once).
    ``with_complainant`` fetches who complains with each row (the export masks them; the page shows none)."""
    today = clock.today()
    deadlines = _queue_deadlines(actor, filters, today)
    if with_complainant:
        deadlines = deadlines.select_related("complaint__complainant")
    total = deadlines.count() if counted else 0
    rows = []
    for deadline in _one_page(deadlines, filters):
        state, days_left = state_on(deadline.due, today, paused=deadline.state == Deadline.PAUSED)
        rows.append(
            QueueRow(
                deadline.complaint,
                deadline.due,
                days_left,
                state,
                deadline.rule_id,
                start=deadline.start,
                paused_days=deadline.paused_days,
            )
        )
    return rows, total


def _one_page(deadlines: QuerySet[Deadline], filters: QueueFilters) -> list[Deadline]:
    """The page's rows: their ids first, ordered and skipped through in narrow index rows (the deadline
    index and ``complaint_queue_priority``), then just those rows in full — page 50 of a million
    complaints reads 50 wide rows, not 2,500 (bench/queue.py)."""
    if filters.limit > MAX_LIMIT:  # an export: one pass
        return list(deadlines[filters.offset : filters.offset + filters.limit])
    ids = list(deadlines.values_list("pk", flat=True)[filters.offset : filters.offset + filters.limit])
    if not ids:
        return []
    fetched = {deadline.pk: deadline for deadline in deadlines.filter(pk__in=ids).order_by()}
    return [fetched[pk] for pk in ids if pk in fetched]


def _queue_deadlines(actor: Actor, filters: QueueFilters, today: date) -> QuerySet[Deadline]:
    deadlines = access.open_deadlines_for(actor)
    complaint_filters: dict[str, Any] = {}
    if filters.state:
        complaint_filters["complaint__state"] = filters.state
    if filters.branch_id:
        complaint_filters["complaint__handling_branch_id"] = filters.branch_id
    if filters.channel:
        complaint_filters["complaint__channel"] = filters.channel
    if filters.handler_id:
        complaint_filters["complaint__handler_id"] = filters.handler_id
    if filters.reference:
        complaint_filters["complaint__reference__startswith"] = filters.reference.strip().upper()
    found = _searched(filters.search)
    if filters.flag == "group":
        complaint_filters["complaint__group_size__gte"] = GROUP_COMPLAINT_THRESHOLD
    elif filters.flag in FLAGS:
        complaint_filters[f"complaint__{filters.flag}"] = True
    if filters.due_within_days is not None:
        complaint_filters["due__lte"] = today + timedelta(days=filters.due_within_days)
    return (
        deadlines.filter(found, **complaint_filters)
        .select_related("complaint", "complaint__handler", "complaint__handling_branch")
        .order_by(*_queue_order(filters.sort, descending=filters.descending))
    )


PRIORITY_AMONG_EQUALS = ("-complaint__elderly", "-complaint__disabled", "-complaint__new_urban_resident")
"""INC-E3, INC-3: elderly, disabled and new urban residents first among cases due the same day."""


def _queue_order(sort: SortKey, *, descending: bool) -> list[str]:
    """The order of the queue: by the chosen column, then — so every page is stable — by the row's id."""
    way = "-" if descending else ""
    if sort is SortKey.DUE:
        return [f"{way}due", *PRIORITY_AMONG_EQUALS, f"{way}pk"]
    column = {
        SortKey.RECEIVED: "complaint__received_at",
        SortKey.REFERENCE: "complaint__reference",
        SortKey.STATE: "complaint__state",
    }[sort]
    return [f"{way}{column}", "due", f"{way}pk"]


NAMESAKES_SEARCHED = 5_000
"""A search by name looks at this many people of that name at most (a name is not an identifier)."""


def _searched(typed: str | None) -> Q:
    """The condition on the actor's open deadlines that the search box asks for (``Q()``: none typed).

    Exact matches on blind indexes — the values are encrypted. A phone goes consumer (phone_index) →
    their complaints → the active deadline; a name is looked up first among people (a short list), so the
    database can answer "this name or this policy number" from two indexes.
    """
    term = classify_search(typed or "")
    if term is None:
        return Q()
    indexer = blind_indexer()
    if term.kind is SearchKind.REFERENCE:
        return Q(complaint__reference__startswith=term.value)
    if term.kind is SearchKind.PHONE:
        return Q(complaint__complainant__phone_index=indexer.index("phone", term.value))
    if term.kind is SearchKind.RESIDENT_ID:
        index = indexer.index("resident_id", term.value)
        # a number only stated by another phone (docs/adr/0007) still finds the cases filed with it
        return Q(complaint__complainant__resident_id_index=index) | Q(
            complaint__complainant__stated_resident_id_index=index
        )
    wanted = _other_documents(term.value)
    if name := normalise_name(term.value):
        namesakes = list(
            Consumer.objects.filter(name_index=indexer.index("name", name)).values_list("pk", flat=True)[
                :NAMESAKES_SEARCHED
            ]
        )
        wanted |= Q(complaint__complainant_id__in=namesakes) if namesakes else Q(pk__in=[])
    if policy := normalise_policy_number(term.value):
        wanted |= Q(complaint__policy_number_index=indexer.index("policy_number", policy))
    return wanted


def _other_documents(typed: str) -> Q:
    """A passport or permit number typed into the search box (INC-3): each kind it could be, by its own index."""
    indexer = blind_indexer()
    wanted = Q()
    for kind in IdKind:
        if kind is IdKind.RESIDENT_ID:
            continue
        try:
            number = normalise_document(kind, typed)
        except InvalidInput:
            continue
        index = indexer.index(index_kind(kind), number)
        wanted |= Q(complaint__complainant__resident_id_index=index) | Q(
            complaint__complainant__stated_resident_id_index=index
        )
    return wanted


def saved_views(actor: Actor) -> QuerySet[SavedQueueView]:
    """The staff member's own saved queue views, by name."""
    return access.saved_views_for(actor).order_by("name", "pk")


def due_within(*, days: int, today: date | None = None) -> QuerySet[Deadline]:
    """The sweep: every running deadline due within ``days`` (or overdue), across insurers (system use)."""
    today = today or clock.today()
    return Deadline.objects.filter(active=True, state=Deadline.RUNNING, due__lte=today + timedelta(days=days))


@dataclass(frozen=True)
class CaseView:
    complaint: Complaint
    deadline: Deadline | None
    days_left: int | None
    clock_state: ClockState | None
    timeline: list[TimelineEntry]
    steps: list[str]
    conflicts: list[Any] = field(default_factory=list)
    extensions: list[Any] = field(default_factory=list)
    forwards: list[Any] = field(default_factory=list)
    messages: list[Any] = field(default_factory=list)
    attachments: list[Any] = field(default_factory=list)
    explanation: list[Said] = field(default_factory=list)
    """How the due date is reached (CMP-T1..T7), sentence by sentence, for the reader's language."""
    notices: list[Any] = field(default_factory=list)
    """What was sent to the complainant about the case, with its proof (CMP-N3): the other way of the messages."""


def active_deadline(complaint: Complaint) -> Deadline | None:
    """The running (or paused) clock of a complaint the caller already opened through the gate."""
    return Deadline.objects.filter(complaint=complaint, active=True).first()


def case(actor: Actor, complaint_id: int) -> CaseView:
    complaint = access.complaint_for(actor, complaint_id)
    deadline = active_deadline(complaint)
    state = days_left = None
    if deadline is not None:
        state, days_left = state_on(deadline.due, clock.today(), paused=deadline.state == Deadline.PAUSED)
    return CaseView(
        complaint=complaint,
        deadline=deadline,
        days_left=days_left,
        clock_state=state,
        timeline=timeline(complaint),
        steps=[
            step.value
            for step in steps_for(
                State(complaint.state),
                actor,
                handler_id=complaint.handler_id,
                own_case=actor.kind is ActorKind.CONSUMER and actor.consumer_id == complaint.complainant_id,
            )
        ],
        conflicts=list(complaint.conflicts.select_related("staff").order_by("at")),
        extensions=list(
            complaint.extensions.select_related("decided_by", "decided_at_office").order_by("requested_at")
        ),
        forwards=list(complaint.forwards.select_related("partner", "clock").order_by("forwarded_at")),
        messages=list(complaint.messages.order_by("received_at")),
        attachments=list(complaint.attachments.order_by("uploaded_at")),
        explanation=clock_explanation(complaint, deadline),
        notices=list(
            notifications_for(actor)
            .filter(about_type=Complaint._meta.label_lower, about_id=str(complaint.pk), consumer_id__isnull=False)
            .order_by("created_at")
        ),
    )


def pauses_since(complaint: Complaint, since: date) -> list[Pause]:
    """The pauses (CMP-T4) of a complaint after its clock's start day, as the deadline engine takes them."""
    return [
        Pause(p.started_on, p.ended_on, p.kind)
        for p in complaint.pauses.filter(started_on__gt=since).order_by("started_on")
    ]


def clock_explanation(complaint: Complaint, deadline: Deadline | None) -> list[Said]:
    """The reasoning behind the stored due date, from the same engine that computed it; nothing when the
    calendar year is not loaded (the page then says the date is provisional)."""
    if deadline is None:
        return []
    try:
        computed = compute(
            RULES[deadline.rule_id],
            deadline.start,
            business_calendar(),
            pauses=pauses_since(complaint, deadline.start),
            today=clock.today(),
        )
    except CalendarYearNotLoaded:
        return []
    return list(computed.said)


@dataclass(frozen=True)
class ComplainantShown:
    """Who complains, as a case page shows it: masked (PI-1; revealing the full value is its own action)."""

    name: str
    phone: str
    resident_id: str
    confirmed: bool
    id_document: str = ""
    """The kind of document ``resident_id`` is the masked number of, when it is not a resident ID (INC-3)."""


def complainant_shown(complaint: Complaint) -> ComplainantShown:
    """For a complaint the caller already opened through the gate."""
    return person_shown(complaint.complainant)


def person_shown(person: Any) -> ComplainantShown:
    """A complainant or claimant of a case the caller already opened through its gate, masked."""
    return ComplainantShown(
        name=mask_name(person.name) if person.name else "—",
        phone=mask_phone(person.phone) if person.phone else "",
        resident_id=mask_document(person.id_kind, person.resident_id) if person.resident_id else "",
        confirmed=person.identity_confirmed,
        id_document=_document_named(person.id_kind) if person.resident_id else "",
    )


def _document_named(kind: str) -> str:
    """The document's name in the reader's language; nothing for a resident ID, which every page assumes."""
    if kind == IdKind.RESIDENT_ID.value:
        return ""
    return gettext(ID_KIND_TEXT[IdKind(kind)])


def complaints_about_claim(actor: Actor, claim_reference: str) -> list[Complaint]:
    """The complaints the actor may see that are about this claim (the claim page links them)."""
    if not claim_reference:
        return []
    return list(access.complaints_for(actor).filter(claim_reference=claim_reference).order_by("received_at")[:20])


def approvals_waiting(actor: Actor) -> int:
    """How many extension requests wait for this approver (the number beside "Approvals"); no query for
    those who approve nothing."""
    if not staff_may(actor, Permission.APPROVE_EXTENSIONS):
        return 0
    return access.extensions_for(actor).filter(approved__isnull=True).count()


def approvals(actor: Actor) -> list[Any]:
    """Extension requests waiting for this approver (never their own, never where they have an interest)."""
    return list(
        access.extensions_for(actor)
        .filter(approved__isnull=True)
        .select_related("complaint", "requested_by")
        .order_by("requested_at")
    )


@dataclass(frozen=True)
class PartnerTimeliness:
    """How one partner answers forwarded complaints (CMP-P2: counted in partner admission and exit)."""

    partner_id: int
    partner_name: str
    forwarded: int
    answered_on_time: int
    answered_late: int
    open_overdue: int


def partner_timeliness(actor: Actor) -> list[PartnerTimeliness]:
    today = clock.today()
    by_partner: dict[int, dict[str, Any]] = {}
    for forward in access.forwards_for(actor).select_related("partner"):
        row = by_partner.setdefault(
            forward.partner_id, {"name": forward.partner.name, "n": 0, "ok": 0, "late": 0, "open": 0}
        )
        row["n"] += 1
        if forward.answered_at is not None:
            row["ok" if clock.statutory_date_of(forward.answered_at) <= forward.due else "late"] += 1
        elif today > forward.due:
            row["open"] += 1
    return [
        PartnerTimeliness(pk, row["name"], row["n"], row["ok"], row["late"], row["open"])
        for pk, row in sorted(by_partner.items())
    ]


def attachment_for(actor: Actor, complaint_id: int, attachment_id: int) -> tuple[Complaint, Attachment]:
    """A file the complainant sent, of a complaint the actor may see; NotFound otherwise."""
    complaint = access.complaint_for(actor, complaint_id)
    kept = complaint.attachments.filter(pk=attachment_id).first()
    if kept is None:
        raise NotFound()
    return complaint, kept


def attachment_file_names() -> list[str]:
    """Every stored file a row names, across insurers (system use: the orphan sweep of ops.stored_files): the
    attachments', and the staged files of receipts still owed (the portal's form with files, write-behind, ADR
    0023). A staged file no such receipt names — its request died before the receipt was written, or its receipt
    is done or refused and the deletion after commit failed — is an orphan."""
    from xiaobao.complaints.domain.receipts import ReceiptState

    owed = [state.value for state in (ReceiptState.PENDING, ReceiptState.CLAIMED, ReceiptState.FAILED)]
    staged = Receipt.objects.filter(state__in=owed).values_list("staged_files", flat=True)
    return [name for name in Attachment.objects.values_list("file", flat=True) if name] + [
        name for names in staged for name in names
    ]


def decided_complaint_for(actor: Actor, complaint_id: Any) -> Complaint:
    """A decided complaint the actor may see, with what its decision letter names (CMP-N1); NotFound otherwise."""
    complaint = access.complaint_for(actor, complaint_id)
    if not complaint.outcome:
        raise NotFound()
    return complaint


# --- what a partner may read of the complaints forwarded to it (SEC-2, PI-3) ---

_PARTNER_FIELD_VALUES: dict[str, Callable[[PartnerForward], object]] = {
    "complaint_reference": lambda f: f.complaint.reference,
    "summary": lambda f: f.summary,
    "due": lambda f: f.due,
    "answered_at": lambda f: f.answered_at,
    "complainant_name": lambda f: f.complaint.complainant.name or "",
    "complainant_phone": lambda f: f.complaint.complainant.phone or "",
    "policy_number": lambda f: f.complaint.policy_number,
    "product_line": lambda f: f.complaint.product_line,
}


@dataclass(frozen=True)
class PartnerForwards:
    """The forwards a partner reads in one request, each cut to the fields its agreements in force release."""

    granted: Release
    rows: list[dict[str, object]]
    reads: list[PartnerRead]


def partner_release_today(actor: Actor) -> Release:
    """SEC-2: asked on every partner request against today's date in Asia/Shanghai, never cached."""
    return partner_release(actor, on=clock.today(), purpose=COMPLAINT_HANDLING)


def partner_view(forward: PartnerForward, granted: Release) -> dict[str, object]:
    """The forward with only the fields the release covers: a field outside it is absent, never masked."""
    fields = granted.fields
    shown: dict[str, object] = {
        "id": forward.pk,
        "released_categories": granted.categories,
        "purpose": granted.purpose,
    }
    shown.update({name: value(forward) for name, value in _PARTNER_FIELD_VALUES.items() if name in fields})
    return shown


def partner_forwards(actor: Actor, forward_id: int | None = None) -> PartnerForwards:
    """The calling partner's forwards (or the one asked for), refused with ``NoAgreementInForce`` when no
    approved agreement for complaint handling is in force today; what it reads is returned to be logged."""
    granted = partner_release_today(actor)
    forwards = access.forwards_for(actor).select_related("complaint", "complaint__complainant")
    chosen = [one(forwards, forward_id)] if forward_id is not None else list(forwards.order_by("due", "pk"))
    return PartnerForwards(
        granted=granted,
        rows=[partner_view(forward, granted) for forward in chosen],
        reads=[PartnerRead(consumer_id=f.complaint.complainant_id, record=f.complaint.reference or "") for f in chosen],
    )


def receipt(actor: Actor, reference: str) -> Receipt:
    """A write-behind receipt, for the caller that posted it (ADR 0023)."""
    return access.receipt_for(actor, reference)


@dataclass(frozen=True)
class Due:
    """When a complaint is due: the rule (CMP-T1 while it is a receipt) and the day; provisional when the day
    falls in a year whose calendar is not published yet (ADR 0005)."""

    rule_id: str
    due: date
    provisional: bool = False


def due_of_received(received_at: datetime) -> Due | None:
    """The due date the registration will open for a complaint received at ``received_at``: 15 days (CMP-T1)
    counted from the next day, rolled to a working day (CMP-T7), as ``complaints.actions`` computes it. Cheap
    enough for the acknowledgement: no write, and no query but the per-process cached calendar. None when no
    calendar year is loaded at all (the registration would then say why)."""
    from xiaobao.complaints.domain.clocks import RULE_OF, Complexity
    from xiaobao.deadlines.clock import provisional_due_date

    rule_id = RULE_OF[Complexity.SIMPLE]
    try:
        calendar = business_calendar()
    except CalendarYearNotLoaded:
        return None
    due, provisional = provisional_due_date(RULES[rule_id], clock.statutory_date_of(received_at), calendar)
    return Due(rule_id, due, provisional)


def receipt_due(receipt: Receipt) -> Due | None:
    """A receipt's due date: its case's clock once registered (it may have been extended since), none once
    refused, else computed from the time of receipt the request sealed (a caller may give an earlier one)."""
    from xiaobao.complaints.domain.receipts import ReceiptState, unseal

    if receipt.state == ReceiptState.REFUSED.value:
        return None
    if receipt.state == ReceiptState.DONE.value and receipt.complaint_id is not None:
        deadline = Deadline.objects.filter(complaint_id=receipt.complaint_id, active=True).first()
        return Due(deadline.rule_id, deadline.due, deadline.provisional) if deadline else None
    _, data = unseal(receipt.payload)
    return due_of_received(datetime.fromisoformat(data["received_at"]))


def receipts_health() -> dict[str, object] | None:
    """For /healthz: complaints acknowledged and not yet registered (write-behind intake, ADR 0023) — waiting,
    claimed by a worker, failed — and the age of the oldest waiting; None when none is owed."""
    from xiaobao.casework.receipts import health

    return health(Receipt)
