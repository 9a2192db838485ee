"""What the complaint actions share: clocks, state steps, who to tell, who may act."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.files.base import File

from xiaobao.calendars.selectors import business_calendar
from xiaobao.complaints import access
from xiaobao.complaints.domain import clocks
from xiaobao.complaints.domain.decisions import Outcome
from xiaobao.complaints.domain.lifecycle import State, Step, next_state
from xiaobao.complaints.models import (
    Complaint,
    Deadline,
    Message,
)
from xiaobao.complaints.selectors import pauses_since
from xiaobao.deadlines import clock as deadline_clock
from xiaobao.deadlines.rules import DEFAULT as RULES
from xiaobao.deadlines.rules import Unit
from xiaobao.identity.domain.permissions import Permission
from xiaobao.identity.models import Staff
from xiaobao.identity.selectors import staff_with
from xiaobao.kernel.actors import Actor, ActorKind, Role
from xiaobao.kernel.calendar import CalendarYearNotLoaded
from xiaobao.kernel.errors import NotFound
from xiaobao.kernel.i18n import _
from xiaobao.ops import clock, stored_files

ELDERLY_AGE = 60


def _of_insurer(model: type, pk: int | None, insurer_id: int):  # type: ignore[no-untyped-def]
    """A referenced row must belong to the complaint's insurer; otherwise it does not exist for this caller."""
    found = model.objects.filter(pk=pk, insurer_id=insurer_id).first()  # type: ignore[attr-defined]
    if found is None:
        raise NotFound()
    return found


@dataclass(frozen=True)
class Computed:
    due: date
    paused_days: int
    provisional: bool = False


def _compute(complaint: Complaint, rule_id: str, start: date, *, new: bool = False) -> Computed:
    """The due date; provisional (the earliest it can be) when it falls in a year whose calendar is not
    published yet — the sweep computes it again once the year is loaded."""
    pauses = [] if new else pauses_since(complaint, start)
    rule, calendar, today = RULES[rule_id], business_calendar(), clock.today()
    try:
        computed = deadline_clock.compute(rule, start, calendar, pauses=pauses, today=today)
    except CalendarYearNotLoaded:
        # Calendar-day pauses count in full; for a working-day rule none are counted: earlier, never later.
        paused = 0 if rule.unit is Unit.WORKING_DAYS else sum(p.days(max(today, p.start)) for p in pauses)
        due, _ = deadline_clock.provisional_due_date(rule, start, calendar, paused_days=paused)
        return Computed(due, paused, provisional=True)
    return Computed(computed.due, computed.paused_days)


def _open_deadline(
    complaint: Complaint, rule_id: str, start: date, approved_by: Staff | None = None, *, new: bool = False
) -> Deadline:
    """``new``: the complaint was registered in this transaction and has no pauses yet."""
    computed = _compute(complaint, rule_id, start, new=new)
    return Deadline.objects.create(
        complaint=complaint,
        insurer_id_copy=complaint.insurer_id,
        rule_id=rule_id,
        start=start,
        due=computed.due,
        target=_target(complaint, start, computed.due),
        paused_days=computed.paused_days,
        provisional=computed.provisional,
        approved_by=approved_by,
    )


def _target(complaint: Complaint, start: date, due: date) -> date | None:
    from django.conf import settings

    priority = complaint.elderly or complaint.disabled or complaint.new_urban_resident  # INC-E3, INC-3
    return clocks.priority_target(start, due, priority=priority, fraction=settings.XIAOBAO_PRIORITY_TARGET_FRACTION)


def _active_deadline(complaint: Complaint) -> Deadline:
    return Deadline.objects.select_for_update().get(complaint=complaint, active=True)


def _refresh(deadline: Deadline, complaint: Complaint, *, paused: bool) -> Deadline:
    computed = _compute(complaint, deadline.rule_id, deadline.start)
    deadline.due, deadline.paused_days, deadline.provisional = computed.due, computed.paused_days, computed.provisional
    deadline.target = _target(complaint, deadline.start + timedelta(days=computed.paused_days), computed.due)
    deadline.state = Deadline.PAUSED if paused else Deadline.RUNNING
    deadline.save(update_fields=["due", "target", "paused_days", "provisional", "state"])
    return deadline


def _finish(complaint: Complaint, *, superseded: bool = False) -> Deadline | None:
    deadline = Deadline.objects.select_for_update().filter(complaint=complaint, active=True).first()
    if deadline is None:
        return None
    today = clock.today()
    if superseded:
        deadline.state = Deadline.SUPERSEDED
    else:
        deadline.state = Deadline.MET if today <= deadline.due else Deadline.MISSED
    deadline.active, deadline.closed_on = False, today
    deadline.save(update_fields=["state", "active", "closed_on"])
    return deadline


def _step(complaint: Complaint, step: Step, *fields: str) -> tuple[str, str]:
    old = complaint.state
    complaint.state = next_state(State(old), step).value
    complaint.save(update_fields=["state", *fields])
    return old, complaint.state


def _staff_with(complaint: Complaint, *roles: Role) -> list[Staff]:
    return staff_with(complaint.insurer_id, *roles)


def _for_complainant_or_staff(actor: Actor, complaint_id: int) -> Complaint:
    if actor.kind is ActorKind.CONSUMER:
        return access.complaint_of_complainant(actor, complaint_id, for_update=True)
    return access.complaint_for(actor, complaint_id, Permission.TRIAGE_COMPLAINTS, for_update=True)


@dataclass(frozen=True)
class Upload:
    """A file to attach: its bytes, or an uploaded file already streamed to disk (read in chunks)."""

    name: str
    content: bytes | File  # type: ignore[type-arg]

    @property
    def size(self) -> int:
        return stored_files.size_of(self.content)

    def head(self) -> bytes:
        """The first bytes, to recognise the type; nothing is read of a file over the size limit."""
        from xiaobao.complaints.domain.files import MAX_BYTES

        return b"" if self.size > MAX_BYTES else stored_files.head_of(self.content)


def checked_uploads(uploads: Sequence[Upload]) -> list[str]:
    """The content type of each file sent with a complaint, or the first refusal (too many files, too large,
    not a photo, PDF or recording): checked before anything is written, and nothing read of a file too large.
    The in-request filing and the write-behind receipt refuse the same files."""
    from xiaobao.complaints.domain.files import MAX_FILES, TooManyFiles, check_file

    if len(uploads) > MAX_FILES:
        raise TooManyFiles()
    return [check_file(upload.name, upload.size, upload.head()) for upload in uploads]


OUTCOME_TEXT = {
    Outcome.UPHELD: _("upheld"),
    Outcome.PARTLY_UPHELD: _("partly upheld"),
    Outcome.NOT_UPHELD: _("not upheld"),
    Outcome.SETTLED: _("settled by agreement"),
}


def _note_on_case(actor: Actor, complaint: Complaint, note: str) -> int | None:
    """A staff note about the case kept encrypted with it as a message (shown with its other messages): its id is
    what the audit event holds, so erasure clears the words and leaves the chain intact (docs/adr/0015)."""
    if not note.strip():
        return None
    return Message.objects.create(
        complaint=complaint,
        channel=complaint.channel,
        text=note.strip()[:2000],
        received_at=clock.now(),
        received_by=actor.audit_id,
    ).pk
