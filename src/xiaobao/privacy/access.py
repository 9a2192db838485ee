"""Reads of privacy records go through here."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from xiaobao.identity.access import one, tenant_scoped
from xiaobao.identity.domain.permissions import Permission
from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.kernel.errors import PermissionDenied
from xiaobao.kernel.i18n import _
from xiaobao.privacy.domain.agreements import COMPLAINT_HANDLING, NoAgreementInForce, Release, Terms, release
from xiaobao.privacy.models import DataSharingAgreement, PartnerDataRead, PersonalDataAccess


def personal_data_accesses_for(actor: Actor) -> QuerySet[PersonalDataAccess]:
    return tenant_scoped(PersonalDataAccess.objects.all(), actor, Permission.VIEW_PERSONAL_DATA_LOG)


def partner_reads_for(actor: Actor) -> QuerySet[PartnerDataRead]:
    """Staff with the access-log role see their own insurer's partner reads, nobody else's."""
    return tenant_scoped(PartnerDataRead.objects.all(), actor, Permission.VIEW_PERSONAL_DATA_LOG)


def reveals_of_consumer(actor: Actor) -> QuerySet[PersonalDataAccess]:
    """PI-4: the consumer sees every reveal of their own data, and only theirs."""
    if actor.kind is not ActorKind.CONSUMER or actor.consumer_id is None:
        return PersonalDataAccess.objects.none()
    return PersonalDataAccess.objects.filter(consumer_id=actor.consumer_id)


def partner_reads_of_consumer(actor: Actor) -> QuerySet[PartnerDataRead]:
    """PI-4: the consumer sees every partner read of their own data, and only theirs."""
    if actor.kind is not ActorKind.CONSUMER or actor.consumer_id is None:
        return PartnerDataRead.objects.none()
    return PartnerDataRead.objects.filter(consumer_id=actor.consumer_id)


def agreements_for(actor: Actor, permission: Permission = Permission.VIEW_PARTNERS) -> QuerySet[DataSharingAgreement]:
    return tenant_scoped(DataSharingAgreement.objects.all(), actor, permission)


def agreement_for(
    actor: Actor, agreement_id: object, permission: Permission, *, for_update: bool = False
) -> DataSharingAgreement:
    return one(agreements_for(actor, permission), agreement_id, for_update=for_update)


def terms_of(agreement: DataSharingAgreement) -> Terms:
    """What the release rule reads of one agreement already fetched through the gate."""
    return Terms(
        agreement_id=agreement.pk,
        purpose=agreement.purpose,
        categories=tuple(agreement.data_categories or ()),
        valid_from=agreement.valid_from,
        valid_until=agreement.valid_until,
        approved_at=agreement.approved_at,
        ended_at=agreement.ended_at,
    )


def _terms_of(partner_id: int) -> list[Terms]:
    rows = DataSharingAgreement.objects.filter(partner_id=partner_id).values_list(
        "pk", "purpose", "data_categories", "valid_from", "valid_until", "approved_at", "ended_at"
    )
    return [
        Terms(
            agreement_id=pk,
            purpose=purpose,
            categories=tuple(categories or ()),
            valid_from=valid_from,
            valid_until=valid_until,
            approved_at=approved_at,
            ended_at=ended_at,
        )
        for pk, purpose, categories, valid_from, valid_until, approved_at, ended_at in rows
    ]


def partner_release(actor: Actor, *, on: date, purpose: str = COMPLAINT_HANDLING) -> Release:
    """SEC-2: what the calling partner may receive on ``on`` (today in Asia/Shanghai) for ``purpose``, asked on
    every request (never cached, so expiry or an early end cuts access at once); ``NoAgreementInForce`` else."""
    if actor.kind is not ActorKind.PARTNER or actor.partner_id is None:
        raise PermissionDenied(_("Only a partner, calling with its own API key, may use the partner API."))
    return release(_terms_of(actor.partner_id), purpose=purpose, today=on)


def partner_may_receive(*, partner_id: int, category: str, on: date, purpose: str = COMPLAINT_HANDLING) -> bool:
    """SEC-2: is an approved agreement covering this category of data, for this purpose, in force on ``on``?"""
    try:
        granted = release(_terms_of(partner_id), purpose=purpose, today=on)
    except NoAgreementInForce:
        return False
    return category in granted.agreement_of
