"""A staff member's inbox: the notices addressed to them, newest first (reminders, escalations, approvals)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.kernel.errors import NotFound
from xiaobao.notifications.models import Notification


def inbox_for(actor: Actor) -> QuerySet[Notification]:
    """Only the actor's own notices, of their own insurer; nobody else's inbox, whatever their role."""
    if actor.kind is not ActorKind.STAFF or actor.staff_id is None or actor.insurer_id is None:
        return Notification.objects.none()
    return Notification.objects.filter(staff_id=actor.staff_id, insurer_id=actor.insurer_id).order_by("-created_at")


def inbox_notice_for(actor: Actor, notification_id: Any, *, for_update: bool = False) -> Notification:
    notices = inbox_for(actor)
    if for_update:
        notices = notices.select_for_update()
    try:
        return notices.get(pk=notification_id)
    except (Notification.DoesNotExist, ValueError, TypeError) as error:
        raise NotFound() from error


def unread_count(actor: Actor) -> int:
    return inbox_for(actor).filter(read_at__isnull=True).count()


def channel_told(about: Any, purpose: str, consumer_id: int) -> str | None:
    """The channel ("sms", "email", "in_app") the consumer was sent the ``purpose`` notice about ``about`` on, or
    None when nothing was sent — so a page says "we sent it by text message" only when we did."""
    found = (
        Notification.objects.filter(
            about_type=about._meta.label_lower, about_id=str(about.pk), purpose=purpose, consumer_id=consumer_id
        )
        .order_by("created_at")
        .values_list("channel", flat=True)
        .first()
    )
    return str(found) if found is not None else None
