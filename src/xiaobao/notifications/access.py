"""Reads of the outbox: staff who handle cases see their insurer's notices."""

from __future__ import annotations

from django.db.models import QuerySet

from xiaobao.identity.access import tenant_scoped
from xiaobao.identity.domain.permissions import Permission
from xiaobao.kernel.actors import Actor
from xiaobao.notifications.models import Notification


def notifications_for(actor: Actor) -> QuerySet[Notification]:
    return tenant_scoped(Notification.objects.all(), actor, Permission.VIEW_NOTIFICATIONS)
