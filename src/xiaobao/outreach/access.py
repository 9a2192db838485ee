"""The one gate to education records (MISSION EDU-1..3): staff whose roles grant ``outreach.manage_education`` see
their own insurer's plans, events, library items and questions, and no other's. Not found and not allowed give
the same answer. The public sees published library items only, through ``published_items``."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from xiaobao.identity.access import one, tenant_scoped
from xiaobao.identity.domain.permissions import Permission
from xiaobao.kernel.actors import Actor
from xiaobao.outreach.domain.library import ItemState
from xiaobao.outreach.models import LibraryItem, LibraryText, OutreachEvent, OutreachPlan, PublicQuestion


def plans_for(actor: Actor) -> QuerySet[OutreachPlan]:
    return tenant_scoped(OutreachPlan.objects.select_related("owner"), actor, Permission.MANAGE_EDUCATION)


def plan_for(actor: Actor, plan_id: Any, *, for_update: bool = False) -> OutreachPlan:
    return one(plans_for(actor), plan_id, for_update=for_update)


def events_of(plan: OutreachPlan) -> QuerySet[OutreachEvent]:
    """The events of a plan the caller already fetched through ``plan_for``."""
    return OutreachEvent.objects.filter(plan=plan)


def items_for(actor: Actor) -> QuerySet[LibraryItem]:
    return tenant_scoped(LibraryItem.objects.all(), actor, Permission.MANAGE_EDUCATION)


def item_for(actor: Actor, item_id: Any, *, for_update: bool = False) -> LibraryItem:
    return one(items_for(actor), item_id, for_update=for_update)


def texts_of(item: LibraryItem) -> QuerySet[LibraryText]:
    """The texts of an item the caller already fetched (through ``item_for`` or ``published_item``)."""
    return LibraryText.objects.filter(item=item)


def editors_of(item: LibraryItem) -> frozenset[int | None]:
    """Who had a hand in an item the caller already fetched (EDU-2, four eyes): its writer, whoever wrote the words
    of each language as they stand, and whoever answered the public question it publishes."""
    editors: set[int | None] = {item.written_by_id}
    editors.update(LibraryText.objects.filter(item=item).values_list("saved_by_id", flat=True))
    editors.update(PublicQuestion.objects.filter(published_item=item).values_list("answered_by_id", flat=True))
    return frozenset(editors)


def question_of(item: LibraryItem, *, for_update: bool = False) -> PublicQuestion | None:
    """The public question an item the caller already fetched publishes, if any."""
    rows = PublicQuestion.objects.filter(published_item=item, insurer_id=item.insurer_id)
    return (rows.select_for_update() if for_update else rows).first()


def questions_for(actor: Actor) -> QuerySet[PublicQuestion]:
    return tenant_scoped(PublicQuestion.objects.all(), actor, Permission.MANAGE_EDUCATION)


def question_for(actor: Actor, question_id: Any, *, for_update: bool = False) -> PublicQuestion:
    return one(questions_for(actor), question_id, for_update=for_update)


def question_by_key(insurer_id: int, idempotency_key: str) -> PublicQuestion | None:
    """The question a form with this key already sent (a double press, a retried form), for the action alone."""
    return PublicQuestion.objects.filter(insurer_id=insurer_id, idempotency_key=idempotency_key).first()


def published_items() -> QuerySet[LibraryItem]:
    """What anyone may read: published items of every insurer (drafts and withdrawn items never)."""
    return LibraryItem.objects.filter(state=ItemState.PUBLISHED)


def published_item(item_id: Any) -> LibraryItem:
    return one(published_items().select_related("insurer"), item_id)
