"""Read models of call-back requests: the staff queue, its timeliness figures, the consumer's confirmation
(RULES.md INC-E3). Everything passes through ``callbacks.access``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Count, F, Q, QuerySet

from xiaobao.callbacks import access
from xiaobao.callbacks.domain.languages import CallLanguage
from xiaobao.callbacks.domain.lifecycle import WAITING, CallbackState
from xiaobao.callbacks.domain.timing import QUEUE_ORDER, Slot, Timeliness, timeliness
from xiaobao.callbacks.models import CallbackRequest
from xiaobao.identity import access as identity_access
from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.kernel.clock import STATUTORY_ZONE
from xiaobao.kernel.errors import NotFound
from xiaobao.privacy.domain.identifiers import mask_phone

QUEUE_PAGE = 200
FIGURE_DAYS = 30


@dataclass(frozen=True)
class QueueRow:
    pk: int
    reference: str
    phone_masked: str
    slot: Slot
    language: CallLanguage
    dialect: str
    note: str
    elderly: bool
    disabled: bool
    new_urban_resident: bool
    priority: bool
    requested_at: datetime
    target_at: datetime
    state: CallbackState
    attempts: int
    outcome_note: str
    timeliness: Timeliness


@dataclass(frozen=True)
class Figures:
    """How many requests of a period were called in time, called late, still wait in time, or wait overdue."""

    in_time: int
    late: int
    open: int
    overdue: int


@dataclass(frozen=True)
class QueueFigures:
    today: Figures
    last_30_days: Figures


def _row(callback: CallbackRequest, now: datetime) -> QueueRow:
    return QueueRow(
        pk=callback.pk,
        reference=callback.reference or "",
        phone_masked=mask_phone(callback.phone),
        slot=Slot(callback.slot),
        language=CallLanguage(callback.language),
        dialect=callback.dialect,
        note=callback.note,
        elderly=callback.elderly,
        disabled=callback.disabled,
        new_urban_resident=callback.new_urban_resident,
        priority=callback.priority,
        requested_at=callback.requested_at,
        target_at=callback.target_at,
        state=CallbackState(callback.state),
        attempts=callback.attempts,
        outcome_note=callback.outcome_note,
        timeliness=timeliness(late_after=callback.late_after, first_attempt_at=callback.first_attempt_at, now=now),
    )


def waiting_requests(actor: Actor) -> QuerySet[CallbackRequest]:
    """The actor's insurer's requests nobody has spoken to yet, in the queue's order (INC-E3)."""
    return (
        access.callback_requests_for(actor).filter(state__in=[state.value for state in WAITING]).order_by(*QUEUE_ORDER)
    )


def callback_queue(actor: Actor, now: datetime) -> list[QueueRow]:
    return [_row(callback, now) for callback in waiting_requests(actor)[:QUEUE_PAGE]]


def _start_of_day(now: datetime, days_back: int = 0) -> datetime:
    day = now.astimezone(STATUTORY_ZONE).date() - timedelta(days=days_back)
    return datetime.combine(day, time(0), tzinfo=STATUTORY_ZONE)


def _counts(prefix: str, period: Q, now: datetime) -> dict[str, Count]:
    """The four figures as conditional counts: the same tests as ``domain.timing.timeliness``."""
    attempted = Q(first_attempt_at__isnull=False)
    return {
        f"{prefix}_in_time": Count("pk", filter=period & attempted & Q(first_attempt_at__lte=F("late_after"))),
        f"{prefix}_late": Count("pk", filter=period & attempted & Q(first_attempt_at__gt=F("late_after"))),
        f"{prefix}_open": Count("pk", filter=period & Q(first_attempt_at__isnull=True, late_after__gte=now)),
        f"{prefix}_overdue": Count("pk", filter=period & Q(first_attempt_at__isnull=True, late_after__lt=now)),
    }


def queue_figures(actor: Actor, now: datetime) -> QueueFigures:
    """Timeliness of the requests made today and in the last 30 days (today included), in one query."""
    today, month = _start_of_day(now), _start_of_day(now, FIGURE_DAYS - 1)
    counted = (
        access.callback_requests_for(actor)
        .filter(requested_at__gte=month)
        .aggregate(
            **_counts("today", Q(requested_at__gte=today), now),
            **_counts("month", Q(requested_at__gte=month), now),
        )
    )

    def figures(prefix: str) -> Figures:
        return Figures(*(int(counted[f"{prefix}_{name}"] or 0) for name in ("in_time", "late", "open", "overdue")))

    return QueueFigures(today=figures("today"), last_30_days=figures("month"))


def request_to_handle(actor: Actor, request_id: int, now: datetime) -> QueueRow:
    """One request of the actor's insurer, for the form that records a call."""
    return _row(access.callback_request_for(actor, request_id), now)


@dataclass(frozen=True)
class Confirmation:
    reference: str
    insurer_name: str
    insurer_code: str
    hotline: str
    slot: Slot
    target_at: datetime
    late_after: datetime
    phone_masked: str


def confirmation(reference: str, made_here: list[int]) -> Confirmation:
    """The request this browser made with this reference; any other reference is not found."""
    callback = access.callback_requests_made_here(made_here).filter(reference=reference).first()
    if callback is None:
        raise NotFound()
    return Confirmation(
        reference=callback.reference or "",
        insurer_name=callback.insurer.name,
        insurer_code=callback.insurer.code,
        hotline=callback.insurer.complaint_phone,
        slot=Slot(callback.slot),
        target_at=callback.target_at,
        late_after=callback.late_after,
        phone_masked=mask_phone(callback.phone),
    )


def checked_phone_masked(actor: Actor | None) -> str:
    """The masked phone a consumer checked in this browser (or signed in with), to call without retyping; else ''."""
    if actor is None or actor.kind is not ActorKind.CONSUMER or actor.consumer_id is None:
        return ""
    try:
        consumer = identity_access.consumer_for(actor, actor.consumer_id)
    except NotFound:
        return ""
    return mask_phone(consumer.phone) if consumer.phone else ""
