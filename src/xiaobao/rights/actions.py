"""Data-rights writes (PIPL Art.44-47): the consumer reads and downloads their data (audited), asks to correct or
delete it; staff of each insurer holding it answer; the retention sweep erases a person whose every record is past
its period. Each is one atomic, audited action; notices go through the outbox in the same transaction.

Erasure clears every encrypted personal field and free text, drops the blind indexes, deletes the files (once the
transaction commits) and leaves the rows with their ids, states and dates: statistics and the audit log still add
up, and the audit chain is untouched (its events hold references and masked values only; docs/adr/0015).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from xiaobao.audit.recorder import record
from xiaobao.claims.domain.lifecycle import ClaimState
from xiaobao.complaints.domain.lifecycle import State
from xiaobao.complaints.models import Complaint
from xiaobao.identity.access import require
from xiaobao.identity.actions import consumer_correct
from xiaobao.identity.domain.permissions import Permission
from xiaobao.identity.models import Consumer
from xiaobao.identity.selectors import staff_with
from xiaobao.kernel.actors import SYSTEM, Actor, ActorKind, Role
from xiaobao.kernel.errors import PermissionDenied
from xiaobao.notifications.actions import tell_consumer, tell_staff
from xiaobao.notifications.models import Notification, Status
from xiaobao.ops import clock, ratelimit
from xiaobao.privacy.domain.identifiers import normalise_phone
from xiaobao.privacy.keys import blind_indexer
from xiaobao.rights import access, events, selectors
from xiaobao.rights.domain.requests import (
    KIND_TEXT,
    MAX_NOTE_LENGTH,
    MAX_REQUESTS_PER_DAY,
    PHONE_CHECK_PURPOSE,
    PHONE_CHECK_VALID_MINUTES,
    CorrectableField,
    NewPhoneNotProved,
    NoInsurerHoldsData,
    RefusalNeedsReasons,
    RequestAlreadyOpen,
    RequestKind,
    RequestState,
    check_correction,
    check_open,
    response_due,
)
from xiaobao.rights.domain.retention import (
    DEFAULT_RETENTION_DAYS,
    HOLD_TEXT,
    Hold,
    RecordFacts,
    RecordKind,
    erasable,
    holds_of,
)
from xiaobao.rights.models import DataRequest, Erasure
from xiaobao.speech.actions import spoken_texts_forget

ENDED_COMPLAINT = frozenset({State.CLOSED, State.WITHDRAWN, State.DECLINED})
ENDED_CLAIM = frozenset({ClaimState.PAID, ClaimState.REFUSED})


def response_days() -> int:
    return int(getattr(settings, "XIAOBAO_DATA_REQUEST_DAYS", 15))


def retention_periods() -> dict[str, int]:
    return {**DEFAULT_RETENTION_DAYS, **getattr(settings, "XIAOBAO_RETENTION_DAYS", {})}


# --- see and export ------------------------------------------------------------------------------------------------


@transaction.atomic
def personal_data_read(*, actor: Actor, format: str) -> dict[str, Any]:
    """Everything held about the consumer acting, for their page (``format="page"``) or their download
    (``"json"``); the read itself is recorded on their record (PIPL Art.45)."""
    people = access.person_of(actor)
    data = selectors.personal_data(people)
    record(
        event_type=events.DATA_EXPORTED,
        actor=actor,
        subject=next(p for p in people if p.pk == actor.consumer_id),
        insurer_id=None,
        new={"records": selectors.records_count(data), "format": format},
    )
    return data


# --- correct and delete: requests ----------------------------------------------------------------------------------


@transaction.atomic
def data_request_make(
    *,
    actor: Actor,
    kind: RequestKind,
    field: str = "",
    value: str = "",
    note: str = "",
    phone_check: int | None = None,
) -> list[DataRequest]:
    """The consumer asks to correct (``field`` to ``value``) or delete their data: one request to each insurer
    holding it, each with its own clock (``XIAOBAO_DATA_REQUEST_DAYS`` calendar days). A new phone must be
    proved first: ``phone_check`` is the phone check (``identity.phone_verification_*``, purpose
    ``correct_phone``) the code sent to it passed."""
    people = access.person_of(actor)
    me = next(p for p in people if p.pk == actor.consumer_id)
    bucket = f"rights-request:consumer-{me.pk}"
    ratelimit.check(bucket, limit=MAX_REQUESTS_PER_DAY, window=timedelta(days=1))
    if kind is RequestKind.CORRECTION:
        which, value = check_correction(field, value)
        if which is CorrectableField.PHONE:
            value = normalise_phone(value)
            _check_phone_proved(phone_check, value)
    else:
        field, value = "", ""
    note = note.strip()[:MAX_NOTE_LENGTH]
    # A correction changes the one consumer record: only an insurer related to it can make it (consumer_correct
    # finds the record through that relationship). A deletion goes to every insurer holding anything.
    insurers = access.insurers_related_to(me) if kind is RequestKind.CORRECTION else access.insurers_holding(people)
    if not insurers:
        raise NoInsurerHoldsData()
    already = access.open_requests_of([p.pk for p in people], kind.value, field).filter(insurer_id__in=insurers)
    waiting = set(already.values_list("insurer_id", flat=True))
    if waiting >= set(insurers):  # nothing new to ask: nothing written, nobody told again
        raise RequestAlreadyOpen(references=", ".join(r.reference or "" for r in already))
    insurers = [i for i in insurers if i not in waiting]
    ratelimit.hit(bucket)
    now = clock.now()
    due = response_due(clock.statutory_date_of(now), response_days())
    made = []
    for insurer_id in insurers:
        request = DataRequest.objects.create(
            insurer_id=insurer_id,
            consumer=me,
            kind=kind.value,
            field=field,
            new_value=value,
            note=note,
            requested_at=now,
            due=due,
        )
        request.reference = f"DR-{clock.statutory_date_of(now).year}-{request.pk:06d}"
        request.save(update_fields=["reference"])
        made.append(request)
        tell_staff(
            actor=actor,
            staff=staff_with(insurer_id, Role.COMPLIANCE_OFFICER),
            reference=request.reference,
            purpose="rights.request_made",
            body=gettext("A consumer asked: “%(what)s”. Answer in the data requests queue by %(due)s.")
            % {"what": gettext(KIND_TEXT[kind]), "due": due.isoformat()},
            insurer_id=insurer_id,
            about=request,
        )
    record(
        event_type=events.REQUEST_MADE,
        actor=actor,
        subject=me,
        insurer_id=None,
        new={"kind": kind.value, "field": field, "requests": [r.reference for r in made]},
    )
    return made


def _check_phone_proved(phone_check: int | None, phone: str) -> None:
    proof = access.phone_check(phone_check) if phone_check is not None else None
    if (
        proof is None
        or proof.verified_at is None
        or proof.purpose != PHONE_CHECK_PURPOSE
        or proof.phone_index != blind_indexer().index("phone", phone)
        or clock.now() - proof.verified_at > timedelta(minutes=PHONE_CHECK_VALID_MINUTES)
    ):
        raise NewPhoneNotProved()


@transaction.atomic
def data_request_accept(*, actor: Actor, request_id: int) -> DataRequest:
    """Staff of the insurer grant the request: the correction is made through the consumer's own action; a
    deletion erases what this insurer holds — and the person's own record once no insurer holds anything — unless
    a legal hold applies, when the request is refused with the hold as its reason."""
    request = access.data_request_for(actor, request_id, for_update=True)
    check_open(request.state)
    people = access.records_on_phone(request.consumer)
    counts: dict[str, int] = {}
    if request.kind == RequestKind.CORRECTION:
        consumer_correct(
            actor=actor,
            consumer_id=request.consumer_id,
            field=request.field,
            value=request.new_value,
            request_reference=request.reference or "",
        )
    else:
        holds = holds_of(_facts(people, request.insurer_id), clock.today(), retention_periods())
        if holds:
            with translation.override(request.consumer.preferred_language):  # the consumer reads the reasons
                reasons = " · ".join(gettext(HOLD_TEXT[h]) for h in holds)
            return _refuse(actor, request, reasons, holds=holds)
    _decide(actor, request, RequestState.ACCEPTED)
    siblings = _close_siblings(actor, request) if request.kind == RequestKind.CORRECTION else []
    notice = _tell(actor, request, siblings=siblings)
    if request.kind == RequestKind.DELETION:
        counts = _erase(people, insurer_id=request.insurer_id, why=Erasure.REQUEST, keep_notice=notice)
        if _all_erased_elsewhere(people, request.insurer_id) and not _held_anywhere(people):
            counts.update(_erase_people(people, why=Erasure.REQUEST, keep_notice=notice))
    record(
        event_type=events.REQUEST_ACCEPTED,
        actor=actor,
        subject=request,
        insurer_id=request.insurer_id,
        new={"kind": request.kind, "field": request.field, "state": request.state, "counts": counts,
             "notice": str(notice.pk), "closed": [r.reference for r in siblings]},
    )  # fmt: skip
    return request


@transaction.atomic
def data_request_refuse(*, actor: Actor, request_id: int, reasons: str) -> DataRequest:
    """Staff refuse with reasons the consumer reads (on their page and in a notice)."""
    request = access.data_request_for(actor, request_id, for_update=True)
    check_open(request.state)
    if not reasons.strip():
        raise RefusalNeedsReasons()
    return _refuse(actor, request, reasons.strip()[:MAX_NOTE_LENGTH], holds=[])


def _refuse(actor: Actor, request: DataRequest, reasons: str, *, holds: list[Hold]) -> DataRequest:
    request.refusal_reasons = reasons
    _decide(actor, request, RequestState.REFUSED)
    notice = _tell(actor, request)
    record(
        event_type=events.REQUEST_REFUSED,
        actor=actor,
        subject=request,
        insurer_id=request.insurer_id,
        new={"kind": request.kind, "state": request.state, "holds": [h.value for h in holds], "notice": str(notice.pk)},
    )
    return request


def _decide(actor: Actor, request: DataRequest, state: RequestState) -> None:
    request.state = state.value
    request.decided_at = clock.now()
    request.decided_by_id = actor.staff_id
    request.save(update_fields=["state", "decided_at", "decided_by", "refusal_reasons"])


def _close_siblings(actor: Actor, request: DataRequest) -> list[DataRequest]:
    """The same correction asked of the other insurers: done now (the record is one), so closed — recorded in the
    granting request's event, the consumer told in its one notice."""
    siblings = list(access.sibling_requests(request))
    for sibling in siblings:
        _decide(actor, sibling, RequestState.CLOSED)
    return siblings


def _tell(actor: Actor, request: DataRequest, *, siblings: list[DataRequest] | None = None) -> Notification:
    """The consumer is told through the outbox. A deletion that erases their record leaves no address to send to
    afterwards, so its notice is in-app (their page), holding no personal data."""
    return tell_consumer(
        actor=actor,
        consumer=request.consumer,
        template="rights/notices/decided.txt",
        subject=gettext_noop("Your data request %(reference)s"),
        subject_params={"reference": request.reference},
        purpose="rights.request_decided",
        insurer_id=request.insurer_id,
        about=request,
        request=request,
        closed=", ".join(r.reference or "" for r in siblings or []),
    )


# --- erasure -------------------------------------------------------------------------------------------------------


def _dispute_on(complaint: Complaint) -> date | None:
    """The latest day a dispute was started on this complaint — mediation wanted, or arbitration or court
    chosen (DSP-2) — from which the file is held (Hold.DISPUTE)."""
    days = [day for day in (complaint.mediation_wanted_on, complaint.dispute_chosen_on) if day is not None]
    return max(days, default=None)


def _facts(people: list[Consumer], insurer_id: int | None) -> list[RecordFacts]:
    """What retention and the legal holds need of these records (at one insurer, or at all)."""
    ids = [p.pk for p in people]
    facts: list[RecordFacts] = []
    for complaint in access.complaints_of(ids, insurer_id):
        ended = complaint.state in ENDED_COMPLAINT
        ended_on = (
            (complaint.closed_at and clock.statutory_date_of(complaint.closed_at))
            or complaint.withdrawn_on
            or clock.statutory_date_of(complaint.registered_at)
        )
        facts.append(
            RecordFacts(
                RecordKind.COMPLAINT,
                ended_on if ended else None,
                None if ended else Hold.OPEN_COMPLAINT,
                dispute_on=_dispute_on(complaint),
            )
        )
    claims = list(access.claims_of(ids, insurer_id))
    closed = access.claim_last_closed_on([c.pk for c in claims])
    for claim in claims:
        ended = claim.state in ENDED_CLAIM
        facts.append(
            RecordFacts(
                RecordKind.CLAIM,
                closed.get(claim.pk, claim.received_on) if ended else None,
                None if ended else Hold.UNPAID_CLAIM,
            )
        )
    for callback in access.callbacks_of(people, insurer_id):  # ended when handled; one not yet handled holds
        handled = callback.handled_at is not None and clock.statutory_date_of(callback.handled_at)
        facts.append(RecordFacts(RecordKind.CALLBACK, handled or None, None if handled else Hold.OPEN_CALLBACK))
    if insurer_id is None and not facts:
        facts.extend(RecordFacts(RecordKind.CONSUMER, clock.statutory_date_of(p.created_at)) for p in people)
    return facts


def _all_erased_elsewhere(people: list[Consumer], insurer_id: int) -> bool:
    """Every other insurer holding data about these records has erased it already — after its newest record of
    them (a case begun after an insurer's erasure is not erased)."""
    erased_at: dict[int, datetime] = {}
    for erasure in access.erasures_of([p.pk for p in people]).filter(insurer__isnull=False):
        assert erasure.insurer_id is not None
        erased_at[erasure.insurer_id] = max(erasure.erased_at, erased_at.get(erasure.insurer_id, erasure.erased_at))
    for other in set(access.insurers_holding(people)) - {insurer_id}:
        done, newest = erased_at.get(other), access.newest_record_at(people, other)
        if done is None or (newest is not None and newest > done):
            return False
    return True


def _held_anywhere(people: list[Consumer]) -> bool:
    """A legal hold at any insurer keeps the person's own record (and that insurer's cases) as they are."""
    return bool(holds_of(_facts(people, None), clock.today(), retention_periods()))


def _delete_file_on_commit(file: FieldFile, still_used: bool) -> None:
    if not file.name or still_used:
        return
    storage, name = file.storage, file.name
    transaction.on_commit(lambda: storage.delete(name))


def _erase(
    people: list[Consumer], *, insurer_id: int | None, why: str, keep_notice: Notification | None = None
) -> dict[str, int]:
    """Clear what these records' cases at one insurer (or at all) hold of the person: free texts, policy numbers,
    files, call-back phones, drafts, notices' addresses and texts. Ids, states and dates stay."""
    ids = [p.pk for p in people]
    counts: Counter[str] = Counter()
    complaints = list(access.complaints_of(ids, insurer_id).select_for_update())
    spoken: list[str] = []  # what a page may have read aloud (its words are kept under their speech keys)
    for complaint in complaints:
        spoken += [complaint.findings, complaint.basis, complaint.reasons, complaint.remedy, complaint.description]
        for name in ("policy_number", "description", "requested_outcome", "findings", "basis", "reasons", "remedy"):
            setattr(complaint, name, "")
        complaint.policy_number_index = complaint.claim_reference = complaint.fingerprint = ""
        complaint.declined_reason = ""
        complaint.save(update_fields=[
            "policy_number", "description", "requested_outcome", "findings", "basis", "reasons", "remedy",
            "policy_number_index", "claim_reference", "fingerprint", "declined_reason",
        ])  # fmt: skip
        counts["complaints"] += 1
    parts = access.complaint_parts_of([c.pk for c in complaints])
    spoken += list(parts["information_requests"].values_list("text", flat=True))
    spoken += list(parts["messages"].values_list("text", flat=True))
    counts["messages"] = parts["messages"].update(text="")
    counts["information_requests"] = parts["information_requests"].update(text="")
    counts["forwards"] = parts["forwards"].update(summary="", answer="")
    reasons = list(parts["extensions"].values_list("reason", flat=True))
    spoken += [said for reason in reasons if reason for said in [reason, *_as_the_tracking_page_says(reason)]]
    counts["extensions"] = parts["extensions"].update(reason="")
    counts["conflicts"] = parts["conflicts"].update(note="")
    counts["pauses"] = parts["pauses"].update(note="")
    for attachment in parts["attachments"].select_for_update():
        _delete_file_on_commit(attachment.file, _file_shared(attachment.file.name, attachment.pk, "attachment"))
        attachment.file, attachment.original_name = "", ""
        attachment.save(update_fields=["file", "original_name"])
        counts["files"] += 1
    claims = list(access.claims_of(ids, insurer_id).select_for_update())
    for claim in claims:
        spoken += [claim.refusal_reasons, claim.refusal_basis, claim.description]
        cleared = ("policy_number", "beneficiary_name", "description", "home_visit_note", "refusal_reasons",
                   "refusal_basis", "pause_reason")  # fmt: skip
        for name in cleared:
            setattr(claim, name, "")
        claim.save(update_fields=cleared)
        counts["claims"] += 1
    for document in access.claim_documents_of([c.pk for c in claims]).select_for_update():
        _delete_file_on_commit(document.file, _file_shared(document.file.name, document.pk, "document"))
        document.file, document.original_name = "", ""
        document.save(update_fields=["file", "original_name"])
        counts["files"] += 1
    counts["document_requests"] = access.document_requests_of([c.pk for c in claims]).update(new_fact="")
    counts["data_reveals"] = access.data_reveals_of(ids, insurer_id).update(reason="")
    callback_ids = list(access.callbacks_of(people, insurer_id).values_list("pk", flat=True))
    counts["call_backs"] = access.callbacks_of(people, insurer_id).update(
        phone="", phone_index="", note="", outcome_note="", dialect=""
    )
    counts["spoken_texts"] = spoken_texts_forget(texts=[text for text in spoken if text])
    counts["drafts"], _ = access.drafts_of(ids, insurer_id).delete()
    about = {
        "complaints.complaint": [c.pk for c in complaints],
        "claims.claim": [c.pk for c in claims],
        "callbacks.callbackrequest": callback_ids,
        "rights.datarequest": list(access.requests_of(ids, insurer_id).values_list("pk", flat=True)),
    }
    notices = access.notices_to(ids, insurer_id) | access.notices_about(about)
    if keep_notice is not None:
        notices = notices.exclude(pk=keep_notice.pk)
    notices.filter(status=Status.PENDING).update(status=Status.FAILED, last_error="erased")
    counts["notices"] = notices.update(to_address="", subject="", body="", last_error="")
    counts["request_values"] = access.requests_of(ids, insurer_id).update(new_value="", note="")
    for person in people:
        Erasure.objects.create(
            consumer=person, insurer_id=insurer_id, why=why, erased_at=clock.now(), counts=dict(counts)
        )
    return dict(counts)


def _as_the_tracking_page_says(reason: str) -> list[str]:
    """An extension's reason as the tracking page reads it aloud, in each of the site's languages."""
    said = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            said.append(gettext("We extended the time limit because: %(reason)s") % {"reason": reason})
    return said


def _file_shared(name: str, pk: int, kind: str) -> bool:
    """Uploads are stored under their content address: another row (another person's, perhaps) may hold the same
    file, which then stays."""
    return access.file_in_use_elsewhere(name, pk, kind)


def _erase_people(people: list[Consumer], *, why: str, keep_notice: Notification | None = None) -> dict[str, int]:
    """Everything of every insurer, then the person's own records: name, ID number, phone, email and their blind
    indexes; the phone checks kept under the phone's index go too."""
    counts = _erase(people, insurer_id=None, why=why, keep_notice=keep_notice)
    # The phone's checks and counts go with its last live record: another record on it (a family member's) still
    # signs in with them.
    ids = [p.pk for p in people]
    phones = [p.phone_index for p in people if p.phone_index and not access.others_on_phone(p.phone_index, ids)]
    counts["phone_checks"], _ = access.phone_checks_of(phones).delete()
    counts["rate_limit_counts"] = sum(ratelimit.forget(phone) for phone in phones)
    for person in people:
        locked = access.consumer_of_system(person.pk, for_update=True)
        locked.name, locked.name_index = "", None
        locked.resident_id = locked.resident_id_index = locked.stated_resident_id_index = None
        locked.phone = locked.phone_index = locked.email = locked.email_index = None
        locked.birth_year = None
        locked.save(update_fields=[
            "name", "name_index", "resident_id", "resident_id_index", "stated_resident_id_index", "phone",
            "phone_index", "email", "email_index", "birth_year",
        ])  # fmt: skip
    if keep_notice is not None:
        Notification.objects.filter(pk=keep_notice.pk).update(to_address=f"consumer:{keep_notice.consumer_id}",
                                                               channel="in_app")  # fmt: skip
    counts["people"] = len(people)
    return counts


@transaction.atomic
def consumer_erase_after_retention(*, actor: Actor, consumer_id: int) -> bool:
    """Erase one person when every record of theirs is past its retention period and no legal hold applies
    (``rights.domain.retention``); False, changing nothing, otherwise. The system only."""
    if actor.kind is not ActorKind.SYSTEM:
        raise PermissionDenied()
    consumer = access.consumer_of_system(consumer_id, for_update=True)
    people = [consumer]
    if not erasable(_facts(people, None), clock.today(), retention_periods()):
        return False
    counts = _erase_people(people, why=Erasure.RETENTION)
    record(
        event_type=events.CONSUMER_ERASED,
        actor=actor,
        subject=consumer,
        insurer_id=None,
        new={"why": Erasure.RETENTION, "insurer": None, "counts": counts},
    )
    return True


def retention_sweep(*, actor: Actor = SYSTEM) -> int:
    """Each consumer not yet erased, in its own transaction: how many were erased."""
    require(actor, Permission.HANDLE_DATA_REQUESTS)
    erased = 0
    for consumer_id in access.consumers_to_review().values_list("pk", flat=True).iterator(chunk_size=1000):
        erased += consumer_erase_after_retention(actor=actor, consumer_id=consumer_id)
    return erased
