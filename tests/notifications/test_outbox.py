"""The outbox: queued with the change, rolled back with it, delivered once, retried with backoff."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.conftest import World
from xiaobao.audit.models import AuditEvent
from xiaobao.kernel.actors import SYSTEM
from xiaobao.notifications import gateways
from xiaobao.notifications.actions import backoff, notification_deliver, notification_queue
from xiaobao.notifications.models import Notification, RecordedSms, Status

pytestmark = pytest.mark.django_db


def _queue(channel: str = "sms", to: str = "+8613800138000", **extra: object) -> Notification:
    with transaction.atomic():
        return notification_queue(
            actor=SYSTEM,
            channel=channel,
            to_address=to,
            body="您的投诉 LN-2026-000123 已受理。",
            purpose="test",
            **extra,
        )


def _tasks_for(notification: Notification) -> list[DBTaskResult]:
    return [t for t in DBTaskResult.objects.all() if t.args_kwargs["args"] == [str(notification.pk)]]


def test_queueing_enqueues_delivery_in_the_same_transaction() -> None:
    notification = _queue()

    assert len(_tasks_for(notification)) == 1
    assert AuditEvent.objects.filter(subject_id=str(notification.pk), event_type="notification.queued").exists()


def test_a_rolled_back_change_leaves_no_notice_and_no_task() -> None:
    class ChangeFailed(Exception):
        pass

    def change_that_fails() -> None:
        with transaction.atomic():
            notification_queue(actor=SYSTEM, channel="sms", to_address="+8613800138000", body="x", purpose="test")
            raise ChangeFailed

    with pytest.raises(ChangeFailed):
        change_that_fails()

    assert (Notification.objects.count(), DBTaskResult.objects.count(), AuditEvent.objects.count()) == (0, 0, 0)


@pytest.mark.django_db(transaction=True)
def test_queueing_outside_a_transaction_is_refused() -> None:
    """Outside the change's transaction a notice could go out for a change that never happened."""
    from django.db import connection

    assert not connection.in_atomic_block
    with pytest.raises(RuntimeError):
        notification_queue(actor=SYSTEM, channel="sms", to_address="+8613800138000", body="x", purpose="t")
    assert (Notification.objects.count(), DBTaskResult.objects.count()) == (0, 0)


def test_an_sms_delivered_twice_is_sent_once() -> None:
    notification = _queue()

    assert notification_deliver(str(notification.pk)) == "sent"
    assert notification_deliver(str(notification.pk)) == "skipped"

    sent = RecordedSms.objects.get()
    assert (sent.idempotency_key, sent.to_number, sent.body) == (
        str(notification.pk),
        "+8613800138000",
        "您的投诉 LN-2026-000123 已受理。",
    )
    notification.refresh_from_db()
    assert notification.status == Status.SENT
    assert notification.proof == {"channel": "sms", "reference": f"recorded-{sent.pk}"}


def test_the_gateway_itself_records_a_repeated_hand_over_once() -> None:
    gateway = gateways.RecordingSmsGateway()
    first = gateway.send(to="+8613800138000", body="x", idempotency_key="k1")
    second = gateway.send(to="+8613800138000", body="x", idempotency_key="k1")
    assert first == second
    assert RecordedSms.objects.count() == 1


def test_an_email_delivered_twice_is_sent_once_with_its_message_id_as_proof() -> None:
    notification = _queue(channel="email", to="liming@example.com", subject="投诉已受理")

    notification_deliver(str(notification.pk))
    notification_deliver(str(notification.pk))

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["liming@example.com"]
    assert mail.outbox[0].extra_headers["Message-ID"] == f"<{notification.pk}@xiaobao>"
    notification.refresh_from_db()
    assert notification.proof["reference"] == f"<{notification.pk}@xiaobao>"


class FailingGateway:
    calls = 0

    def send(self, *, to: str, body: str, idempotency_key: str) -> gateways.Receipt:
        FailingGateway.calls += 1
        raise gateways.DeliveryError("gateway timed out")


@pytest.fixture
def failing_gateway(monkeypatch: pytest.MonkeyPatch) -> type[FailingGateway]:
    FailingGateway.calls = 0
    monkeypatch.setattr(gateways, "sms_gateway", FailingGateway)
    import xiaobao.notifications.actions as notification_actions

    monkeypatch.setattr(notification_actions, "sms_gateway", FailingGateway)
    return FailingGateway


def test_a_failed_delivery_is_retried_later_with_growing_backoff(failing_gateway: type[FailingGateway]) -> None:
    notification = _queue()
    before = timezone.now()

    assert notification_deliver(str(notification.pk)) == "retry"

    notification.refresh_from_db()
    assert (notification.status, notification.attempts, notification.last_error) == ("pending", 1, "gateway timed out")
    retries = sorted(_tasks_for(notification), key=lambda t: t.run_after)
    assert len(retries) == 2
    assert retries[-1].run_after >= before + timedelta(seconds=30)
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 20)] == [30, 60, 120, 3600]


def test_after_the_last_attempt_the_notice_is_marked_failed_and_audited(
    failing_gateway: type[FailingGateway], settings: object
) -> None:
    settings.XIAOBAO_NOTIFICATION_MAX_ATTEMPTS = 3  # type: ignore[attr-defined]
    notification = _queue()

    outcomes = [notification_deliver(str(notification.pk)) for _ in range(4)]

    assert outcomes == ["retry", "retry", "failed", "skipped"]
    assert failing_gateway.calls == 3
    assert AuditEvent.objects.filter(subject_id=str(notification.pk), event_type="notification.failed").count() == 1


def test_the_address_and_text_are_encrypted_in_the_outbox(world: World) -> None:
    from django.db import connection

    notification = _queue(insurer_id=world.ours.insurer.pk)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_address, body FROM notifications_notification WHERE id = %s", [notification.pk.hex])
        row = cursor.fetchone() or ()
    if not row:  # PostgreSQL stores the uuid natively
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_address, body FROM notifications_notification WHERE id = %s", [notification.pk])
            row = cursor.fetchone()
    assert "13800138000" not in "".join(row)
    assert "已受理" not in "".join(row)
