"""The outbox: every notice to a person, its delivery attempts and its proof (CMP-N3)."""

from __future__ import annotations

import uuid

from django.db import models

from xiaobao.privacy.fields import EncryptedTextField


class Channel(models.TextChoices):
    EMAIL = "email", "email"
    SMS = "sms", "SMS"
    IN_APP = "in_app", "in app"


class Status(models.TextChoices):
    PENDING = "pending", "pending"
    SENT = "sent", "sent"
    FAILED = "failed", "failed"


class Notification(models.Model):
    """One notice. Address and text are personal data and stored encrypted.

    ``status`` moves pending → sent, or pending → failed after the last retry.
    ``proof`` is what the channel answered (message id, gateway receipt): the
    record that the notice was sent in time (CMP-N3).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    insurer = models.ForeignKey("identity.Insurer", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    consumer = models.ForeignKey("identity.Consumer", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    staff = models.ForeignKey("identity.Staff", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    """The staff member a notice is for: it is in their workbench inbox, whatever channel also carried it."""
    read_at = models.DateTimeField(null=True, blank=True)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    to_address = EncryptedTextField()
    subject = EncryptedTextField(blank=True, default="")
    body = EncryptedTextField()
    language = models.CharField(max_length=8, default="zh-hans")
    purpose = models.CharField(max_length=64)
    about_type = models.CharField(max_length=64, blank=True, default="")
    about_id = models.CharField(max_length=64, blank=True, default="")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    proof = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["staff", "read_at", "created_at"], name="notification_inbox"),
            models.Index(fields=["about_type", "about_id"], name="notification_about"),
            models.Index(fields=["status", "created_at"], name="notification_status"),
        ]


class RecordedSms(models.Model):
    """What the recording SMS gateway would have sent (development and tests).

    The idempotency key is unique: a message handed over twice is recorded once,
    as a real gateway with idempotency keys would send it once.
    """

    idempotency_key = models.CharField(max_length=64, unique=True)
    to_number = EncryptedTextField()
    body = EncryptedTextField()
    sent_at = models.DateTimeField(auto_now_add=True)
