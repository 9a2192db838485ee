"""Background tasks of the outbox."""

from __future__ import annotations

from django_tasks import task

from xiaobao.notifications.actions import notification_deliver


@task()
def deliver_notification(notification_id: str) -> str:
    return notification_deliver(notification_id)
