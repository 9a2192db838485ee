"""Channel adapters. SMS leaves xiaobao through a gateway interface; the recording
gateway is the development implementation and keeps what it would have sent."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string


class DeliveryError(Exception):
    """The channel did not accept the message; the outbox will retry."""


@dataclass(frozen=True)
class Receipt:
    channel: str
    reference: str


class SmsGateway(Protocol):
    def send(self, *, to: str, body: str, idempotency_key: str) -> Receipt: ...


class RecordingSmsGateway:
    """Records each message once per idempotency key instead of sending it."""

    def send(self, *, to: str, body: str, idempotency_key: str) -> Receipt:
        from xiaobao.notifications.models import RecordedSms

        recorded, _ = RecordedSms.objects.get_or_create(
            idempotency_key=idempotency_key, defaults={"to_number": to, "body": body}
        )
        return Receipt(channel="sms", reference=f"recorded-{recorded.pk}")


@cache
def sms_gateway() -> SmsGateway:
    gateway_class = import_string(settings.XIAOBAO_SMS_GATEWAY)
    gateway: SmsGateway = gateway_class()
    return gateway


def send_email(*, to: str, subject: str, body: str, idempotency_key: str) -> Receipt:
    message_id = f"<{idempotency_key}@xiaobao>"
    message = EmailMessage(subject=subject, body=body, to=[to], headers={"Message-ID": message_id})
    try:
        message.send(fail_silently=False)
    except OSError as error:
        raise DeliveryError(str(error)) from error
    return Receipt(channel="email", reference=message_id)
