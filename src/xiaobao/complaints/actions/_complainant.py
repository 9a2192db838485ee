"""The complainant's own steps: withdraw, ask for review (CMP-N2), send files, ask for mediation, choose what
to do after the decision (DSP-2)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext, gettext_lazy

from xiaobao.audit.recorder import record
from xiaobao.calendars.selectors import business_calendar
from xiaobao.complaints import access, events, remedies
from xiaobao.complaints.actions._shared import (
    OUTCOME_TEXT,
    Upload,
    _finish,
    _for_complainant_or_staff,
    _open_deadline,
    _staff_with,
    _step,
)
from xiaobao.complaints.domain.classification import Channel
from xiaobao.complaints.domain.decisions import Outcome, Remedy
from xiaobao.complaints.domain.lifecycle import State, Step, next_state
from xiaobao.complaints.domain.remedies import GUIDE_BY_OPTION, OUTSIDE_THE_PLATFORM, check_choice, review_last_day
from xiaobao.complaints.models import (
    Attachment,
    Complaint,
    Message,
)
from xiaobao.complaints.notices import tell_complainant, tell_staff
from xiaobao.identity.domain.permissions import Permission
from xiaobao.kernel.actors import Actor, ActorKind, Role
from xiaobao.kernel.errors import InvalidInput, PermissionDenied, TransitionNotAllowed
from xiaobao.kernel.i18n import _
from xiaobao.ops import clock, stored_files


@transaction.atomic
def complaint_withdraw(*, actor: Actor, complaint_id: int) -> Complaint:
    """A withdrawal ends handling on the day it is received (CMP-T5)."""
    complaint = _for_complainant_or_staff(actor, complaint_id)
    complaint.withdrawn_on = clock.today()
    old, new = _step(complaint, Step.WITHDRAW, "withdrawn_on")
    _finish(complaint, superseded=True)
    record(
        event_type=events.WITHDRAWN,
        actor=actor,
        subject=complaint,
        insurer_id=complaint.insurer_id,
        old={"state": old},
        new={"state": new},
    )
    tell_complainant(actor=actor, complaint=complaint, purpose="complaint_withdrawn", template="withdrawn")
    return complaint


class ReviewWindowClosed(TransitionNotAllowed):
    code = "review_window_closed"
    default_message = _("A review can be asked for within 30 days of the decision notice; that time has passed.")


@transaction.atomic
def complaint_request_review(*, actor: Actor, complaint_id: int, grounds: str = "") -> Complaint:
    """Within 30 days of the notice the complainant may ask the higher-level office to review (CMP-N2)."""
    complaint = _for_complainant_or_staff(actor, complaint_id)
    next_state(State(complaint.state), Step.REQUEST_REVIEW)
    assert complaint.notified_at is not None
    notified_on = clock.statutory_date_of(complaint.notified_at)
    window, provisional = review_last_day(notified_on, business_calendar())
    today = clock.today()
    if today > window and not provisional:  # the consumer's window: never closed on a guessed date
        raise ReviewWindowClosed()
    complaint.review_requested_on = today
    old, new = _step(complaint, Step.REQUEST_REVIEW, "review_requested_on")
    deadline = _open_deadline(complaint, "CMP-N2-DECISION", today)
    # The grounds are the complainant's own words: kept encrypted with the case as a message, never in the
    # append-only audit log, which holds only a reference to them (issue #19: erasure leaves the chain intact).
    message = (
        Message.objects.create(
            complaint=complaint,
            channel=Channel.WEB.value,
            text=grounds.strip()[:2000],
            received_at=clock.now(),
            received_by=actor.audit_id,
        )
        if grounds.strip()
        else None
    )
    record(
        event_type=events.REVIEW_REQUESTED,
        actor=actor,
        subject=complaint,
        insurer_id=complaint.insurer_id,
        old={"state": old},
        new={"state": new, "due": deadline.due.isoformat(), "grounds_message": message.pk if message else None},
    )
    tell_staff(
        actor=actor,
        staff=_staff_with(complaint, Role.SENIOR_MANAGER),
        complaint=complaint,
        purpose="review_requested",
        body=gettext("A complainant asked for a review of the decision."),
    )
    return complaint


@transaction.atomic
def complaint_decide_review(*, actor: Actor, complaint_id: int, outcome: Outcome, reasons: str) -> Complaint:
    """The higher-level office decides the review within 30 days (CMP-N2); the first handler may not."""
    complaint = access.complaint_for(actor, complaint_id, Permission.DECIDE_REVIEWS, for_update=True)
    if actor.staff_id == complaint.handler_id:
        raise PermissionDenied(_("The handler who decided the complaint cannot decide its review."))
    if not reasons.strip():
        raise InvalidInput(_("Give the reasons for the review decision."))
    complaint.review_outcome, complaint.closed_at = outcome.value, clock.now()
    old, new = _step(complaint, Step.DECIDE_REVIEW, "review_outcome", "closed_at")
    _finish(complaint)
    record(
        event_type=events.REVIEW_DECIDED,
        actor=actor,
        subject=complaint,
        insurer_id=complaint.insurer_id,
        old={"state": old},
        new={"state": new, "outcome": outcome.value},
    )
    tell_complainant(
        actor=actor,
        complaint=complaint,
        purpose="review_decided",
        template="review_decided",
        outcome_text=gettext_lazy(OUTCOME_TEXT[outcome]),
        reasons=reasons.strip(),
        **remedies.notice_without_review_context(complaint),
    )
    return complaint


@stored_files.atomic
def complaint_attach(*, actor: Actor, complaint_id: int, uploads: list[Upload]) -> list[Attachment]:
    """Keep the complainant's files with the case: type from the content, size limited (CMP-A1).

    Each size is checked before anything is read; files are hashed and stored in chunks. The file on disk
    and its row agree (issue #12): a file is stored under its content address,
    ``complaints/complaint-<id>/<address>.<ext>`` (a keyed hash of its SHA-256), while the complaint's row lock is held, and a file whose
    bytes the complaint already has is kept once (a retried upload returns the attachment already kept).
    ``stored_files.atomic`` puts the transaction inside ``removed_on_failure``: if anything fails, the rows
    roll back and the files this attempt wrote are deleted; a worker killed outright leaves the file at its
    address for the retry to adopt rather than copy.
    """
    from xiaobao.complaints.domain.files import MAX_FILES, TooManyFiles, check_file, extension_of

    complaint = _for_complainant_or_staff(actor, complaint_id)
    checked = [(upload, check_file(upload.name, upload.size, upload.head())) for upload in uploads]
    kept = {a.sha256: a for a in complaint.attachments.all()}
    fresh: dict[str, tuple[Upload, str]] = {}
    for upload, content_type in checked:
        digest = stored_files.sha256_of(upload.content)
        if digest not in kept:
            fresh.setdefault(digest, (upload, content_type))
    if len(fresh) + len(kept) > MAX_FILES:
        raise TooManyFiles()
    if not fresh:  # every file is one the complaint already has: a retry
        return [kept[stored_files.sha256_of(upload.content)] for upload in uploads]
    saved = []
    for digest, (upload, content_type) in fresh.items():
        attachment = Attachment(
            complaint=complaint,
            original_name=upload.name[:200],
            content_type=content_type,
            size=upload.size,
            sha256=digest,
            uploaded_at=clock.now(),
            uploaded_by=actor.audit_id,
        )
        address = stored_files.address_of(attachment.file, digest)
        name = f"complaints/complaint-{complaint.pk}/{address}.{extension_of(content_type)}"
        stored_files.store_once(attachment.file, name, upload.content, digest)
        attachment.save()
        saved.append(attachment)
    if saved and actor.kind is ActorKind.CONSUMER:  # the complainant's files answer what was asked
        complaint.information_requests.filter(answered_at__isnull=True).update(answered_at=clock.now())
    if saved:
        record(
            event_type=events.ATTACHED,
            actor=actor,
            subject=complaint,
            insurer_id=complaint.insurer_id,
            new={"files": [{"type": a.content_type, "size": a.size, "sha256": a.sha256} for a in saved]},
        )
    return saved


@transaction.atomic
def complaint_want_mediation(*, actor: Actor, complaint_id: int) -> Complaint:
    """The complainant says they want mediation (DSP-2); staff are told and it shows on the timeline."""
    complaint = _for_complainant_or_staff(actor, complaint_id)
    if complaint.state in {State.DECLINED, State.WITHDRAWN}:
        raise TransitionNotAllowed(_("This complaint is no longer being handled."))
    if complaint.mediation_wanted_on is None:
        complaint.mediation_wanted_on = clock.today()
        complaint.save(update_fields=["mediation_wanted_on"])
        record(
            event_type=events.MEDIATION_WANTED,
            actor=actor,
            subject=complaint,
            insurer_id=complaint.insurer_id,
            new={"on": complaint.mediation_wanted_on.isoformat()},
        )
        recipients = [complaint.handler] if complaint.handler else _staff_with(complaint, Role.SUPERVISOR)
        tell_staff(
            actor=actor,
            staff=recipients,
            complaint=complaint,
            purpose="mediation_wanted",
            body=gettext("The complainant wants mediation."),
        )
    return complaint


@transaction.atomic
def complaint_choose_next_step(*, actor: Actor, complaint_id: int, option: Remedy, grounds: str = "") -> Complaint:
    """The complainant chooses what to do after the decision (DSP-2, CMP-N1), and the choice is acted on.

    - review: the review is asked for (``complaint_request_review``, CMP-N2: refused once the 30 days passed);
    - mediation: staff are told it is wanted (``complaint_want_mediation``); the consent to share the file is
      asked on the mediation page that follows;
    - arbitration, court: taken up outside the platform; staff are told, and the file is held for the dispute
      (``dispute_chosen_on``, rights.domain.retention Hold.DISPUTE).

    Only after the decision notice went out (``NoDecisionYet`` before). The same choice again changes nothing;
    a changed mind is recorded as a new choice, with the previous one, and staff are told.
    """
    complaint = _for_complainant_or_staff(actor, complaint_id)
    notified = complaint.notified_at is not None
    if not check_choice(State(complaint.state), notified=notified, current=complaint.next_step, chosen=option):
        return complaint  # a repeated submission: recorded once
    if option is Remedy.REVIEW and complaint.review_requested_on is None:
        complaint = complaint_request_review(actor=actor, complaint_id=complaint.pk, grounds=grounds)
    elif option is Remedy.MEDIATION:
        complaint = complaint_want_mediation(actor=actor, complaint_id=complaint.pk)
    previous, today = complaint.next_step, clock.today()
    complaint.next_step, complaint.next_step_chosen_on = option.value, today
    fields = ["next_step", "next_step_chosen_on"]
    if option in OUTSIDE_THE_PLATFORM and complaint.dispute_chosen_on is None:
        complaint.dispute_chosen_on = today
        fields.append("dispute_chosen_on")
    complaint.save(update_fields=fields)
    record(
        event_type=events.NEXT_STEP_CHOSEN[option.value],
        actor=actor,
        subject=complaint,
        insurer_id=complaint.insurer_id,
        old={"option": previous or None},
        new={"option": option.value, "previous": previous or None, "on": today.isoformat()},
    )
    if option in OUTSIDE_THE_PLATFORM or previous:  # review and mediation tell staff on their own the first time
        recipients = [complaint.handler] if complaint.handler else _staff_with(complaint, Role.SUPERVISOR)
        tell_staff(
            actor=actor,
            staff=recipients,
            complaint=complaint,
            purpose="next_step_chosen",
            body=gettext("After the decision, the complainant chose: %(option)s.")
            % {"option": gettext(GUIDE_BY_OPTION[option].title)},
        )
    return complaint
