"""Background tasks of the outbox."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from xiaobao.notifications.actions import notification_deliver
from xiaobao.notifications.selectors import pending_notification_ids

logger = logging.getLogger("xiaobao.notifications")


@task()
def deliver_notification(notification_id: str) -> str:
    return notification_deliver(notification_id)


RESEND_GRACE_SECONDS = 30
"""A notice younger than this may still be on its way to the queue (its transaction has just committed)."""


@task()
def resend_lost_notifications() -> int:
    """Enqueue again every pending notice no job in the queue stands for; how many (issue #20, ADR 0022).

    Only the Redis queue loses jobs (a restart without its data, an evicted key): the database queue keeps
    them in the same database as the notices. Delivery is idempotent (``notification_deliver`` locks the row
    and skips a notice already sent), so a notice enqueued twice is still sent once.
    """
    if settings.XIAOBAO_TASK_QUEUE != "redis":
        return 0
    from xiaobao.ops import task_queue  # RQ is loaded only where it is used

    created_before = timezone.now() - timedelta(seconds=RESEND_GRACE_SECONDS)
    pending = pending_notification_ids(created_before=created_before)
    if not pending:
        return 0
    in_flight = task_queue.first_arguments_in_flight(deliver_notification.module_path)
    lost = [notification_id for notification_id in pending if notification_id not in in_flight]
    for notification_id in lost:
        deliver_notification.enqueue(notification_id)
    if lost:
        logger.warning("outbox: %d pending notice(s) had no job in the queue; enqueued again", len(lost))
    return len(lost)
