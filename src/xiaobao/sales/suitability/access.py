"""The one gate to sales for suitability: staff of the insurer who sell; a buyer sees their own records."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from xiaobao.identity.access import one, tenant_scoped
from xiaobao.identity.domain.permissions import Permission
from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.sales.models import BuyerDeclaration, Sale, SuitabilityAssessment


def sales_for(actor: Actor, permission: Permission = Permission.SELL) -> QuerySet[Sale]:
    return tenant_scoped(Sale.objects.all(), actor, permission)


def sale_for(actor: Actor, sale_id: Any, permission: Permission = Permission.SELL, *, for_update: bool = False) -> Sale:
    return one(sales_for(actor, permission), sale_id, for_update=for_update)


def assessment_of(sale: Sale, *, for_update: bool = False) -> SuitabilityAssessment | None:
    """The assessment of a sale its caller already opened through the gate."""
    found = SuitabilityAssessment.objects.filter(sale_id=sale.pk)
    return (found.select_for_update() if for_update else found).first()


def declaration_of(assessment: SuitabilityAssessment) -> BuyerDeclaration | None:
    return BuyerDeclaration.objects.filter(assessment_id=assessment.pk).first()


def assessments_of_sales(sales: list[Sale]) -> QuerySet[SuitabilityAssessment]:
    """The assessments of sales their caller already opened through the gate (one query for a list)."""
    return SuitabilityAssessment.objects.filter(sale_id__in=[sale.pk for sale in sales])


def declared_assessment_ids(assessments: list[SuitabilityAssessment]) -> set[int]:
    found = BuyerDeclaration.objects.filter(assessment_id__in=[a.pk for a in assessments])
    return set(found.values_list("assessment_id", flat=True))


def assessments_of_buyer(actor: Actor) -> QuerySet[SuitabilityAssessment]:
    """A signed-in consumer's own assessments (the sales where they are the buyer); nobody else's."""
    if actor.kind is not ActorKind.CONSUMER or actor.consumer_id is None:
        return SuitabilityAssessment.objects.none()
    return SuitabilityAssessment.objects.filter(sale__buyer_id=actor.consumer_id)


def assessment_of_buyer(actor: Actor, assessment_id: Any) -> SuitabilityAssessment:
    return one(assessments_of_buyer(actor).select_related("sale__product", "sale__insurer"), assessment_id)
