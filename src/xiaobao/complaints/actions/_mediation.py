"""The complaint's clock while a mediation organisation has the case (CMP-T4; issue #17 DSP-1).

The disputes app calls these when it refers a case and when the mediation ends. Investigating, the complaint
takes its own pause step; under review (CMP-N2) the review's clock stands still and the state stays; in any
other state no clock runs and nothing changes.
"""

from __future__ import annotations

from django.db import transaction

from xiaobao.audit.recorder import record
from xiaobao.complaints import access, events
from xiaobao.complaints.actions._handling import complaint_pause, complaint_resume
from xiaobao.complaints.actions._shared import _active_deadline, _refresh
from xiaobao.complaints.domain.lifecycle import State
from xiaobao.complaints.models import Complaint, Deadline, Pause
from xiaobao.complaints.notices import tell_complainant
from xiaobao.identity.domain.permissions import Permission
from xiaobao.kernel.actors import Actor
from xiaobao.ops import clock


def _open_mediation_pause(complaint: Complaint) -> Pause | None:
    return complaint.pauses.filter(kind=Pause.MEDIATION, ended_on__isnull=True).first()


@transaction.atomic
def complaint_mediation_pause(*, actor: Actor, complaint_id: int, note: str = "") -> bool:
    """Stop the clock that runs for a referral to mediation (CMP-T4); True when one stands paused for it."""
    complaint = access.complaint_for(actor, complaint_id, Permission.HANDLE_COMPLAINTS, for_update=True)
    if complaint.state == State.INVESTIGATING:
        complaint_pause(actor=actor, complaint_id=complaint.pk, kind=Pause.MEDIATION, note=note)
        return True
    if complaint.state != State.REVIEW_REQUESTED:
        return complaint.state == State.PAUSED and _open_mediation_pause(complaint) is not None
    if _open_mediation_pause(complaint) is not None:
        return True
    Pause.objects.create(complaint=complaint, kind=Pause.MEDIATION, started_on=clock.today(), note=note[:300])
    deadline = _refresh(_active_deadline(complaint), complaint, paused=True)
    record(
        event_type=events.PAUSED,
        actor=actor,
        subject=complaint,
        insurer_id=complaint.insurer_id,
        old={"state": complaint.state},
        new={"state": complaint.state, "kind": Pause.MEDIATION, "due_if_resumed_today": deadline.due.isoformat()},
    )
    tell_complainant(
        actor=actor, complaint=complaint, purpose="complaint_paused", template="paused", kind=Pause.MEDIATION
    )
    return True


@transaction.atomic
def complaint_mediation_resume(*, actor: Actor, complaint_id: int) -> bool:
    """The mediation ended: the clock it stopped runs again (CMP-T4); False when none stood paused for it."""
    complaint = access.complaint_for(actor, complaint_id, Permission.HANDLE_COMPLAINTS, for_update=True)
    if _open_mediation_pause(complaint) is None:
        return False
    if complaint.state == State.PAUSED:
        complaint_resume(actor=actor, complaint_id=complaint.pk)
        return True
    complaint.pauses.filter(kind=Pause.MEDIATION, ended_on__isnull=True).update(ended_on=clock.today())
    running = Deadline.objects.select_for_update().filter(complaint=complaint, active=True).first()
    if running is None:  # the review was decided meanwhile: no clock is left to start again
        return True
    deadline = _refresh(running, complaint, paused=False)
    record(
        event_type=events.RESUMED,
        actor=actor,
        subject=complaint,
        insurer_id=complaint.insurer_id,
        old={"state": complaint.state},
        new={"state": complaint.state, "due": deadline.due.isoformat(), "paused_days": deadline.paused_days},
    )
    tell_complainant(
        actor=actor, complaint=complaint, purpose="complaint_resumed", template="resumed", due=deadline.due
    )
    return True
