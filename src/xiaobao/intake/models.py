from __future__ import annotations

from django.db import models

from xiaobao.privacy.fields import EncryptedTextField


class MailboxPoll(models.Model):
    """When the worker last read a complaint mailbox and what it found — for /healthz and the people on call."""

    source = models.CharField(max_length=200, unique=True)
    polled_at = models.DateTimeField()
    created = models.PositiveIntegerField(default=0)
    appended = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    waiting = models.PositiveIntegerField(default=0)
    """Messages still unread after the poll (an error, or mail arriving meanwhile)."""
    error = models.CharField(max_length=500, blank=True)


class ReceivedMessage(models.Model):
    """A message already taken in from a channel (email Message-ID, call-centre call id): never twice.

    Ids are each insurer's own: one insurer's call-centre id never blocks, nor reveals, another's call.
    """

    insurer = models.ForeignKey("identity.Insurer", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=16)
    external_id = models.CharField(max_length=300)
    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["insurer", "channel", "external_id"], name="received_message_once")
        ]


class Draft(models.Model):
    """What a consumer typed into a portal form and has not sent yet (a complaint, a claim): kept a day,
    encrypted, for the one consumer who typed it — so a lapsed phone check or a closed browser loses nothing."""

    consumer = models.ForeignKey("identity.Consumer", on_delete=models.CASCADE, related_name="+")
    insurer = models.ForeignKey("identity.Insurer", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16)
    fields = EncryptedTextField()
    """The form's typed fields as JSON (files are not kept: they are chosen again)."""
    saved_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["consumer", "insurer", "kind"], name="one_draft_per_form")]
