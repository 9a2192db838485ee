"""The one gate to referrals, consents and sharing agreements (DSP-1, DSP-3).

- a mediator sees only the referrals to their own organisation — of any insurer, and nothing else of the
  complaint than the referral shares;
- insurer staff see their own insurer's referrals through the complaint's gate (tenant, role, recusal);
  those who may handle the complaint act on them;
- the complainant sees their own consent and the referrals of their own complaint.
Not found and not allowed give the same answer.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from xiaobao.complaints import access as complaint_access
from xiaobao.disputes.models import Consent, Performance, Referral, SharingAgreement
from xiaobao.identity.access import one, tenant_scoped
from xiaobao.identity.domain.permissions import Permission, staff_may
from xiaobao.identity.models import MediationOrganisation
from xiaobao.kernel.actors import Actor, ActorKind


def referrals_for(actor: Actor, permission: Permission = Permission.VIEW_COMPLAINTS) -> QuerySet[Referral]:
    referrals = Referral.objects.all()
    if actor.kind is ActorKind.SYSTEM:
        return referrals
    if actor.kind is ActorKind.MEDIATOR and permission is Permission.VIEW_COMPLAINTS:
        return referrals.filter(organisation_id=actor.mediation_organisation_id or 0)
    if actor.kind is ActorKind.CONSUMER and permission is Permission.VIEW_COMPLAINTS:
        return referrals.filter(complaint__complainant_id=actor.consumer_id or 0)
    if actor.kind is not ActorKind.STAFF or not staff_may(actor, permission):
        return referrals.none()
    complaint_permission = Permission.HANDLE_COMPLAINTS if permission is Permission.REFER_TO_MEDIATION else permission
    visible = complaint_access.complaints_for(actor, complaint_permission).values("pk")
    return referrals.filter(insurer_id=actor.insurer_id or 0, complaint_id__in=visible)


def referral_for(
    actor: Actor, referral_id: Any, permission: Permission = Permission.VIEW_COMPLAINTS, *, for_update: bool = False
) -> Referral:
    return one(referrals_for(actor, permission), referral_id, for_update=for_update)


def referrals_of_organisation(actor: Actor) -> QuerySet[Referral]:
    """The mediator's workspace: their organisation's referrals only; nobody else has one."""
    if actor.kind is not ActorKind.MEDIATOR:
        return Referral.objects.none()
    return Referral.objects.filter(organisation_id=actor.mediation_organisation_id or 0)


def performance_for(actor: Actor, performance_id: Any, *, for_update: bool = False) -> Performance:
    """What the insurer owes under an agreement: for the staff who handle the complaint only."""
    referrals = referrals_for(actor, Permission.REFER_TO_MEDIATION)
    return one(Performance.objects.filter(referral__in=referrals), performance_id, for_update=for_update)


def latest_consent(complaint_id: int) -> Consent | None:
    """The consent in force of a complaint its caller already opened through the complaint's gate."""
    return Consent.objects.filter(complaint_id=complaint_id).order_by("-given_at", "-pk").first()


def organisations() -> QuerySet[MediationOrganisation]:
    """The public directory of mediation organisations (DSP-1): it belongs to no insurer."""
    return MediationOrganisation.objects.order_by("name", "pk")


def organisation(organisation_id: Any) -> MediationOrganisation:
    return one(organisations(), organisation_id)


def sharing_agreements_for(actor: Actor) -> QuerySet[SharingAgreement]:
    return tenant_scoped(SharingAgreement.objects.all(), actor, Permission.VIEW_PARTNERS)


def agreement_in_force(insurer_id: int, organisation_id: int, on: Any) -> SharingAgreement | None:
    """The insurer's agreement with the organisation in force on ``on`` (for the insurer's own action)."""
    return (
        SharingAgreement.objects.filter(
            insurer_id=insurer_id, organisation_id=organisation_id, valid_from__lte=on, valid_until__gte=on
        )
        .order_by("-valid_until", "-pk")
        .first()
    )
