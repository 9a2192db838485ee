"""Read models for the workbench and the API, built through ``complaints.access``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet

from xiaobao.audit.timeline import TimelineEntry, timeline
from xiaobao.complaints import access
from xiaobao.complaints.domain.classification import GROUP_COMPLAINT_THRESHOLD
from xiaobao.complaints.domain.lifecycle import State
from xiaobao.complaints.domain.steps import steps_for
from xiaobao.complaints.models import Attachment, Complaint, Deadline
from xiaobao.deadlines.clock import ClockState, state_on
from xiaobao.identity.domain.permissions import Permission, staff_may
from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.kernel.errors import NotFound
from xiaobao.ops import clock
from xiaobao.privacy.domain.identifiers import mask_name, mask_phone

FLAGS = ("elderly", "disabled", "new_urban_resident", "major_emergency", "group")


@dataclass(frozen=True)
class QueueFilters:
    state: str | None = None
    due_within_days: int | None = None
    branch_id: int | None = None
    channel: str | None = None
    flag: str | None = None
    handler_id: int | None = None
    reference: str | None = None
    limit: int = 50
    offset: int = 0


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


def queue_page(actor: Actor, filters: QueueFilters, *, counted: bool = True) -> tuple[list[QueueRow], int]:
    """One page of the queue and how many open complaints match across every page (the gate asked once)."""
    today = clock.today()
    deadlines = _queue_deadlines(actor, filters, today)
    total = deadlines.count() if counted else 0
    rows = []
    for deadline in deadlines[filters.offset : filters.offset + filters.limit]:
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
    if filters.flag == "group":
        complaint_filters["complaint__group_size__gte"] = GROUP_COMPLAINT_THRESHOLD
    elif filters.flag in FLAGS:
        complaint_filters[f"complaint__{filters.flag}"] = True
    if filters.due_within_days is not None:
        complaint_filters["due__lte"] = today + timedelta(days=filters.due_within_days)
    return (
        deadlines.filter(**complaint_filters)
        .select_related("complaint", "complaint__handler", "complaint__handling_branch")
        # INC-E3, INC-3: elderly, disabled and new urban residents first among equals
        .order_by("due", "-complaint__elderly", "-complaint__disabled", "-complaint__new_urban_resident", "pk")
    )


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
    )


@dataclass(frozen=True)
class ComplainantShown:
    """Who complains, as a case page shows it: masked (PI-1; revealing the full value is its own action)."""

    name: str
    phone: str
    confirmed: bool


def complainant_shown(complaint: Complaint) -> ComplainantShown:
    """For a complaint the caller already opened through the gate."""
    person = complaint.complainant
    return ComplainantShown(
        name=mask_name(person.name) if person.name else "—",
        phone=mask_phone(person.phone) if person.phone else "",
        confirmed=person.identity_confirmed,
    )


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
    """Every stored file a row names, across insurers (system use: the orphan sweep of ops.stored_files)."""
    return [name for name in Attachment.objects.values_list("file", flat=True) if name]
