"""A consumer's requests about their data, and the record that a person's data was erased.

Read through ``rights.access``; write through ``rights.actions``.
"""

from __future__ import annotations

from django.db import models

from xiaobao.privacy.fields import EncryptedTextField
from xiaobao.rights.domain.requests import CorrectableField, RequestKind, RequestState


class DataRequest(models.Model):
    """A consumer's request to correct or delete their data (PIPL Art.46, Art.47), one per insurer holding it:
    each insurer answers for its own records by ``due`` (``rights.domain.requests``). The corrected value and the
    consumer's note are personal data and kept encrypted; the refusal's reasons are what the consumer reads."""

    insurer = models.ForeignKey("identity.Insurer", on_delete=models.PROTECT, related_name="+")
    consumer = models.ForeignKey("identity.Consumer", on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=32, unique=True, null=True)  # noqa: DJ001  (set right after insert, from the id)
    kind = models.CharField(max_length=16, choices=[(k.value, k.value) for k in RequestKind])
    field = models.CharField(
        max_length=16, blank=True, default="", choices=[(f.value, f.value) for f in CorrectableField]
    )
    new_value = EncryptedTextField(blank=True, default="")
    note = EncryptedTextField(blank=True, default="")
    state = models.CharField(
        max_length=16, choices=[(s.value, s.value) for s in RequestState], default=RequestState.OPEN.value
    )
    requested_at = models.DateTimeField()
    due = models.DateField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey("identity.Staff", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    refusal_reasons = EncryptedTextField(blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["insurer", "state", "due"], name="data_request_queue")]

    def __str__(self) -> str:
        return self.reference or f"data request {self.pk}"


class Erasure(models.Model):
    """The personal data of a consumer was erased: everything one insurer held (a granted deletion request), or
    everything, the person's own record included (retention ended, or the last insurer granted deletion).
    Holds no personal data itself; the consumer row it points at is anonymised."""

    RETENTION, REQUEST = "retention", "request"

    consumer = models.ForeignKey("identity.Consumer", on_delete=models.PROTECT, related_name="+")
    insurer = models.ForeignKey("identity.Insurer", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    """The insurer whose records were erased; None when the person's own record was erased too."""
    why = models.CharField(max_length=16, choices=[(RETENTION, RETENTION), (REQUEST, REQUEST)])
    erased_at = models.DateTimeField()
    counts = models.JSONField(default=dict)
    """How many rows of each kind were cleared and files deleted."""

    class Meta:
        indexes = [models.Index(fields=["consumer", "insurer"], name="erasure_of_consumer")]
