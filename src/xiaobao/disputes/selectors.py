"""Read models of mediation (DSP-1, DSP-3) for the portal, the workbench, the mediator's workspace and the API,
all through ``disputes.access``; and the figures by organisation (``mediation_figures``) the reports reuse."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet

from xiaobao.audit.timeline import TimelineEntry, timeline
from xiaobao.complaints.models import Attachment, Complaint, Pause
from xiaobao.disputes import access
from xiaobao.disputes.domain.mediation import (
    OPEN,
    Closed,
    OrganisationFigures,
    ReferralState,
    Shared,
    figures,
    in_scope,
)
from xiaobao.disputes.models import Clock, Confirmation, Consent, Performance, Referral, SharingAgreement
from xiaobao.identity.domain.permissions import Permission, staff_may
from xiaobao.identity.models import MediationOrganisation
from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.kernel.errors import NotFound
from xiaobao.privacy.domain.identifiers import mask_name

OPEN_VALUES = [state.value for state in OPEN]


def evidence_file_names() -> list[str]:
    """Every stored evidence file a row names (system use: the orphan sweep of ops.stored_files)."""
    return [name for name in Performance.objects.values_list("evidence", flat=True) if name]


def directory() -> QuerySet[MediationOrganisation]:
    """The organisations with their caseload: the referrals they hold open now (DSP-1)."""
    return access.organisations().annotate(
        open_referrals=Count("referrals", filter=Q(referrals__state__in=OPEN_VALUES))
    )


def referrals(actor: Actor) -> QuerySet[Referral]:
    """The referrals the actor may see (the API's list), newest first."""
    return access.referrals_for(actor).select_related("complaint", "insurer", "organisation").order_by("-pk")


def sharing_agreements(actor: Actor) -> QuerySet[SharingAgreement]:
    return access.sharing_agreements_for(actor).select_related("organisation").order_by("-pk")


def organisations_in_scope(complaint: Complaint) -> list[MediationOrganisation]:
    return [
        organisation
        for organisation in directory()
        if in_scope(product_lines=organisation.product_lines, product_line=complaint.product_line)
    ]


@dataclass(frozen=True)
class ConsentPage:
    complaint: Complaint
    organisations: list[MediationOrganisation]
    attachments: list[Attachment]
    consent: Consent | None
    referral: Referral | None


def consent_page(complaint: Complaint) -> ConsentPage:
    """For the complainant's own complaint (the caller opened it through the complaint's gate)."""
    return ConsentPage(
        complaint=complaint,
        organisations=organisations_in_scope(complaint),
        attachments=list(complaint.attachments.order_by("uploaded_at", "pk")),
        consent=access.latest_consent(complaint.pk),
        referral=Referral.objects.filter(complaint=complaint).select_related("organisation").order_by("-pk").first(),
    )


@dataclass
class ReferralFacts:
    referral: Referral
    clocks: list[Clock] = field(default_factory=list)
    confirmation: Confirmation | None = None
    performances: list[Performance] = field(default_factory=list)


def _facts(referral: Referral) -> ReferralFacts:
    return ReferralFacts(
        referral=referral,
        clocks=list(referral.clocks.order_by("pk")),
        confirmation=Confirmation.objects.filter(referral=referral).first(),
        performances=list(referral.performances.order_by("due", "pk")),
    )


@dataclass(frozen=True)
class CaseMediation:
    """The mediation part of a case page (the workbench)."""

    complaint: Complaint
    consent: Consent | None
    referrals: list[ReferralFacts]
    pauses: list[Pause]
    organisations: list[MediationOrganisation]
    agreements: dict[int, SharingAgreement]
    may_refer: bool
    attachments: list[Attachment]


def case_mediation(actor: Actor, complaint_id: Any) -> CaseMediation:
    from xiaobao.complaints import access as complaint_access

    complaint = complaint_access.complaint_for(actor, complaint_id)
    referrals = access.referrals_for(actor).filter(complaint=complaint).select_related("organisation", "outcome_by")
    agreements = {a.organisation_id: a for a in access.sharing_agreements_for(actor).order_by("valid_until")}
    return CaseMediation(
        complaint=complaint,
        consent=access.latest_consent(complaint.pk),
        referrals=[_facts(r) for r in referrals.order_by("-pk")],
        pauses=list(complaint.pauses.order_by("started_on", "pk")),
        organisations=organisations_in_scope(complaint),
        agreements=agreements,
        may_refer=staff_may(actor, Permission.REFER_TO_MEDIATION),
        attachments=list(complaint.attachments.order_by("uploaded_at", "pk")),
    )


def referral_facts(actor: Actor, referral_id: Any) -> ReferralFacts:
    referral = access.referral_for(actor, referral_id)
    return _facts(referral)


def workspace(actor: Actor) -> list[Referral]:
    """The mediator's list: their organisation's referrals, open ones first."""
    return list(
        access.referrals_of_organisation(actor)
        .select_related("complaint", "insurer", "organisation")
        .order_by("state", "-referred_at", "-pk")
    )


@dataclass(frozen=True)
class SharedFile:
    """Exactly what the referral shares with the organisation (DSP-1): the fact of the complaint, and the
    decision, the consumer-visible timeline (later events included) and the chosen files as named."""

    referral: Referral
    reference: str
    insurer: str
    complainant: str
    """Masked, unless the referral shares the contact (then the full name)."""
    phone: str | None
    """Only when the referral shares the contact."""
    product_line: str
    reason: str
    decision: dict[str, str] | None
    timeline: list[TimelineEntry] | None
    documents: list[Attachment] | None
    facts: ReferralFacts


def shared_file(actor: Actor, referral_id: Any) -> SharedFile:
    referral = access.referral_for(actor, referral_id)
    complaint = referral.complaint
    shared = {Shared(item) for item in referral.shared}
    decision = None
    if Shared.DECISION in shared and complaint.outcome:
        decision = {
            "outcome": complaint.outcome,
            "findings": complaint.findings,
            "basis": complaint.basis,
            "reasons": complaint.reasons,
            "remedy": complaint.remedy,
        }
    return SharedFile(
        referral=referral,
        reference=complaint.reference or "",
        insurer=referral.insurer.name,
        complainant=(complaint.complainant.name or "")
        if Shared.CONTACT in shared
        else mask_name(complaint.complainant.name or ""),
        phone=(complaint.complainant.phone or "") if Shared.CONTACT in shared else None,
        product_line=complaint.product_line,
        reason=complaint.reason,
        decision=decision,
        timeline=timeline(complaint, consumer_view=True) if Shared.TIMELINE in shared else None,
        documents=list(complaint.attachments.filter(pk__in=referral.documents).order_by("pk"))
        if Shared.DOCUMENTS in shared
        else None,
        facts=_facts(referral),
    )


def shared_document(actor: Actor, referral_id: Any, attachment_id: Any) -> Attachment:
    """A file the referral shares; NotFound for any other (of the same complaint or not)."""
    referral = access.referral_for(actor, referral_id)
    if Shared.DOCUMENTS.value not in referral.shared:
        raise NotFound()
    found = Attachment.objects.filter(complaint_id=referral.complaint_id, pk__in=referral.documents, pk=attachment_id)
    attachment = found.first()
    if attachment is None:
        raise NotFound()
    return attachment


def performance_evidence(actor: Actor, performance_id: Any) -> Performance:
    performance = access.performance_for(actor, performance_id)
    if not performance.evidence:
        raise NotFound()
    return performance


# -- statistics (issue #17 item 4) ------------------------------------------------------------------------


@dataclass(frozen=True)
class OrganisationRow:
    organisation: MediationOrganisation
    figures: OrganisationFigures


def _statistics_scope(actor: Actor) -> QuerySet[Referral]:
    if actor.kind is ActorKind.SYSTEM:
        return Referral.objects.all()
    if actor.kind is ActorKind.MEDIATOR:
        return access.referrals_of_organisation(actor)
    if staff_may(actor, Permission.VIEW_MEDIATION_STATISTICS):
        return Referral.objects.filter(insurer_id=actor.insurer_id or 0)
    return Referral.objects.none()


def mediation_figures(actor: Actor, *, start: date, end: date) -> list[OrganisationRow]:
    """Per organisation, the referrals made from ``start`` to ``end`` (both included): how many, their
    outcomes, the agreement rate and the median and mean days from referral to outcome. Compliance sees its
    insurer's referrals to every organisation; a mediator its own organisation's, from every insurer."""
    rows = _statistics_scope(actor).filter(referred_on__gte=start, referred_on__lte=end)
    closed = [
        Closed(org, referred_on, ReferralState(state), outcome_on)
        for org, referred_on, state, outcome_on in rows.values_list(
            "organisation_id", "referred_on", "state", "outcome_on"
        )
    ]
    by_org = figures(closed)
    names = MediationOrganisation.objects.in_bulk(list(by_org))
    return [
        OrganisationRow(names[org_id], result)
        for org_id, result in sorted(by_org.items(), key=lambda item: names[item[0]].name)
    ]
