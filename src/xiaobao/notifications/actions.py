"""Queue a notice inside the transaction of the change it reports; deliver it at most once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from xiaobao.audit.recorder import record
from xiaobao.kernel.actors import SYSTEM, Actor
from xiaobao.notifications import events
from xiaobao.notifications.gateways import DeliveryError, Receipt, send_email, sms_gateway
from xiaobao.notifications.models import Channel, Notification, Status


def notification_queue(
    *,
    actor: Actor,
    channel: Channel | str,
    to_address: str,
    body: str,
    purpose: str,
    subject: str = "",
    language: str = "zh-hans",
    insurer_id: int | None = None,
    consumer_id: int | None = None,
    staff_id: int | None = None,
    about: models.Model | None = None,
) -> Notification:
    """Put a notice in the outbox and enqueue its delivery, in the caller's transaction.

    If the caller's change rolls back, the notice and its task roll back with it:
    no notice for a change that did not happen, no change without its notice.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notification_queue() must run inside the transaction of the change it reports")
    notification = Notification.objects.create(
        insurer_id=insurer_id,
        consumer_id=consumer_id,
        staff_id=staff_id,
        channel=Channel(channel),
        to_address=to_address,
        subject=subject,
        body=body,
        language=language,
        purpose=purpose,
        about_type=about._meta.label_lower if about is not None else "",
        about_id=str(about.pk) if about is not None else "",
    )
    record(
        event_type=events.NOTIFICATION_QUEUED,
        actor=actor,
        subject=notification,
        insurer_id=insurer_id,
        new={"channel": notification.channel, "purpose": purpose},
        first=True,
    )
    from xiaobao.notifications.tasks import deliver_notification

    deliver_notification.enqueue(str(notification.pk))
    return notification


def backoff(attempt: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min … capped at one hour."""
    base = settings.XIAOBAO_NOTIFICATION_BACKOFF_SECONDS
    return timedelta(seconds=min(base * 2 ** max(attempt - 1, 0), 3600))


def notification_deliver(notification_id: str) -> str:
    """Deliver one notice. Safe to call twice: a sent notice is never sent again.

    The row is locked for the attempt so two workers cannot both send it, and
    the channel gets the notice id as idempotency key.
    """
    retry_at = None
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None or notification.status != Status.PENDING:
            return "skipped"
        notification.attempts += 1
        try:
            receipt = _send(notification)
        except DeliveryError as error:
            notification.last_error = str(error)[:1000]
            if notification.attempts >= settings.XIAOBAO_NOTIFICATION_MAX_ATTEMPTS:
                notification.status = Status.FAILED
                record(
                    event_type=events.NOTIFICATION_FAILED,
                    actor=SYSTEM,
                    subject=notification,
                    insurer_id=notification.insurer_id,
                    new={"attempts": notification.attempts},
                )
            else:
                retry_at = timezone.now() + backoff(notification.attempts)
            notification.save(update_fields=["attempts", "last_error", "status"])
        else:
            notification.status = Status.SENT
            notification.sent_at = timezone.now()
            notification.proof = {"channel": receipt.channel, "reference": receipt.reference}
            notification.save(update_fields=["attempts", "status", "sent_at", "proof"])
            record(
                event_type=events.NOTIFICATION_SENT,
                actor=SYSTEM,
                subject=notification,
                insurer_id=notification.insurer_id,
                new={"proof": notification.proof},
            )
            return "sent"
        if retry_at is not None:
            from xiaobao.notifications.tasks import deliver_notification

            deliver_notification.using(run_after=retry_at).enqueue(str(notification.pk))
            return "retry"
    return "failed"


def _send(notification: Notification) -> Receipt:
    key = str(notification.pk)
    if notification.channel == Channel.SMS:
        return sms_gateway().send(to=notification.to_address, body=notification.body, idempotency_key=key)
    if notification.channel == Channel.EMAIL:
        return send_email(
            to=notification.to_address, subject=notification.subject, body=notification.body, idempotency_key=key
        )
    return Receipt(channel="in_app", reference=key)


@dataclass(frozen=True)
class NoticeFooter:
    """What ends every notice about a case (issue #15, INC-1): the link back to it, and a person to talk to —
    the hotline, and the page that asks us to call back."""

    case_path: str
    hotline: str = ""
    call_back_path: str = ""


def tell_consumer(
    *,
    actor: Actor,
    consumer: Any,
    template: str,
    subject: str,
    subject_params: dict[str, object],
    purpose: str,
    insurer_id: int | None,
    about: models.Model,
    footer: NoticeFooter | None = None,
    **context: object,
) -> Notification:
    """Render ``template`` and ``subject`` (a msgid) in the consumer's language and queue it on their channel;
    with ``footer``, the notice ends with the link to the case and how to reach a person."""
    from django.template.loader import render_to_string
    from django.utils import translation
    from django.utils.translation import gettext

    channel, address = preferred_address(consumer)
    with translation.override(consumer.preferred_language):
        body = render_to_string(template, {"about": about, **context}).strip()
        if footer is not None:
            site = settings.XIAOBAO_PUBLIC_URL
            body += (
                "\n"
                + render_to_string(
                    "notifications/footer.txt",
                    {
                        "case_url": site + footer.case_path,
                        "hotline": footer.hotline,
                        "call_back_url": site + footer.call_back_path if footer.call_back_path else "",
                    },
                ).rstrip()
            )
        rendered_subject = gettext(subject) % subject_params
    return notification_queue(
        actor=actor,
        channel=channel,
        to_address=address,
        subject=rendered_subject,
        body=body,
        purpose=purpose,
        language=consumer.preferred_language,
        insurer_id=insurer_id,
        consumer_id=consumer.pk,
        about=about,
    )


def tell_staff(
    *, actor: Actor, staff: Any, reference: str, purpose: str, body: str, insurer_id: int, about: models.Model
) -> None:
    """Staff notices go to the workbench inbox (in-app) and, when the account has one, to email."""
    for member in staff:
        email = member.user.email
        notification_queue(
            actor=actor,
            channel=Channel.EMAIL if email else Channel.IN_APP,
            to_address=email or f"staff:{member.pk}",
            subject=f"{reference}: {purpose}",
            body=body,
            purpose=purpose,
            insurer_id=insurer_id,
            staff_id=member.pk,
            about=about,
        )


@transaction.atomic
def notification_mark_read(*, actor: Actor, notification_id: str) -> None:
    """A staff member has read a notice in their inbox (bookkeeping of their own inbox; nothing else changes)."""
    from xiaobao.notifications.selectors import inbox_notice_for

    notice = inbox_notice_for(actor, notification_id, for_update=True)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])


def preferred_address(consumer: Any) -> tuple[Channel, str]:
    """The consumer's preferred channel when we hold its address, else SMS, else in-app (CMP-N3 proof either way)."""
    if consumer.preferred_channel == Channel.EMAIL and consumer.email:
        return Channel.EMAIL, consumer.email
    if consumer.preferred_channel in {Channel.SMS, Channel.EMAIL} and consumer.phone:
        return Channel.SMS, consumer.phone
    return Channel.IN_APP, f"consumer:{consumer.pk}"
