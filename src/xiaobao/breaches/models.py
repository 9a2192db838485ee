"""A personal-data breach, the consumers it affected (frozen at assessment) and the one notice each was sent.

Read through ``breaches.access``; write through ``breaches.actions``.
"""

from __future__ import annotations

from django.db import models

from xiaobao.breaches.domain.incidents import IncidentState, SourceKind


class Incident(models.Model):
    """A breach of personal data at one insurer (SEC-3, PI-5; PIPL Art.57): what happened, when it was found,
    the window and source of exposure, the kinds of data, its cause and possible harm, the remedy taken, what the
    consumers can do and whom they can reach. States in ``breaches.domain.incidents.STEPS``."""

    insurer = models.ForeignKey("identity.Insurer", on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=32, unique=True, null=True)  # noqa: DJ001  (set right after insert)
    state = models.CharField(
        max_length=16, choices=[(s.value, s.value) for s in IncidentState], default=IncidentState.OPEN.value
    )
    summary = models.TextField()
    discovered_at = models.DateTimeField()
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    source_kind = models.CharField(max_length=16, choices=[(s.value, s.value) for s in SourceKind])
    source_staff = models.ForeignKey(
        "identity.Staff", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_partner = models.ForeignKey(
        "identity.Partner", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_partner_key = models.ForeignKey(
        "identity.PartnerKey", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    data_types = models.JSONField(default=list)
    cause = models.TextField()
    harm = models.TextField()
    remediation = models.TextField()
    consumer_steps = models.TextField()
    contact = models.CharField(max_length=300)
    opened_by = models.ForeignKey("identity.Staff", on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField()
    assessed_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["insurer", "state"], name="incident_insurer_state")]

    def __str__(self) -> str:
        return self.reference or f"incident {self.pk}"

    @property
    def source_id(self) -> int | None:
        return self.source_staff_id or self.source_partner_id or self.source_partner_key_id


class AffectedConsumer(models.Model):
    """One consumer the incident affected, found when it was assessed and never recomputed: who was told is who
    was found then. ``data_types`` are the kinds of their data exposed; ``evidence`` the logs that say so."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="affected")
    consumer = models.ForeignKey("identity.Consumer", on_delete=models.PROTECT, related_name="+")
    data_types = models.JSONField(default=list)
    evidence = models.JSONField(default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["incident", "consumer"], name="affected_once_per_incident")]


class IncidentNotice(models.Model):
    """The notice an affected consumer was sent (PI-5), once per incident and consumer — the constraint holds it
    even against two notifications at once. The outbox row is the proof of delivery."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="notices")
    consumer = models.ForeignKey("identity.Consumer", on_delete=models.PROTECT, related_name="+")
    notification = models.OneToOneField("notifications.Notification", on_delete=models.PROTECT, related_name="+")
    queued_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["incident", "consumer"], name="breach_notice_once")]
