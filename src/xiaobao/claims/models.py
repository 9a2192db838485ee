"""Claims, their document checklists, documents, requests, clocks, and declared emergencies.

Read through ``claims.access``; write through ``claims.actions``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaobao.casework.clocks import ReminderSentBase, StatutoryClock
from xiaobao.casework.receipts import ReceiptBase, receipt_constraints, receipt_indexes
from xiaobao.claims.domain.lifecycle import ClaimState
from xiaobao.privacy.fields import EncryptedTextField


class ChecklistItem(models.Model):
    """A document a claim of this product line and type needs, with its plain-language explanation (CLM-T1).
    `waivable_in_green_channel` marks what the insurer may waive.

    A row with no ``insurer`` is the platform's checklist, kept by the platform's administrators (admin site);
    an insurer that keeps its own checklist for a kind has rows of its own, which then replace the platform's
    for its claims (``claims.access.checklist_of``). ``name``/``explanation`` are in Simplified Chinese; other
    languages are ``ChecklistItemWording`` rows."""

    insurer = models.ForeignKey(
        "identity.Insurer", on_delete=models.PROTECT, null=True, blank=True, related_name="checklist_items"
    )
    product_line = models.CharField(max_length=32)
    claim_type = models.CharField(max_length=32)
    code = models.SlugField(max_length=40)
    name = models.CharField(_("name"), max_length=100)
    explanation = models.CharField(_("explanation"), max_length=300)
    required = models.BooleanField(default=True)
    waivable_in_green_channel = models.BooleanField(default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["product_line", "claim_type", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["product_line", "claim_type", "code"],
                condition=models.Q(insurer__isnull=True),
                name="checklist_item_once",
            ),
            models.UniqueConstraint(
                fields=["insurer", "product_line", "claim_type", "code"],
                condition=models.Q(insurer__isnull=False),
                name="checklist_item_once_per_insurer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_line}/{self.claim_type}: {self.name}"


class ChecklistItemWording(models.Model):
    """What a checklist item is called and how it is explained in another language than Simplified Chinese
    (a consumer reads the checklist in their own language, CMP-I2)."""

    item = models.ForeignKey(ChecklistItem, on_delete=models.CASCADE, related_name="wordings")
    language = models.CharField(max_length=8)
    name = models.CharField(_("name"), max_length=100)
    explanation = models.CharField(_("explanation"), max_length=300)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "language"], name="checklist_wording_once")]


class Claim(models.Model):
    """A request for payment under a policy (CLM-1). Personal data encrypted; green-channel reasons kept."""

    insurer = models.ForeignKey("identity.Insurer", on_delete=models.PROTECT, related_name="claims")
    handling_branch = models.ForeignKey("identity.Branch", on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=32, unique=True, null=True)  # noqa: DJ001  (set right after insert)
    access_code_hash = models.CharField(max_length=64, blank=True, default="")
    """With the reference, the 8-digit code in the claimant's first message opens the claim online (CMP-2)."""
    policy_number = EncryptedTextField()
    product_line = models.CharField(max_length=32)
    claim_type = models.CharField(max_length=32)
    claimant = models.ForeignKey("identity.Consumer", on_delete=models.PROTECT, related_name="claims")
    beneficiary_name = EncryptedTextField(blank=True, default="")
    incident_date = models.DateField()
    incident_region = models.CharField(max_length=6)
    description = EncryptedTextField()
    amount_claimed = models.DecimalField(max_digits=12, decimal_places=2)
    reported_at = models.DateTimeField()
    received_on = models.DateField()
    state = models.CharField(max_length=24, default=ClaimState.REPORTED.value)
    simple = models.BooleanField(default=True)
    contract_decision_days = models.PositiveSmallIntegerField(null=True, blank=True)
    green_channel = models.JSONField(default=list, blank=True)
    home_visit_requested = models.BooleanField(default=False)
    home_visit_on = models.DateField(null=True, blank=True)
    home_visit_note = EncryptedTextField(blank=True, default="")
    paused_on = models.DateField(null=True, blank=True)
    pause_reason = EncryptedTextField(blank=True, default="")
    """What the claim waits for, in staff's words (kept here, not in the audit log: docs/adr/0015)."""
    adjuster = models.ForeignKey("identity.Staff", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    documents_complete_on = models.DateField(null=True, blank=True)
    agreed_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    paid_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    advance_paid_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    refusal_reasons = EncryptedTextField(blank=True, default="")
    refusal_basis = EncryptedTextField(blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["insurer", "state"], name="claim_insurer_state")]

    def __str__(self) -> str:
        return self.reference or f"claim {self.pk}"


class ClaimDocument(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="documents")
    item_code = models.SlugField(max_length=40)
    file = models.FileField(upload_to="claims/%Y/%m/")
    original_name = EncryptedTextField()
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    received_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["claim", "item_code", "sha256"], name="claim_document_once"),
        ]


class DocumentRequest(models.Model):
    """One request for documents (CLM-T1): the first lists everything; later ones carry their new fact."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="document_requests")
    items = models.JSONField()
    new_fact = models.TextField(blank=True, default="")
    requested_at = models.DateTimeField()
    requested_by = models.CharField(max_length=64)


class ClaimDeadline(StatutoryClock):
    """One statutory clock of a claim (CLM-T2..T6), with the green channel's shorter internal target."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="deadlines")
    clock = models.CharField(max_length=24)
    length = models.PositiveSmallIntegerField()
    target = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["insurer_id_copy", "active", "due"], name="claim_deadline_queue")]


class ClaimReminderSent(ReminderSentBase):
    """A reminder or escalation already sent for a claim's clock, so the sweep sends each once."""

    deadline = models.ForeignKey(ClaimDeadline, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["deadline", "kind"], name="claim_reminder_once")]


class Emergency(models.Model):
    """A declared major emergency (CLM-2): claims inside its area and dates go to the green channel."""

    name = models.CharField(max_length=200)
    region_prefixes = models.JSONField()
    first_day = models.DateField()
    last_day = models.DateField()
    declared_at = models.DateTimeField()


class ClaimReceipt(ReceiptBase):
    """A claim reported through the API and acknowledged, not yet registered: write-behind intake (issue #20,
    ADR 0023 and its addendum). The request writes this one row and answers with ``CL-2026-W000123``;
    ``manage.py run_intake`` registers the claim from it through ``claims.actions`` (the clocks CLM-T5/T6 from
    ``received_at``, the green channel, the audit event, the notice) and marks it done in the same transaction."""

    REFERENCE_PREFIX, REFERENCE_MARK = "CL", "W"

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        constraints = receipt_constraints("claim_receipt")
        indexes = receipt_indexes("claim_receipt")


class DocumentReceipt(ReceiptBase):
    """A claim document sent through the API and acknowledged, not yet attached (``CL-2026-D000123``).

    The request stores the file first, encrypted, under ``claims/incoming/`` (``staged_file``), then writes this
    one row naming it; the worker attaches it through ``claims.actions.claim_receive_document`` (the checklist,
    the decision clock from ``received_at`` once nothing is missing, the audit events, the notice), marks the
    receipt done and deletes the staged copy once that commits. A staged file no owed receipt names (its
    request died before the row was written, or its receipt is done) is removed by ``upload_orphans --delete``
    after the grace period."""

    REFERENCE_PREFIX, REFERENCE_MARK = "CL", "D"

    staged_file = models.CharField(max_length=200)
    document = models.ForeignKey(ClaimDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        constraints = receipt_constraints("document_receipt")
        indexes = receipt_indexes("document_receipt")
