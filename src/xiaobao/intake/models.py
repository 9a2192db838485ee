from __future__ import annotations

from django.db import models


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
