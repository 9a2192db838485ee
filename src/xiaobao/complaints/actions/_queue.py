"""The supervisor's and the handler's work on the queue itself: assign many cases at once, keep named views
of it, take it away as a file (#14 "Queue at volume")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from urllib.parse import parse_qsl

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from xiaobao.audit.recorder import record
from xiaobao.complaints import access, events, selectors
from xiaobao.complaints.actions._handling import complaint_assign
from xiaobao.complaints.domain.queue import (
    PAGE_ROWS,
    QueueFilters,
    audited_query,
    clean_typed,
    parse_queue_filters,
    query_string,
)
from xiaobao.complaints.models import SavedQueueView
from xiaobao.identity import access as identity_access
from xiaobao.identity.domain.permissions import Permission, staff_may
from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.kernel.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from xiaobao.kernel.i18n import _
from xiaobao.ops import clock
from xiaobao.ops.i18n import message_of

MAX_BULK_ASSIGNMENT = 200
"""Four pages of the queue at most in one go (the page shows 50 rows, the API up to 200)."""


@dataclass(frozen=True)
class AssignmentOutcome:
    complaint_id: int
    reference: str
    """Empty when the case is not one this supervisor may assign (nothing is said about it)."""
    assigned: bool
    reason: str = ""
    """Why it was refused, in the reader's language."""


def complaints_assign(*, actor: Actor, complaint_ids: Sequence[int], handler_id: int) -> list[AssignmentOutcome]:
    """Assign each of these complaints to one investigator through ``complaint_assign`` (CMP-R1).

    Each case is its own transaction: a refusal (the investigator has a direct interest, the case is
    closed, it is not this supervisor's to assign) refuses that case only, with its reason, and a refusal for
    a conflict of interest stays recorded on the case as ``complaint_assign`` records it.
    """
    if actor.kind is not ActorKind.SYSTEM and not staff_may(actor, Permission.ASSIGN_COMPLAINTS):
        raise PermissionDenied()
    wanted = list(dict.fromkeys(complaint_ids))
    if not wanted:
        raise InvalidInput(_("Select at least one complaint to assign."))
    if len(wanted) > MAX_BULK_ASSIGNMENT:
        raise InvalidInput(_("Assign at most %(count)s complaints at a time."), count=MAX_BULK_ASSIGNMENT)
    if not identity_access.staff_members_for(actor, Permission.VIEW_ORGANISATION).filter(pk=handler_id).exists():
        raise NotFound()  # an investigator of another insurer is as unknown as one who does not exist
    references = dict(
        access.complaints_for(actor, Permission.ASSIGN_COMPLAINTS).filter(pk__in=wanted).values_list("pk", "reference")
    )
    outcomes = []
    for complaint_id in wanted:
        reference = references.get(complaint_id) or ""
        try:
            complaint_assign(actor=actor, complaint_id=complaint_id, handler_id=handler_id)
        except NotFound:
            outcomes.append(AssignmentOutcome(complaint_id, "", False, gettext("not found, or not yours to assign")))
        except DomainError as refused:
            outcomes.append(AssignmentOutcome(complaint_id, reference, False, message_of(refused)))
        else:
            outcomes.append(AssignmentOutcome(complaint_id, reference, True))
    return outcomes


SAVED_VIEWS_PER_PERSON = 50


def _require_queue_reader(actor: Actor) -> None:
    if actor.kind is not ActorKind.STAFF or not staff_may(actor, Permission.VIEW_COMPLAINTS):
        raise PermissionDenied()


@transaction.atomic
def saved_view_save(*, actor: Actor, name: str, filters: QueueFilters) -> SavedQueueView:
    """Keep the queue's current filters and sort under a name, for this staff member only; the same name
    again replaces what it held."""
    _require_queue_reader(actor)
    name = clean_typed(name, limit=80)
    if not name:
        raise InvalidInput(_("Give the view a name."))
    query = query_string(replace(filters, offset=0))
    view = access.saved_views_for(actor).select_for_update().filter(name=name).first()
    if view is None:
        if access.saved_views_for(actor).count() >= SAVED_VIEWS_PER_PERSON:
            raise InvalidInput(_("You have %(count)s saved views: delete one first."), count=SAVED_VIEWS_PER_PERSON)
        try:
            with transaction.atomic():
                view = SavedQueueView.objects.create(
                    insurer_id=actor.insurer_id or 0,  # a staff member always has both (checked above)
                    staff_id=actor.staff_id or 0,
                    name=name,
                    query=query,
                    saved_at=clock.now(),
                )
        except IntegrityError:  # the same name saved at the same moment in another tab
            view = access.saved_views_for(actor).select_for_update().get(name=name)
        else:
            record(
                event_type=events.QUEUE_VIEW_SAVED,
                actor=actor,
                subject=view,
                insurer_id=actor.insurer_id,
                new={"name": name, "query": audited_query(replace(filters, offset=0))},
                first=True,
            )
            return view
    old = audited_query(parse_queue_filters(dict(parse_qsl(view.query))))
    view.query, view.saved_at = query, clock.now()
    view.save(update_fields=["query", "saved_at"])
    record(
        event_type=events.QUEUE_VIEW_SAVED,
        actor=actor,
        subject=view,
        insurer_id=actor.insurer_id,
        old={"query": old},
        new={"name": name, "query": audited_query(replace(filters, offset=0))},
    )
    return view


@transaction.atomic
def saved_view_delete(*, actor: Actor, view_id: int) -> None:
    """Delete one's own saved view; another person's is not found."""
    _require_queue_reader(actor)
    view = access.saved_view_for(actor, view_id, for_update=True)
    record(
        event_type=events.QUEUE_VIEW_DELETED,
        actor=actor,
        subject=view,
        insurer_id=actor.insurer_id,
        old={"name": view.name},
    )
    view.delete()


EXPORT_CAP = 10_000
"""The most rows one export holds; a larger queue is narrowed with the filters first (the file says so)."""
EXPORT_FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class QueueExport:
    rows: list[selectors.QueueRow]
    total: int
    """How many open complaints matched; more than ``len(rows)`` when the cap cut the file short."""

    @property
    def capped(self) -> bool:
        return self.total > len(self.rows)


@transaction.atomic
def complaint_queue_export(*, actor: Actor, filters: QueueFilters, file_format: str) -> QueueExport:
    """Every open complaint the queue shows with these filters, in its order, up to ``EXPORT_CAP`` rows —
    for a file of masked values only (PI-1) — and the export recorded in the audit log: who, when, which
    filters, how many rows."""
    _require_queue_reader(actor)
    if file_format not in EXPORT_FORMATS:
        raise InvalidInput(_("Export as CSV or XLSX."))
    everything = replace(filters, offset=0, limit=EXPORT_CAP)
    rows, total = selectors.queue_page(actor, everything, with_complainant=True)
    exported = QueueExport(rows, total)
    record(
        event_type=events.QUEUE_EXPORTED,
        actor=actor,
        subject=identity_access.staff_member_for(actor, actor.staff_id),
        insurer_id=actor.insurer_id,
        new={
            "format": file_format,
            "query": audited_query(replace(filters, offset=0, limit=PAGE_ROWS)),  # the rows are every page's
            "rows": len(rows),
            "capped": exported.capped,
        },
    )
    return exported
