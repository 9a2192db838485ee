"""The one gate to claims: staff of the insurer with the role; a claimant sees their own claims."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from xiaobao.claims.models import Claim
from xiaobao.identity.access import one, tenant_scoped
from xiaobao.identity.domain.permissions import Permission
from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.kernel.errors import NotFound


def claims_for(actor: Actor, permission: Permission = Permission.VIEW_CLAIMS) -> QuerySet[Claim]:
    if actor.kind is ActorKind.CONSUMER and permission is Permission.VIEW_CLAIMS:
        return Claim.objects.filter(claimant_id=actor.consumer_id or 0)
    return tenant_scoped(Claim.objects.all(), actor, permission)


def claim_for(
    actor: Actor, claim_id: Any, permission: Permission = Permission.VIEW_CLAIMS, *, for_update: bool = False
) -> Claim:
    return one(claims_for(actor, permission), claim_id, for_update=for_update)


def claim_id_of_claimant(actor: Actor, reference: str) -> int:
    """The id of the consumer's own claim with this reference; NotFound for anyone else's or none."""
    if actor.kind is not ActorKind.CONSUMER:
        raise NotFound()
    found = Claim.objects.filter(reference=reference, claimant_id=actor.consumer_id or 0).values_list("pk", flat=True)
    claim_id = found.first()
    if claim_id is None:
        raise NotFound()
    return claim_id


def claim_of_claimant(actor: Actor, claim_id: Any, *, for_update: bool = False) -> Claim:
    if actor.kind is not ActorKind.CONSUMER:
        return one(Claim.objects.none(), claim_id)
    return one(Claim.objects.filter(claimant_id=actor.consumer_id or 0), claim_id, for_update=for_update)
