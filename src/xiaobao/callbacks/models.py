from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaobao.callbacks.domain.languages import CallLanguage
from xiaobao.callbacks.domain.lifecycle import CallbackState
from xiaobao.callbacks.domain.timing import Slot
from xiaobao.privacy.fields import EncryptedTextField


class CallbackRequest(models.Model):
    """A consumer asked to be called back by a person at this insurer (MISSION INC-1, RULES.md INC-E3).

    The phone and the free texts are encrypted (SEC-1, PI-4), the phone with a blind index for rate limits and
    lookup; ``priority`` (elderly, disabled, new urban resident) and ``target_at`` order the staff queue, and
    ``first_attempt_at`` against ``late_after`` measures whether the call came in time
    (``callbacks.domain.timing``). A double press carries the same ``idempotency_key`` and finds this row.
    """

    insurer = models.ForeignKey("identity.Insurer", on_delete=models.PROTECT, related_name="+")
    consumer = models.ForeignKey("identity.Consumer", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reference = models.CharField(max_length=32, unique=True, null=True)  # noqa: DJ001  (set right after insert, from the id)
    idempotency_key = models.CharField(max_length=64)
    phone = EncryptedTextField(_("phone"))
    phone_index = models.CharField(max_length=64, db_index=True)
    slot = models.CharField(max_length=24, choices=[(s.value, s.value) for s in Slot], default=Slot.SOON.value)
    language = models.CharField(
        max_length=16, choices=[(lang.value, lang.value) for lang in CallLanguage], default=CallLanguage.MANDARIN.value
    )
    dialect = models.CharField(max_length=60, blank=True)
    note = EncryptedTextField(blank=True, default="")
    page_language = models.CharField(max_length=8, default="zh-hans")
    """The language the confirmation and any text message are written in."""
    elderly = models.BooleanField(default=False)
    disabled = models.BooleanField(default=False)
    new_urban_resident = models.BooleanField(default=False)
    priority = models.BooleanField(default=False)
    requested_at = models.DateTimeField()
    target_at = models.DateTimeField()
    late_after = models.DateTimeField()
    state = models.CharField(
        max_length=16, choices=[(s.value, s.value) for s in CallbackState], default=CallbackState.OPEN.value
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    outcome_note = EncryptedTextField(blank=True, default="")
    handled_by = models.ForeignKey("identity.Staff", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["insurer", "idempotency_key"], name="callback_request_once_per_press")
        ]
        indexes = [
            models.Index(fields=["insurer", "state", "-priority", "target_at"], name="callback_queue"),
            # the timeliness figures read these four only: answered from the index, not the table
            models.Index(
                fields=["insurer", "requested_at", "first_attempt_at", "late_after"], name="callback_timeliness"
            ),
        ]

    def __str__(self) -> str:
        return self.reference or f"call-back {self.pk}"
