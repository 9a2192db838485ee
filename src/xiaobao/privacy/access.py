"""Reads of privacy records go through here."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from xiaobao.identity.access import tenant_scoped
from xiaobao.identity.domain.permissions import Permission
from xiaobao.kernel.actors import Actor
from xiaobao.privacy.models import DataSharingAgreement, PersonalDataAccess


def personal_data_accesses_for(actor: Actor) -> QuerySet[PersonalDataAccess]:
    return tenant_scoped(PersonalDataAccess.objects.all(), actor, Permission.VIEW_PERSONAL_DATA_LOG)


def agreements_for(actor: Actor, permission: Permission = Permission.VIEW_PARTNERS) -> QuerySet[DataSharingAgreement]:
    return tenant_scoped(DataSharingAgreement.objects.all(), actor, permission)


def partner_may_receive(*, partner_id: int, category: str, on: date) -> bool:
    """SEC-2: is an agreement covering this category of data in force for the partner today?"""
    in_force = DataSharingAgreement.objects.filter(partner_id=partner_id, valid_from__lte=on, valid_until__gte=on)
    return any(category in agreement.data_categories for agreement in in_force)
