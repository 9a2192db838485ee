"""The one gate to call-back requests (RULES.md INC-E3): staff whose roles grant ``callbacks.handle`` see their own
insurer's requests and no other's. Not found and not allowed give the same answer. The person who asked sees
only the confirmation of what their own browser sent (``callback_requests_made_here``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from xiaobao.callbacks.models import CallbackRequest
from xiaobao.identity.access import one, tenant_scoped
from xiaobao.identity.domain.permissions import Permission
from xiaobao.kernel.actors import Actor


def callback_requests_for(actor: Actor) -> QuerySet[CallbackRequest]:
    return tenant_scoped(CallbackRequest.objects.all(), actor, Permission.HANDLE_CALLBACKS)


def callback_request_for(actor: Actor, request_id: Any, *, for_update: bool = False) -> CallbackRequest:
    return one(callback_requests_for(actor), request_id, for_update=for_update)


def callback_request_by_key(insurer_id: int, idempotency_key: str) -> CallbackRequest | None:
    """The request a press with this key already made (a double press, a retried form), for the action alone."""
    return CallbackRequest.objects.filter(insurer_id=insurer_id, idempotency_key=idempotency_key).first()


def callback_requests_made_here(request_ids: list[int]) -> QuerySet[CallbackRequest]:
    """The requests this browser made (their ids kept in its session): the confirmation page shows only those."""
    return CallbackRequest.objects.filter(pk__in=request_ids).select_related("insurer")
