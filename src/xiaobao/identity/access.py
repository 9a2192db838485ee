"""The access policy: the one gate through which tenant-owned rows are read.

Tenant, role and (from the complaint app on) recusal are decided here and
nowhere else. "Not found" and "not allowed" give the same answer, so a
guessed id reveals nothing about another insurer.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import QuerySet

from xiaobao.identity.domain.branches import BranchLevel
from xiaobao.identity.domain.permissions import Permission, staff_may
from xiaobao.identity.models import (
    Branch,
    Consumer,
    Insurer,
    MediationOrganisation,
    Partner,
    PartnerKey,
    PhoneVerification,
    ServicePoint,
    Staff,
)
from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.kernel.errors import NotFound, PermissionDenied

M = TypeVar("M", bound=models.Model)


def may(actor: Actor, permission: Permission) -> bool:
    """Insurer staff with a granting role, or the system itself."""
    return actor.kind is ActorKind.SYSTEM or staff_may(actor, permission)


def require(actor: Actor, permission: Permission) -> None:
    if not may(actor, permission):
        raise PermissionDenied()


def require_for_insurer(actor: Actor, permission: Permission, insurer_id: int) -> None:
    """The system, or staff of *that* insurer whose roles grant the permission."""
    if actor.kind is ActorKind.SYSTEM:
        return
    if not staff_may(actor, permission) or actor.insurer_id != insurer_id:
        raise PermissionDenied()


def tenant_scoped(
    queryset: QuerySet[M], actor: Actor, permission: Permission, *, insurer_field: str = "insurer_id"
) -> QuerySet[M]:
    """Rows of the actor's own insurer, if the actor's roles grant ``permission``; else none."""
    if actor.kind is ActorKind.SYSTEM:
        return queryset
    if not staff_may(actor, permission):
        return queryset.none()
    return queryset.filter(**{insurer_field: actor.insurer_id})


def one(queryset: QuerySet[M], pk: Any, *, for_update: bool = False) -> M:
    """The row with this key from an already-scoped queryset, or ``NotFound``."""
    if for_update:
        queryset = queryset.select_for_update()
    try:
        return queryset.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError) as error:
        raise NotFound() from error


def intake_branch(insurer_id: int) -> Branch:
    """The branch that receives what arrives without one — complaints filed online or by email, claims made
    online: the insurer's provincial branch (the first set up, should there be several), else its top-most
    branch. One rule for every channel, so a case never lands elsewhere because of the way it came."""
    branches = Branch.objects.filter(insurer_id=insurer_id)
    branch = branches.filter(level=BranchLevel.PROVINCIAL).order_by("pk").first()
    branch = branch or branches.order_by("level", "pk").first()
    if branch is None:
        raise NotFound()
    return branch


def published_service_points(insurer_id: int) -> QuerySet[ServicePoint]:
    """An insurer's counters as published to everyone (CHN-2): public information, no actor needed."""
    return ServicePoint.objects.filter(insurer_id=insurer_id, published=True)


def insurers_for(actor: Actor) -> QuerySet[Insurer]:
    return tenant_scoped(Insurer.objects.all(), actor, Permission.VIEW_ORGANISATION, insurer_field="id")


def branches_for(actor: Actor) -> QuerySet[Branch]:
    return tenant_scoped(Branch.objects.all(), actor, Permission.VIEW_ORGANISATION)


def branches_administered_by(actor: Actor) -> QuerySet[Branch]:
    return tenant_scoped(Branch.objects.all(), actor, Permission.ADMINISTER_INSURER)


def branch_for(actor: Actor, branch_id: Any, *, for_update: bool = False) -> Branch:
    return one(branches_for(actor), branch_id, for_update=for_update)


def administered_insurer(actor: Actor, *, for_update: bool = False) -> Insurer:
    """The insurer whose settings the actor keeps: their own, if they administer it (issue #14); else NotFound."""
    insurers = tenant_scoped(Insurer.objects.all(), actor, Permission.ADMINISTER_INSURER, insurer_field="id")
    return one(insurers, actor.insurer_id, for_update=for_update)


def service_points_administered_by(actor: Actor) -> QuerySet[ServicePoint]:
    """Every counter of the actor's insurer, published or not, for its administrator."""
    return tenant_scoped(ServicePoint.objects.all(), actor, Permission.ADMINISTER_INSURER)


def service_point_for(actor: Actor, point_id: Any, *, for_update: bool = False) -> ServicePoint:
    return one(service_points_administered_by(actor), point_id, for_update=for_update)


def staff_members_for(actor: Actor, permission: Permission = Permission.VIEW_STAFF) -> QuerySet[Staff]:
    return tenant_scoped(Staff.objects.select_related("branch"), actor, permission)


def staff_member_for(
    actor: Actor, staff_id: Any, permission: Permission = Permission.VIEW_STAFF, *, for_update: bool = False
) -> Staff:
    if actor.kind is ActorKind.STAFF and str(staff_id) == str(actor.staff_id) and permission is Permission.VIEW_STAFF:
        return one(Staff.objects.all(), staff_id, for_update=for_update)  # everyone may see themselves
    return one(staff_members_for(actor, permission), staff_id, for_update=for_update)


def staff_of_user(user: Any) -> Staff | None:
    """The staff record of a signed-in account (None for the admin site's own users): for the account's own
    pages and actions, where the person is the subject and no permission is asked."""
    return Staff.objects.filter(user=user).first()


def consumers_for(actor: Actor, permission: Permission = Permission.VIEW_CONSUMER) -> QuerySet[Consumer]:
    """Staff see the consumers who deal with their insurer; a consumer sees only themself."""
    if actor.kind is ActorKind.CONSUMER and permission is Permission.VIEW_CONSUMER:
        return Consumer.objects.filter(pk=actor.consumer_id or 0)
    if actor.kind is ActorKind.SYSTEM:
        return Consumer.objects.all()
    if not staff_may(actor, permission):
        return Consumer.objects.none()
    return Consumer.objects.filter(relationships__insurer_id=actor.insurer_id or 0)


def consumer_for(
    actor: Actor, consumer_id: Any, permission: Permission = Permission.VIEW_CONSUMER, *, for_update: bool = False
) -> Consumer:
    return one(consumers_for(actor, permission), consumer_id, for_update=for_update)


def partners_for(actor: Actor, permission: Permission = Permission.VIEW_PARTNERS) -> QuerySet[Partner]:
    """Staff see their insurer's partners; a partner sees only itself."""
    if actor.kind is ActorKind.PARTNER and permission is Permission.VIEW_PARTNERS:
        return Partner.objects.filter(pk=actor.partner_id or 0)
    return tenant_scoped(Partner.objects.all(), actor, permission)


def partner_for(
    actor: Actor, partner_id: Any, permission: Permission = Permission.VIEW_PARTNERS, *, for_update: bool = False
) -> Partner:
    return one(partners_for(actor, permission), partner_id, for_update=for_update)


def partner_keys_for(actor: Actor) -> QuerySet[PartnerKey]:
    return tenant_scoped(
        PartnerKey.objects.all(), actor, Permission.MANAGE_PARTNERS, insurer_field="partner__insurer_id"
    )


def partner_key_for(actor: Actor, key_id: Any, *, for_update: bool = False) -> PartnerKey:
    return one(partner_keys_for(actor), key_id, for_update=for_update)


def mediation_organisations_for(actor: Actor) -> QuerySet[MediationOrganisation]:
    """The mediation directory is public (DSP-2: consumers are told where to go)."""
    return MediationOrganisation.objects.all()


def consumers_of_checked_phone(verification: PhoneVerification) -> list[Consumer]:
    """Every consumer record on the phone a code has just proved (ADR 0007: a person is who their verified phone
    says — the records this phone made or is on record for, and nobody else's); none for an unproved code."""
    if verification.verified_at is None:
        return []
    return list(Consumer.objects.filter(phone_index=verification.phone_index).order_by("pk"))
