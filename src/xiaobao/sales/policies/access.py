"""The one gate to policies: staff of the insurer who serve policies; a holder sees and surrenders their own."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from xiaobao.identity.access import one, tenant_scoped
from xiaobao.identity.domain.permissions import Permission
from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.sales.models import Policy, RefundDeadline, Surrender


def policies_for(actor: Actor, permission: Permission = Permission.SERVE_POLICIES) -> QuerySet[Policy]:
    """A consumer: the policies they hold; staff: their insurer's, with the permission; anyone else: none."""
    if actor.kind is ActorKind.CONSUMER:
        return Policy.objects.filter(holder_id=actor.consumer_id or 0)
    return tenant_scoped(Policy.objects.all(), actor, permission)


def policy_for(actor: Actor, policy_id: Any, *, for_update: bool = False) -> Policy:
    return one(policies_for(actor).select_related("product", "sale"), policy_id, for_update=for_update)


def surrender_of(policy: Policy, *, for_update: bool = False) -> Surrender | None:
    found = Surrender.objects.filter(policy_id=policy.pk)
    return (found.select_for_update() if for_update else found).first()


def refund_deadline_of(surrender: Surrender, *, for_update: bool = False) -> RefundDeadline | None:
    found = RefundDeadline.objects.filter(surrender_id=surrender.pk)
    return (found.select_for_update() if for_update else found).first()
