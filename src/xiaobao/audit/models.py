"""Audit events and the heads of their chains (DESIGN.md "The audit log is the timeline")."""

from __future__ import annotations

from typing import Any

from django.db import models


class AuditEvent(models.Model):
    """One state change. Rows are never updated or deleted (a PostgreSQL trigger refuses it).

    Events of one subject form a hash chain: ``sequence`` counts from 1 and
    ``prev_hash`` is the ``hash`` of the event before (see ``chain.py``).
    """

    subject_type = models.CharField(max_length=64)
    subject_id = models.CharField(max_length=64)
    sequence = models.PositiveIntegerField()
    event_type = models.CharField(max_length=64)
    insurer_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_kind = models.CharField(max_length=16)
    actor_id = models.CharField(max_length=64)
    old_values = models.JSONField(default=dict, blank=True)
    new_values = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField()
    request_id = models.CharField(max_length=64, blank=True, default="")
    visible_to_consumer = models.BooleanField(default=False)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "sequence"], name="audit_event_chain_position"
            ),
        ]
        indexes = [models.Index(fields=["subject_type", "subject_id", "sequence"], name="audit_subject_timeline")]

    def __str__(self) -> str:
        return f"{self.subject_type}:{self.subject_id}#{self.sequence} {self.event_type}"

    def chain_content(self) -> dict[str, Any]:
        """Everything the hash covers (all columns but id and hash)."""
        return {
            "subject_type": self.subject_type,
            "subject_id": self.subject_id,
            "sequence": self.sequence,
            "event_type": self.event_type,
            "insurer_id": self.insurer_id,
            "actor_kind": self.actor_kind,
            "actor_id": self.actor_id,
            "old_values": self.old_values,
            "new_values": self.new_values,
            "occurred_at": self.occurred_at.isoformat(),
            "request_id": self.request_id,
            "visible_to_consumer": self.visible_to_consumer,
            "prev_hash": self.prev_hash,
        }


class ChainHead(models.Model):
    """The last event of each subject's chain; locking it serialises appends to one chain.

    Removing the newest event of a chain leaves the head pointing past the end,
    which is how a deleted last event is detected.
    """

    subject_type = models.CharField(max_length=64)
    subject_id = models.CharField(max_length=64)
    sequence = models.PositiveIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["subject_type", "subject_id"], name="audit_chain_head_subject")]
