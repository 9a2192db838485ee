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
        return chain_content_of(self)


def chain_content_of(event: Any) -> dict[str, Any]:
    """The content an event's hash covers, from anything with its columns as attributes (a row, a tuple)."""
    return {
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "sequence": event.sequence,
        "event_type": event.event_type,
        "insurer_id": event.insurer_id,
        "actor_kind": event.actor_kind,
        "actor_id": event.actor_id,
        "old_values": event.old_values,
        "new_values": event.new_values,
        "occurred_at": event.occurred_at.isoformat(),
        "request_id": event.request_id,
        "visible_to_consumer": event.visible_to_consumer,
        "prev_hash": event.prev_hash,
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
    insurer_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    """The insurer of the chain's first event: an auditor verifying all their insurer's chains also finds one
    whose every event was removed. Not covered by any hash (the chains are checked against it, not it)."""

    class Meta:
        constraints = [models.UniqueConstraint(fields=["subject_type", "subject_id"], name="audit_chain_head_subject")]


class Verification(models.Model):
    """An auditor's verification of one case's chain or of every chain of their insurer (issue #18), and its
    result. Each is the subject of its own audit chain (who asked, what was found), so recording it never
    appends to the chains it verified. Written only through ``audit.actions``."""

    CASE = "case"
    INSURER = "insurer"
    SCOPES = ((CASE, "case"), (INSURER, "insurer"))
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"
    STATES = ((PENDING, "pending"), (DONE, "done"), (FAILED, "failed"))

    insurer_id = models.BigIntegerField(db_index=True)
    scope = models.CharField(max_length=16, choices=SCOPES)
    subject_type = models.CharField(max_length=64, blank=True, default="")
    subject_id = models.CharField(max_length=64, blank=True, default="")
    reference = models.CharField(max_length=64, blank=True, default="")
    requested_by = models.CharField(max_length=64)
    """The requester's audit id (``staff:12``)."""
    requested_by_name = models.CharField(max_length=150, blank=True, default="")
    requested_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=16, choices=STATES, default=PENDING)
    intact = models.BooleanField(null=True, blank=True)
    chains = models.PositiveIntegerField(default=0)
    events = models.PositiveIntegerField(default=0)
    broken_chains = models.PositiveIntegerField(default=0)
    first_at = models.DateTimeField(null=True, blank=True)
    last_at = models.DateTimeField(null=True, blank=True)
    head_hash = models.CharField(max_length=64, blank=True, default="")
    breaks = models.JSONField(default=list, blank=True)
    """The first breaks found (at most ``actions.BREAKS_KEPT``), each as ``ChainBreak``'s fields."""
    seconds = models.FloatField(null=True, blank=True)
    exported_as = models.CharField(max_length=8, blank=True, default="")
    """The file format, when the verification was made for an export of the case's timeline."""
    idempotency_key = models.CharField(max_length=80, blank=True, default="")
    """The form's one-time token: the same press sent twice is one verification."""

    class Meta:
        indexes = [models.Index(fields=["insurer_id", "-requested_at"], name="audit_verification_recent")]
        constraints = [
            models.UniqueConstraint(
                fields=["insurer_id", "requested_by", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="audit_verification_once_per_press",
            )
        ]

    def __str__(self) -> str:
        return f"verification {self.pk} of {self.scope} {self.reference or self.insurer_id}: {self.state}"
