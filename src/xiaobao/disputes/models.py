"""Mediation of complaints by outside organisations and the judicial confirmation of their agreements
(DSP-1, DSP-3; issue #17): the insurer's data-sharing agreement with an organisation, the consumer's consent,
the referral and its shared file, the clocks, the court's result and the insurer's performance.

Read through ``disputes.access``; write through ``disputes.actions``.
"""

from __future__ import annotations

from django.db import models

from xiaobao.casework.clocks import ReminderSentBase, StatutoryClock
from xiaobao.disputes.domain.mediation import CourtResult, ReferralState
from xiaobao.privacy.fields import EncryptedTextField


class SharingAgreement(models.Model):
    """The insurer's data-sharing agreement with one mediation organisation (DSP-1, PI-3): a case is referred only
    while one is in force (docs/adr/0017-mediation-referrals.md: privacy's partner agreements name a partner of
    the insurer, which an organisation is not)."""

    insurer = models.ForeignKey("identity.Insurer", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "identity.MediationOrganisation", on_delete=models.PROTECT, related_name="sharing_agreements"
    )
    reference = models.CharField(max_length=64)
    valid_from = models.DateField()
    valid_until = models.DateField()
    recorded_by = models.ForeignKey("identity.Staff", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["insurer", "organisation", "reference"], name="mediation_sharing_agreement_once"
            )
        ]


class Consent(models.Model):
    """The complainant's consent to mediation (DSP-1): the organisation they chose (none: the insurer chooses
    among those in scope) and what may be shared. The latest row of a complaint is the one in force."""

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.PROTECT, related_name="+")
    consumer = models.ForeignKey("identity.Consumer", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "identity.MediationOrganisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    shared = models.JSONField(default=list)
    """``disputes.domain.mediation.Shared`` values."""
    documents = models.JSONField(default=list)
    """Ids of the complaint's attachments the complainant chose to share."""
    given_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["complaint", "given_at"], name="mediation_consent_latest")]


class Referral(models.Model):
    """A complaint referred to a mediation organisation (DSP-1), with exactly what is shared, and its outcome.

    While it is open the complaint's clock stands paused (CMP-T4) when one was running (``paused_clock``)."""

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.PROTECT, related_name="+")
    insurer = models.ForeignKey("identity.Insurer", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "identity.MediationOrganisation", on_delete=models.PROTECT, related_name="referrals"
    )
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="+")
    agreement = models.ForeignKey(SharingAgreement, on_delete=models.PROTECT, related_name="+")
    shared = models.JSONField(default=list)
    documents = models.JSONField(default=list)
    note = models.CharField(max_length=500, blank=True, default="")
    state = models.CharField(
        max_length=16, choices=[(s.value, s.value) for s in ReferralState], default=ReferralState.REFERRED.value
    )
    referred_by = models.ForeignKey("identity.Staff", on_delete=models.PROTECT, related_name="+")
    referred_at = models.DateTimeField()
    referred_on = models.DateField()
    paused_clock = models.BooleanField(default=False)
    accepted_by = models.ForeignKey(
        "identity.Mediator", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accepted_on = models.DateField(null=True, blank=True)
    outcome_by = models.ForeignKey(
        "identity.Mediator", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome_on = models.DateField(null=True, blank=True)
    terms = EncryptedTextField(blank=True, default="")
    """The agreement's terms as the mediator recorded them (the parties' own words: kept encrypted)."""
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    effective_on = models.DateField(null=True, blank=True)
    """The day the agreement takes effect (signed by both parties): the start of the 30 days of DSP-3."""

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "state"], name="referral_organisation_state"),
            models.Index(fields=["insurer", "referred_on"], name="referral_insurer_referred"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint"],
                condition=models.Q(state__in=["referred", "accepted"]),
                name="one_open_referral_per_complaint",
            )
        ]

    def __str__(self) -> str:
        return f"referral {self.pk}"


class Confirmation(models.Model):
    """Judicial confirmation of a mediation agreement (DSP-3): the 30-day window to apply (Civil Procedure Law
    Art.205), the bundle produced for the court, the application and the court's ruling."""

    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="confirmation")
    window_ends = models.DateField()
    bundle_made_at = models.DateTimeField(null=True, blank=True)
    applied_on = models.DateField(null=True, blank=True)
    court = models.CharField(max_length=200, blank=True, default="")
    result = models.CharField(max_length=12, choices=[(r.value, r.value) for r in CourtResult], blank=True, default="")
    ruled_on = models.DateField(null=True, blank=True)
    ruling_number = models.CharField(max_length=100, blank=True, default="")


class Performance(models.Model):
    """What the insurer must do under the agreement and by when (DSP-3), followed until done with evidence."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="performances")
    what = models.CharField(max_length=500)
    due = models.DateField()
    recorded_by = models.ForeignKey("identity.Staff", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    performed_on = models.DateField(null=True, blank=True)
    evidence = models.FileField(upload_to="disputes/%Y/%m/", blank=True)
    evidence_name = EncryptedTextField(blank=True, default="")
    evidence_type = models.CharField(max_length=64, blank=True, default="")
    evidence_sha256 = models.CharField(max_length=64, blank=True, default="")
    evidence_note = models.CharField(max_length=500, blank=True, default="")


class Clock(StatutoryClock):
    """A clock of the mediation (DSP-1: its own period), of the court window (DSP-3: Art.205) or of the
    insurer's performance (DSP-3), run by the shared sweep: reminded before, escalated once late."""

    MEDIATION, APPLICATION, PERFORMANCE = "mediation", "application", "performance"

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="clocks")
    kind = models.CharField(max_length=12, choices=[(k, k) for k in (MEDIATION, APPLICATION, PERFORMANCE)])
    performance = models.OneToOneField(
        Performance, on_delete=models.PROTECT, null=True, blank=True, related_name="clock"
    )

    class Meta:
        indexes = [models.Index(fields=["active", "state", "due"], name="mediation_clock_sweep")]


class MediationReminderSent(ReminderSentBase):
    """A reminder or escalation already sent for a mediation clock."""

    deadline = models.ForeignKey(Clock, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["deadline", "kind"], name="mediation_reminder_once")]
