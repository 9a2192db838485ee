"""Records about personal data: who saw it in full, and under which partner agreement it may travel."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PersonalDataAccess(models.Model):
    """One reveal of a full personal value (SEC-1, PI-4): who, whose, which field, why, when."""

    insurer = models.ForeignKey("identity.Insurer", on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey("identity.Staff", on_delete=models.PROTECT, related_name="+")
    consumer = models.ForeignKey("identity.Consumer", on_delete=models.PROTECT, related_name="+")
    field = models.CharField(max_length=32)
    reason = models.CharField(max_length=300)
    at = models.DateTimeField(auto_now_add=True)
    request_id = models.CharField(max_length=64, blank=True)


class DataSharingAgreement(models.Model):
    """A partner's agreement limiting use of consumer data to complaint handling (SEC-2, PI-3).

    Partners receive consumer data only while an agreement covering the data
    category is in force.
    """

    insurer = models.ForeignKey("identity.Insurer", on_delete=models.PROTECT, related_name="+")
    partner = models.ForeignKey("identity.Partner", on_delete=models.PROTECT, related_name="agreements")
    reference = models.CharField(_("agreement reference"), max_length=64)
    purpose = models.CharField(_("purpose"), max_length=300)
    data_categories = models.JSONField(_("data categories"), default=list)
    valid_from = models.DateField()
    valid_until = models.DateField()
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["insurer", "reference"], name="agreement_reference_once")]
