"""Mediation and judicial-confirmation writes (DSP-1, DSP-3; issue #17).

The complainant consents (and says what may be shared); the insurer's handler refers the case under a
data-sharing agreement with the organisation, which stops the complaint's clock (CMP-T4); the organisation's
mediator accepts and records the outcome, which comes back into the case and starts the clock again; after an
agreement the insurer follows the 30 days to apply for judicial confirmation (Civil Procedure Law Art.205), the
court's ruling and its own performance. Each is one atomic, audited action; notices go through the outbox.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop

from xiaobao.audit.recorder import record
from xiaobao.calendars.selectors import business_calendar
from xiaobao.casework.actions import OVERDUE, SweepPlan, clocks_sweep
from xiaobao.complaints import access as complaint_access
from xiaobao.complaints.actions import Upload, complaint_mediation_pause, complaint_mediation_resume
from xiaobao.complaints.domain.lifecycle import State
from xiaobao.complaints.models import Complaint
from xiaobao.deadlines import clock as deadline_clock
from xiaobao.deadlines.rules import Rule
from xiaobao.disputes import access, events
from xiaobao.disputes.domain import mediation as rules
from xiaobao.disputes.domain.mediation import (
    CourtResult,
    NoConsent,
    NoSharingAgreement,
    OutsideScope,
    ReferralState,
    Shared,
    Step,
)
from xiaobao.disputes.models import (
    Clock,
    Confirmation,
    Consent,
    MediationReminderSent,
    Performance,
    Referral,
    SharingAgreement,
)
from xiaobao.identity.access import require
from xiaobao.identity.domain.permissions import Permission, staff_may
from xiaobao.identity.models import MediationOrganisation, Mediator, Staff
from xiaobao.identity.selectors import staff_with
from xiaobao.kernel.actors import SYSTEM, Actor, ActorKind, Role
from xiaobao.kernel.errors import InvalidInput, NotFound, PermissionDenied, TransitionNotAllowed
from xiaobao.kernel.i18n import _
from xiaobao.notifications.actions import NoticeFooter, notification_queue, tell_consumer
from xiaobao.notifications.actions import tell_staff as notify_staff
from xiaobao.ops import clock, stored_files

CLOSED_STATES = frozenset({State.DECLINED, State.WITHDRAWN})


def _staff(actor: Actor) -> int:
    if actor.kind is not ActorKind.STAFF or actor.staff_id is None:
        raise PermissionDenied()
    return actor.staff_id


def _mediator(actor: Actor) -> Mediator:
    if actor.kind is not ActorKind.MEDIATOR or actor.user_id is None:
        raise PermissionDenied()
    return Mediator.objects.get(user_id=actor.user_id)


def _due(rule: Rule, start: date) -> tuple[date, bool]:
    return deadline_clock.provisional_due_date(rule, start, business_calendar())


def _open_clock(referral: Referral, kind: str, rule: Rule, start: date, **extra: object) -> Clock:
    due, provisional = _due(rule, start)
    return Clock.objects.create(
        referral=referral,
        kind=kind,
        insurer_id_copy=referral.insurer_id,
        rule_id=rule.id,
        start=start,
        due=due,
        provisional=provisional,
        **extra,
    )


def _close_clocks(referral: Referral, kind: str, *, on: date, **filters: object) -> None:
    for row in Clock.objects.select_for_update().filter(referral=referral, kind=kind, active=True, **filters):
        row.active, row.closed_on = False, on
        row.state = Clock.MET if on <= row.due else Clock.MISSED
        row.save(update_fields=["active", "closed_on", "state"])


def _handlers(complaint: Complaint) -> list[Staff]:
    supervisors = staff_with(complaint.insurer_id, Role.SUPERVISOR)
    handler = [complaint.handler] if complaint.handler is not None else []
    return handler + [s for s in supervisors if s.pk != complaint.handler_id]


def _tell_staff(actor: Actor, complaint: Complaint, purpose: str, body: str, staff: list[Staff] | None = None) -> None:
    notify_staff(
        actor=actor,
        staff=_handlers(complaint) if staff is None else staff,
        reference=complaint.reference or "",
        purpose=purpose,
        body=body,
        insurer_id=complaint.insurer_id,
        about=complaint,
    )


def _tell_complainant(actor: Actor, complaint: Complaint, purpose: str, template: str, **context: object) -> None:
    tell_consumer(
        actor=actor,
        consumer=complaint.complainant,
        template=f"disputes/notices/{template}.txt",
        subject=gettext_noop("Your complaint %(reference)s"),
        subject_params={"reference": complaint.reference},
        purpose=purpose,
        insurer_id=complaint.insurer_id,
        about=complaint,
        complaint=complaint,
        footer=NoticeFooter(
            case_path=reverse("portal:tracking", args=[complaint.reference]),
            hotline=complaint.insurer.complaint_phone,
            call_back_path=reverse("portal:insurer_call_back", args=[complaint.insurer.code]),
        ),
        **context,
    )


def _tell_organisation(actor: Actor, referral: Referral, purpose: str, body: str) -> None:
    """The organisation is told on the address it published (its mediators see the case in their workspace)."""
    if referral.organisation.email:
        notification_queue(
            actor=actor,
            channel="email",
            to_address=referral.organisation.email,
            subject=f"{referral.complaint.reference}: {gettext('mediation')}",
            body=body,
            purpose=purpose,
            insurer_id=referral.insurer_id,
            about=referral.complaint,
        )


def _in_scope(organisation: MediationOrganisation, complaint: Complaint) -> None:
    if not rules.in_scope(product_lines=organisation.product_lines, product_line=complaint.product_line):
        raise OutsideScope()


# -- the insurer's agreement with an organisation ---------------------------------------------------------


@transaction.atomic
def sharing_agreement_record(
    *, actor: Actor, organisation_id: int, reference: str, valid_from: date, valid_until: date
) -> SharingAgreement:
    """The insurer's data-sharing agreement with a mediation organisation (DSP-1, PI-3); the same reference
    again returns the one recorded."""
    require(actor, Permission.MANAGE_PARTNERS)
    _staff(actor)
    organisation = access.organisation(organisation_id)
    if not reference.strip() or valid_until < valid_from:
        raise InvalidInput(_("Give the agreement's reference and a term that ends after it starts."))
    agreement, created = SharingAgreement.objects.get_or_create(
        insurer_id=actor.insurer_id,
        organisation=organisation,
        reference=reference.strip()[:64],
        defaults={
            "valid_from": valid_from,
            "valid_until": valid_until,
            "recorded_by_id": actor.staff_id,
            "recorded_at": clock.now(),
        },
    )
    if created:
        record(
            event_type=events.SHARING_AGREEMENT_RECORDED,
            actor=actor,
            subject=agreement,
            insurer_id=actor.insurer_id,
            new={
                "organisation": organisation.pk,
                "reference": agreement.reference,
                "valid_from": valid_from.isoformat(),
                "valid_until": valid_until.isoformat(),
            },
            first=True,
        )
    return agreement


# -- the complainant's consent ----------------------------------------------------------------------------


@transaction.atomic
def consent_give(
    *,
    actor: Actor,
    complaint_id: int,
    organisation_id: int | None,
    shared: Collection[str],
    documents: Collection[int] = (),
) -> Consent:
    """The complainant consents to mediation (DSP-1): the organisation (or none: the insurer chooses among those
    in scope) and what may be shared. The same consent again changes nothing; a new one replaces it until the
    case is referred."""
    complaint = complaint_access.complaint_of_complainant(actor, complaint_id, for_update=True)
    if State(complaint.state) in CLOSED_STATES:
        raise TransitionNotAllowed(_("This complaint is no longer being handled."))
    try:
        chosen = frozenset(Shared(item) for item in shared)
    except ValueError:
        raise InvalidInput() from None
    if documents and Shared.DOCUMENTS not in chosen:
        raise InvalidInput(_("Tick “the files you chose” to share files."))
    own_files = set(complaint.attachments.values_list("pk", flat=True))
    if not set(documents) <= own_files:
        raise InvalidInput(_("Choose files from this complaint only."))
    organisation = access.organisation(organisation_id) if organisation_id else None
    if organisation is not None:
        _in_scope(organisation, complaint)
    latest = access.latest_consent(complaint.pk)
    values = (organisation.pk if organisation else None, sorted(chosen), sorted(set(documents)))
    if latest is not None and (latest.organisation_id, sorted(latest.shared), sorted(latest.documents)) == values:
        return latest  # a repeated submission
    if Referral.objects.filter(complaint=complaint, state__in=[s.value for s in rules.OPEN]).exists():
        raise TransitionNotAllowed(_("The case is already with a mediation organisation."))
    consent = Consent.objects.create(
        complaint=complaint,
        consumer_id=complaint.complainant_id,
        organisation=organisation,
        shared=values[1],
        documents=values[2],
        given_at=clock.now(),
    )
    record(
        event_type=events.CONSENT_GIVEN,
        actor=actor,
        subject=complaint,
        insurer_id=complaint.insurer_id,
        new={"consent": consent.pk, "organisation": values[0], "shared": values[1], "documents": values[2]},
    )
    _tell_staff(
        actor,
        complaint,
        "mediation_consent",
        gettext("The complainant consented to mediation: the case may now be referred."),
    )
    return consent


# -- the referral -----------------------------------------------------------------------------------------


@transaction.atomic
def referral_make(
    *,
    actor: Actor,
    complaint_id: int,
    organisation_id: int,
    shared: Collection[str],
    documents: Collection[int] = (),
    note: str = "",
) -> Referral:
    """Refer the complaint to a mediation organisation (DSP-1): only with the complainant's consent, to the
    organisation they chose (or one in scope), sharing no more than they allowed, under a data-sharing agreement
    in force. The complaint's clock stops (CMP-T4). The same referral again returns the one made."""
    if not staff_may(actor, Permission.REFER_TO_MEDIATION):
        raise PermissionDenied()
    complaint = complaint_access.complaint_for(actor, complaint_id, Permission.HANDLE_COMPLAINTS, for_update=True)
    if State(complaint.state) in CLOSED_STATES:
        raise TransitionNotAllowed(_("This complaint is no longer being handled."))
    open_referral = Referral.objects.filter(complaint=complaint, state__in=[s.value for s in rules.OPEN]).first()
    if open_referral is not None:
        if open_referral.organisation_id == organisation_id:
            return open_referral  # a repeated submission
        raise TransitionNotAllowed(_("The case is already with a mediation organisation."))
    consent = access.latest_consent(complaint.pk)
    if consent is None:
        raise NoConsent()
    organisation = access.organisation(organisation_id)
    if consent.organisation_id is not None and consent.organisation_id != organisation.pk:
        raise rules.BeyondConsent(_("The complainant chose another mediation organisation."))
    _in_scope(organisation, complaint)
    chosen = rules.check_shared(consent.shared, shared)
    files = rules.check_documents(consent.documents, documents if Shared.DOCUMENTS in chosen else ())
    today = clock.today()
    agreement = access.agreement_in_force(complaint.insurer_id, organisation.pk, today)
    if agreement is None:
        raise NoSharingAgreement()
    referral = Referral.objects.create(
        complaint=complaint,
        insurer_id=complaint.insurer_id,
        organisation=organisation,
        consent=consent,
        agreement=agreement,
        shared=sorted(chosen),
        documents=sorted(files),
        note=note.strip()[:500],
        referred_by_id=_staff(actor),
        referred_at=clock.now(),
        referred_on=today,
    )
    paused = complaint_mediation_pause(
        actor=actor, complaint_id=complaint.pk, note=gettext("Mediation by %(name)s") % {"name": organisation.name}
    )
    if paused:
        referral.paused_clock = True
        referral.save(update_fields=["paused_clock"])
    record(
        event_type=events.REFERRED,
        actor=actor,
        subject=complaint,
        insurer_id=complaint.insurer_id,
        new={
            "referral": referral.pk,
            "organisation": organisation.pk,
            "shared": referral.shared,
            "documents": referral.documents,
            "paused": paused,
        },
    )
    _tell_organisation(
        actor,
        referral,
        "mediation_referred",
        gettext("%(insurer)s referred complaint %(reference)s to you for mediation: see your workspace.")
        % {"insurer": complaint.insurer.name, "reference": complaint.reference},
    )
    if not paused:  # a pause tells the complainant itself
        _tell_complainant(actor, complaint, "mediation_referred", "referred", organisation=organisation)
    return referral


@transaction.atomic
def referral_accept(*, actor: Actor, referral_id: int) -> Referral:
    """The organisation takes the case (DSP-1): its own clock starts (XIAOBAO_MEDIATION_DAYS, unverified)."""
    mediator = _mediator(actor)
    referral = access.referral_for(actor, referral_id, for_update=True)
    if referral.state == ReferralState.ACCEPTED:
        return referral  # a repeated submission
    rules.check_step(ReferralState(referral.state), Step.ACCEPT)
    today = clock.today()
    referral.state, referral.accepted_by, referral.accepted_on = ReferralState.ACCEPTED.value, mediator, today
    referral.save(update_fields=["state", "accepted_by", "accepted_on"])
    row = _open_clock(referral, Clock.MEDIATION, rules.mediation_rule(settings.XIAOBAO_MEDIATION_DAYS), today)
    complaint = referral.complaint
    record(
        event_type=events.ACCEPTED,
        actor=actor,
        subject=complaint,
        insurer_id=referral.insurer_id,
        new={"referral": referral.pk, "due": row.due.isoformat()},
    )
    _tell_staff(
        actor,
        complaint,
        "mediation_accepted",
        gettext("%(name)s took the mediation; it is due to end by %(due)s.")
        % {"name": referral.organisation.name, "due": row.due.isoformat()},
    )
    return referral


@transaction.atomic
def referral_record_outcome(
    *,
    actor: Actor,
    referral_id: int,
    outcome: str,
    terms: str = "",
    amount: Decimal | None = None,
    effective_on: date | None = None,
) -> Referral:
    """The mediator records how the mediation ended (DSP-1): an agreement (its terms, amount and the day it takes
    effect), no agreement, or withdrawn. It comes back into the case — the timeline, the handler, the
    complainant — and the complaint's clock runs again; an agreement opens the 30 days to apply for judicial
    confirmation (DSP-3, Civil Procedure Law Art.205)."""
    mediator = _mediator(actor)
    referral = access.referral_for(actor, referral_id, for_update=True)
    try:
        ended = ReferralState(outcome)
    except ValueError:
        raise InvalidInput() from None
    if referral.state == ended.value and ended in rules.OUTCOMES:
        return referral  # a repeated submission
    rules.check_step(ReferralState(referral.state), Step.RECORD_OUTCOME)
    rules.check_outcome(ended, terms=terms, effective_on=effective_on, amount=None if amount is None else int(amount))
    today = clock.today()
    referral.state, referral.outcome_by, referral.outcome_on = ended.value, mediator, today
    fields = ["state", "outcome_by", "outcome_on"]
    if ended is ReferralState.AGREEMENT:
        referral.terms, referral.amount, referral.effective_on = terms.strip()[:10_000], amount, effective_on
        fields += ["terms", "amount", "effective_on"]
    referral.save(update_fields=fields)
    _close_clocks(referral, Clock.MEDIATION, on=today)
    window_ends = None
    if ended is ReferralState.AGREEMENT:
        assert effective_on is not None
        row = _open_clock(referral, Clock.APPLICATION, rules.JUDICIAL_CONFIRMATION, effective_on)
        window_ends = row.due
        Confirmation.objects.create(referral=referral, window_ends=window_ends)
    complaint = referral.complaint
    resumed = referral.paused_clock and complaint_mediation_resume(actor=SYSTEM, complaint_id=complaint.pk)
    record(
        event_type=events.OUTCOME_RECORDED,
        actor=actor,
        subject=complaint,
        insurer_id=referral.insurer_id,
        new={
            "referral": referral.pk,
            "outcome": ended.value,
            "effective_on": effective_on.isoformat() if effective_on and window_ends else None,
            "window_ends": window_ends.isoformat() if window_ends else None,
            "resumed": bool(resumed),
        },
    )
    _tell_staff(
        actor,
        complaint,
        "mediation_outcome",
        gettext("The mediation of %(reference)s ended: %(outcome)s.")
        % {"reference": complaint.reference, "outcome": gettext(rules.STATE_TEXT[ended])},
    )
    _tell_complainant(actor, complaint, "mediation_outcome", "outcome", outcome=ended.value, window_ends=window_ends)
    return referral


# -- judicial confirmation and performance (DSP-3) --------------------------------------------------------


def _agreement_referral(actor: Actor, referral_id: int) -> Referral:
    _staff(actor)
    referral = access.referral_for(actor, referral_id, Permission.REFER_TO_MEDIATION, for_update=True)
    if referral.state != ReferralState.AGREEMENT:
        raise TransitionNotAllowed(_("Only a mediation that ended in an agreement goes to the court."))
    return referral


@transaction.atomic
def confirmation_bundle_make(*, actor: Actor, referral_id: int) -> bytes:
    """The file for the court (DSP-3): the agreement, the parties' identities — the complainant's name and ID
    number decrypted only into the PDF — and the joint application. Making it is recorded, as a reveal is."""
    from xiaobao.disputes.bundle import confirmation_bundle_pdf

    referral = _agreement_referral(actor, referral_id)
    confirmation = Confirmation.objects.select_for_update().get(referral=referral)
    pdf = confirmation_bundle_pdf(referral, confirmation)
    confirmation.bundle_made_at = clock.now()
    confirmation.save(update_fields=["bundle_made_at"])
    record(
        event_type=events.BUNDLE_MADE,
        actor=actor,
        subject=referral.complaint,
        insurer_id=referral.insurer_id,
        new={"referral": referral.pk},
    )
    return pdf


@transaction.atomic
def confirmation_record_application(*, actor: Actor, referral_id: int, applied_on: date, court: str) -> Confirmation:
    """The parties applied to the court (DSP-3); the window's clock is met or missed by that day."""
    referral = _agreement_referral(actor, referral_id)
    confirmation = Confirmation.objects.select_for_update().get(referral=referral)
    if confirmation.applied_on is not None:
        return confirmation  # recorded already
    if (
        not court.strip()
        or applied_on > clock.today()
        or (referral.effective_on and applied_on < referral.effective_on)
    ):
        raise InvalidInput(_("Give the court and a day of application between the agreement and today."))
    confirmation.applied_on, confirmation.court = applied_on, court.strip()[:200]
    confirmation.save(update_fields=["applied_on", "court"])
    _close_clocks(referral, Clock.APPLICATION, on=applied_on)
    record(
        event_type=events.APPLIED,
        actor=actor,
        subject=referral.complaint,
        insurer_id=referral.insurer_id,
        new={"referral": referral.pk, "applied_on": applied_on.isoformat(), "court": confirmation.court},
    )
    return confirmation


@transaction.atomic
def confirmation_record_result(
    *, actor: Actor, referral_id: int, result: str, ruled_on: date | None, ruling_number: str
) -> Confirmation:
    """The court's ruling on the application (DSP-3): confirmed or refused, its date and number."""
    referral = _agreement_referral(actor, referral_id)
    confirmation = Confirmation.objects.select_for_update().get(referral=referral)
    if confirmation.result:
        if confirmation.result == result and confirmation.ruling_number == ruling_number.strip():
            return confirmation  # a repeated submission
        raise TransitionNotAllowed(_("The court's result is recorded already."))
    if confirmation.applied_on is None:
        raise TransitionNotAllowed(_("Record the application to the court first."))
    rules.check_court_result(result, ruled_on=ruled_on, ruling_number=ruling_number, applied_on=confirmation.applied_on)
    assert ruled_on is not None
    if ruled_on > clock.today():
        raise InvalidInput(_("The ruling cannot be dated after today."))
    confirmation.result, confirmation.ruled_on = CourtResult(result).value, ruled_on
    confirmation.ruling_number = ruling_number.strip()[:100]
    confirmation.save(update_fields=["result", "ruled_on", "ruling_number"])
    record(
        event_type=events.COURT_RESULT,
        actor=actor,
        subject=referral.complaint,
        insurer_id=referral.insurer_id,
        new={
            "referral": referral.pk,
            "result": confirmation.result,
            "ruled_on": ruled_on.isoformat(),
            "ruling_number": confirmation.ruling_number,
        },
    )
    return confirmation


@transaction.atomic
def performance_record(*, actor: Actor, referral_id: int, what: str, due: date) -> Performance:
    """What the insurer must do under the agreement, by when (DSP-3): reminded until it is done."""
    referral = _agreement_referral(actor, referral_id)
    if not what.strip() or due < (referral.effective_on or clock.today()):
        raise InvalidInput(_("Say what must be done and a date on or after the agreement took effect."))
    existing = referral.performances.filter(what=what.strip()[:500], due=due).first()
    if existing is not None:
        return existing  # a repeated submission
    today = clock.today()
    performance = Performance.objects.create(
        referral=referral, what=what.strip()[:500], due=due, recorded_by_id=_staff(actor), recorded_at=clock.now()
    )
    start = min(today, due)
    _open_clock(referral, Clock.PERFORMANCE, rules.performance_rule((due - start).days), start, performance=performance)
    record(
        event_type=events.PERFORMANCE_OWED,
        actor=actor,
        subject=referral.complaint,
        insurer_id=referral.insurer_id,
        new={"referral": referral.pk, "performance": performance.pk, "due": due.isoformat()},
    )
    return performance


@stored_files.atomic
def performance_done(
    *, actor: Actor, performance_id: int, performed_on: date, evidence: Upload, note: str = ""
) -> Performance:
    """The insurer did it (DSP-3), with the evidence (a PDF or image, stored encrypted with its SHA-256)."""
    from xiaobao.complaints.domain.files import check_file, extension_of

    _staff(actor)
    performance = access.performance_for(actor, performance_id, for_update=True)
    if performance.performed_on is not None:
        return performance  # recorded already
    referral = performance.referral
    if performed_on > clock.today() or (referral.effective_on and performed_on < referral.effective_on):
        raise InvalidInput(_("Give the day it was done, between the agreement and today."))
    content_type = check_file(evidence.name, evidence.size, evidence.head())
    digest = stored_files.sha256_of(evidence.content)
    address = stored_files.address_of(performance.evidence, digest)
    name = f"disputes/referral-{referral.pk}/{address}.{extension_of(content_type)}"
    stored_files.store_once(performance.evidence, name, evidence.content, digest)
    performance.performed_on = performed_on
    performance.evidence_name, performance.evidence_type, performance.evidence_sha256 = (
        evidence.name[:200],
        content_type,
        digest,
    )
    performance.evidence_note = note.strip()[:500]
    performance.save(
        update_fields=["performed_on", "evidence", "evidence_name", "evidence_type", "evidence_sha256", "evidence_note"]
    )
    _close_clocks(referral, Clock.PERFORMANCE, on=performed_on, performance=performance)
    record(
        event_type=events.PERFORMED,
        actor=actor,
        subject=referral.complaint,
        insurer_id=referral.insurer_id,
        new={"performance": performance.pk, "performed_on": performed_on.isoformat(), "sha256": digest},
    )
    return performance


__all__ = [
    "NotFound",
    "confirmation_bundle_make",
    "confirmation_record_application",
    "confirmation_record_result",
    "consent_give",
    "disputes_sweep",
    "performance_done",
    "performance_record",
    "referral_accept",
    "referral_make",
    "referral_record_outcome",
    "sharing_agreement_record",
]


# -- the sweep: reminders before each mediation date, escalation after -----------------------------------

CLOCK_TEXT = {
    Clock.MEDIATION: gettext_noop("the mediation by %(organisation)s"),
    Clock.APPLICATION: gettext_noop(
        "the application to the court for judicial confirmation (Civil Procedure Law Art.205)"
    ),
    Clock.PERFORMANCE: gettext_noop("the insurer's performance of the mediation agreement"),
}


def _sweep_recipients(row: Clock, kind: str) -> list[Staff]:
    """Before: the handler and supervisors; once late, compliance too (and senior managers for performance)."""
    complaint = row.referral.complaint
    people = _handlers(complaint)
    if kind == OVERDUE:
        roles = (
            (Role.COMPLIANCE_OFFICER, Role.SENIOR_MANAGER)
            if row.kind == Clock.PERFORMANCE
            else (Role.COMPLIANCE_OFFICER,)
        )
        people += [s for s in staff_with(complaint.insurer_id, *roles) if s not in people]
    return people


def _sweep_tell(row: Clock, kind: str, days_left: int, recipients: Sequence[Any]) -> None:
    referral = row.referral
    what = gettext(CLOCK_TEXT[row.kind]) % {"organisation": referral.organisation.name}
    if kind == OVERDUE:
        body = gettext("%(reference)s: %(what)s was due on %(due)s.")
    else:
        body = gettext("%(reference)s: %(what)s is due on %(due)s (%(days)s days left).")
    text = body % {
        "reference": referral.complaint.reference,
        "what": what,
        "due": row.due.isoformat(),
        "days": days_left,
    }
    _tell_staff(SYSTEM, referral.complaint, f"mediation_{row.kind}_{kind}", text, staff=list(recipients))
    if row.kind == Clock.MEDIATION:  # the organisation is reminded of its own date
        _tell_organisation(SYSTEM, referral, f"mediation_{kind}", text)


def _recompute(row: Clock) -> None:
    rule = {
        Clock.MEDIATION: rules.mediation_rule(settings.XIAOBAO_MEDIATION_DAYS),
        Clock.APPLICATION: rules.JUDICIAL_CONFIRMATION,
    }.get(row.kind)
    if rule is None:  # a performance date is the date given, never provisional
        return
    row.due, row.provisional = _due(rule, row.start)
    row.save(update_fields=["due", "provisional"])
    if row.kind == Clock.APPLICATION:
        Confirmation.objects.filter(referral_id=row.referral_id).update(window_ends=row.due)


PLAN: SweepPlan[Clock] = SweepPlan(
    clocks=Clock,
    reminders=MediationReminderSent,
    case_of=lambda row: row.referral.complaint,
    related=("referral", "referral__organisation", "referral__complaint", "referral__complaint__handler__user"),
    recipients=_sweep_recipients,
    tell=_sweep_tell,
    reminded=events.REMINDED,
    escalated=events.ESCALATED,
    confirmed=events.CONFIRMED,
    describe=lambda row: {"clock": row.kind, "referral": row.referral_id},
    recompute=_recompute,
    confirmed_names=lambda row: {"rule": row.rule_id, "clock": row.kind},
)


def disputes_sweep(*, reminder_days: tuple[int, ...] | None = None) -> dict[str, int]:
    """Remind before the mediation's end, the court window's end and each performance date; escalate each once
    late; confirm provisional dates (the shared clock machinery, DESIGN.md "Deadlines")."""
    counts = clocks_sweep(
        PLAN, thresholds=reminder_days or settings.XIAOBAO_MEDIATION_REMINDER_DAYS, today=clock.today()
    )
    return {"reminded": counts.reminded, "escalated": counts.escalated, "confirmed": counts.confirmed}
