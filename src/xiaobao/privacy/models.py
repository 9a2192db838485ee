"""Records about personal data: who saw it in full, under which partner agreement it may travel, and what each
partner read."""

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
    at = models.DateTimeField()  # the application clock's now, as every action's
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [models.Index(fields=["consumer", "-at"], name="data_access_consumer_at")]


class DataSharingAgreement(models.Model):
    """A partner's agreement on the consumer data it may receive (SEC-2, PI-3): purpose, data types, method, term
    and protection measures, recorded by one person and approved by another.

    Partners receive consumer data only while an approved agreement covering the data category, for the purpose
    the data is asked for, is in force (``privacy.domain.agreements.release``); ending it early cuts access at
    once.
    """

    insurer = models.ForeignKey("identity.Insurer", on_delete=models.PROTECT, related_name="+")
    partner = models.ForeignKey("identity.Partner", on_delete=models.PROTECT, related_name="agreements")
    reference = models.CharField(_("agreement reference"), max_length=64)
    purpose = models.CharField(_("purpose"), max_length=32, default="complaint_handling")
    purpose_detail = models.CharField(_("purpose, as the agreement words it"), max_length=300)
    data_categories = models.JSONField(_("data categories"), default=list)
    method = models.CharField(_("method"), max_length=32, default="partner_api")
    protection_measures = models.TextField(_("protection measures"), blank=True, default="")
    valid_from = models.DateField()
    valid_until = models.DateField()
    signed_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey("identity.Staff", on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey("identity.Staff", on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey("identity.Staff", on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    end_reason = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["insurer", "reference"], name="agreement_reference_once")]
        indexes = [models.Index(fields=["partner", "valid_until"], name="agreement_partner_until")]


class PartnerDataRead(models.Model):
    """One read of a consumer's data by a partner through the API (SEC-2, PI-4): who (the partner and its key),
    whose data, which categories, why (the agreement and its purpose), when, in which request."""

    insurer = models.ForeignKey("identity.Insurer", on_delete=models.PROTECT, related_name="+")
    partner = models.ForeignKey("identity.Partner", on_delete=models.PROTECT, related_name="+")
    partner_key = models.ForeignKey("identity.PartnerKey", on_delete=models.PROTECT, related_name="+", null=True)
    consumer = models.ForeignKey("identity.Consumer", on_delete=models.PROTECT, related_name="+")
    agreement = models.ForeignKey(DataSharingAgreement, on_delete=models.PROTECT, related_name="reads")
    purpose = models.CharField(max_length=32)
    categories = models.JSONField(default=list)
    record = models.CharField(max_length=64, help_text="what was read, e.g. the complaint's reference")
    at = models.DateTimeField(db_index=True)
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [models.Index(fields=["consumer", "-at"], name="partner_read_consumer_at")]
