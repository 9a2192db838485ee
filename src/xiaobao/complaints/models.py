"""The complaint record and what hangs from it: deadlines, pauses, extensions, conflicts, partner forwards.

Read through ``complaints.access``; write through ``complaints.actions``.
"""

from __future__ import annotations

from django.db import models

from xiaobao.casework.clocks import ReminderSentBase, StatutoryClock
from xiaobao.casework.receipts import ReceiptBase, receipt_constraints, receipt_indexes
from xiaobao.complaints.domain.classification import Channel, ProductLine, Reason
from xiaobao.complaints.domain.clocks import Complexity
from xiaobao.complaints.domain.decisions import Outcome, Remedy
from xiaobao.complaints.domain.lifecycle import State
from xiaobao.complaints.domain.receipts import MARK as RECEIPT_MARK
from xiaobao.complaints.domain.receipts import PREFIX as RECEIPT_PREFIX
from xiaobao.privacy.fields import EncryptedTextField


def _choices(enum: type) -> list[tuple[str, str]]:
    return [(member.value, member.value) for member in enum]  # type: ignore[attr-defined]


class Complaint(models.Model):
    """A consumer complaint (CMP-1..3, CMP-A1). Free text is personal data and stored encrypted.

    ``received_on`` is the statutory start (CMP-T1, CMP-T7): for a letter, an
    email read late or a complaint forwarded by the regulator it is earlier
    than ``registered_at``, and both are kept.
    """

    insurer = models.ForeignKey("identity.Insurer", on_delete=models.PROTECT, related_name="complaints")
    handling_branch = models.ForeignKey("identity.Branch", on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=32, unique=True, null=True)  # noqa: DJ001  (set right after insert, from the id)
    channel = models.CharField(max_length=16, choices=_choices(Channel))
    received_at = models.DateTimeField()
    received_on = models.DateField()
    registered_at = models.DateTimeField()
    complainant = models.ForeignKey("identity.Consumer", on_delete=models.PROTECT, related_name="complaints")
    policy_number = EncryptedTextField(blank=True, default="")
    policy_number_index = models.CharField(max_length=64, blank=True, default="")
    """The blind index of the normalised policy number (empty when none was given): the queue finds a case by
    its policy number without the database holding it."""
    claim_reference = models.CharField(max_length=64, blank=True, default="")
    product_line = models.CharField(max_length=32, choices=_choices(ProductLine))
    reason = models.CharField(max_length=32, choices=_choices(Reason))
    description = EncryptedTextField()
    requested_outcome = EncryptedTextField(blank=True, default="")
    complexity = models.CharField(max_length=24, choices=_choices(Complexity), default=Complexity.SIMPLE.value)
    elderly = models.BooleanField(default=False)
    disabled = models.BooleanField(default=False)
    new_urban_resident = models.BooleanField(default=False)
    group_size = models.PositiveIntegerField(default=1)
    major_emergency = models.BooleanField(default=False)
    involved_staff = models.ManyToManyField("identity.Staff", blank=True, related_name="+")
    involved_partners = models.ManyToManyField("identity.Partner", blank=True, related_name="+")
    involved_branch = models.ForeignKey(
        "identity.Branch", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    policy_seller = models.ForeignKey(
        "identity.Staff", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=24, choices=_choices(State), default=State.REGISTERED.value)
    handler = models.ForeignKey("identity.Staff", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    declined_reason = models.TextField(blank=True, default="")
    outcome = models.CharField(max_length=16, choices=_choices(Outcome), blank=True, default="")
    findings = EncryptedTextField(blank=True, default="")
    basis = EncryptedTextField(blank=True, default="")
    reasons = EncryptedTextField(blank=True, default="")
    remedy = EncryptedTextField(blank=True, default="")
    decided_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    review_requested_on = models.DateField(null=True, blank=True)
    review_outcome = models.CharField(max_length=16, choices=_choices(Outcome), blank=True, default="")
    access_code_hash = models.CharField(max_length=64, blank=True, default="")
    """HMAC of the code the complainant tracks the case with (with the reference); the code itself is never stored."""
    fingerprint = models.CharField(max_length=64, blank=True, default="")
    """Same complainant, policy and text: a repeated submission is linked to the first case (CHN-1)."""
    mediation_wanted_on = models.DateField(null=True, blank=True)
    next_step = models.CharField(max_length=16, choices=_choices(Remedy), blank=True, default="")
    """What the complainant chose to do after the decision (DSP-2, CMP-N1): review, mediation, arbitration or
    court; empty until they choose. A changed mind replaces it; each choice is an audit event."""
    next_step_chosen_on = models.DateField(null=True, blank=True)
    dispute_chosen_on = models.DateField(null=True, blank=True)
    """The first day arbitration or court was chosen: like ``mediation_wanted_on`` it holds the file for the
    dispute (``rights.domain.retention``, Hold.DISPUTE); kept when the complainant changes their mind."""

    class Meta:
        indexes = [
            models.Index(fields=["insurer", "state"], name="complaint_insurer_state"),
            models.Index(fields=["fingerprint", "registered_at"], name="complaint_duplicate"),
            models.Index(
                fields=["policy_number_index"],
                name="complaint_policy_number",
                condition=~models.Q(policy_number_index=""),
            ),
            # The queue's search by reference prefix (LIKE 'LN-2026-00%'): a pattern index on PostgreSQL, whose
            # unique index under a non-C collation cannot answer LIKE; other databases ignore the operator class.
            models.Index(fields=["reference"], name="complaint_reference_prefix", opclasses=["varchar_pattern_ops"]),
            # The queue's order among cases due the same day (INC-E3, INC-3), read from the index alone when
            # paging deep into it (complaints.selectors._one_page).
            models.Index(fields=["id", "elderly", "disabled", "new_urban_resident"], name="complaint_queue_priority"),
        ]

    def __str__(self) -> str:
        return self.reference or f"complaint {self.pk}"


class Receipt(ReceiptBase):
    """A complaint received and acknowledged, not yet registered: write-behind intake (issue #20, ADR 0023).

    The API request writes this one row, in autocommit, and answers with its reference (``LN-2026-W000123``);
    ``manage.py run_intake`` registers the complaint from it through ``complaints.actions`` (CMP-A1) and marks it
    done in the same transaction, so each receipt becomes one case exactly once. ``received_at`` is the moment of
    the acknowledgement: the statutory clock starts from it when the caller gave no earlier one (CMP-T1, CMP-T7).
    The caller as authenticated and the request as validated are kept sealed (encrypted) in ``payload``; the
    columns every kind of receipt has are ``casework.receipts.ReceiptBase``'s.

    Files sent with the portal's form are stored first, encrypted, under ``complaints/incoming/``; the receipt
    names them in ``staged_files`` (random names, nothing of the consumer: ``upload_orphans`` reads them without
    decrypting the payload, which holds what each file is). The worker attaches them to the case it registers
    and deletes the staged copies once that commits (or once the receipt is refused).
    """

    REFERENCE_PREFIX, REFERENCE_MARK = RECEIPT_PREFIX, RECEIPT_MARK

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    staged_files = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = receipt_constraints("receipt")
        indexes = receipt_indexes("receipt")


class SavedQueueView(models.Model):
    """A staff member's named set of queue filters and sort, private to them (#14 "Queue at volume").

    ``query`` is the query string the queue's one parser reads (``complaints.domain.queue``), kept in its
    normal form — only known parameters, never a page number.
    """

    insurer = models.ForeignKey("identity.Insurer", on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey("identity.Staff", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=80)
    query = models.CharField(max_length=1000, blank=True, default="")
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["staff", "name"], name="saved_queue_view_name_once")]

    def __str__(self) -> str:
        return self.name


class InformationRequest(models.Model):
    """What the handler asked the complainant for, and when it was answered (never what the insurer holds: CMP-I2)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="information_requests")
    text = EncryptedTextField()
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey("identity.Staff", on_delete=models.PROTECT, null=True, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)


class Message(models.Model):
    """A further message on a case from any channel (a reply email, a call, a note from the portal): its text
    kept encrypted with the case and shown on the case page, so nothing said is lost (CHN-1, CMP-A1)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="messages")
    channel = models.CharField(max_length=16, choices=[(c.value, c.value) for c in Channel])
    text = EncryptedTextField()
    received_at = models.DateTimeField()
    received_by = models.CharField(max_length=64)
    """Who took it in (the actor's audit id: a staff member, the mailbox's channel, the complainant)."""


class Attachment(models.Model):
    """A file the complainant sent (image, PDF, audio): type checked from its content, size limited."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to="complaints/%Y/%m/")
    original_name = EncryptedTextField()
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField()
    uploaded_by = models.CharField(max_length=64)


class Deadline(StatutoryClock):
    """One statutory clock of one complaint (DESIGN.md "Deadlines").

    The active row is the one the queue orders by; a change of rule (extension)
    or a restart (CMP-T5) closes it and opens a new one, so the history stays.
    """

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="deadlines")
    target = models.DateField(null=True, blank=True)
    """INC-E3, INC-3: the shorter internal target of an elderly, disabled or new-urban-resident complainant's case
    (``complaints.domain.clocks.priority_target``; None for others)."""
    approved_by = models.ForeignKey("identity.Staff", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        indexes = [
            models.Index(fields=["insurer_id_copy", "active", "due"], name="deadline_queue"),
            models.Index(fields=["active", "state", "due"], name="deadline_sweep"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint"], condition=models.Q(active=True), name="one_active_deadline_per_complaint"
            )
        ]


class Pause(models.Model):
    """Time the clock stands still: external appraisal or mediation (CMP-T4)."""

    APPRAISAL, MEDIATION = "appraisal", "mediation"

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="pauses")
    kind = models.CharField(max_length=16, choices=[(APPRAISAL, APPRAISAL), (MEDIATION, MEDIATION)])
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True, default="")


class Extension(models.Model):
    """A request for more time: to 30 days (complex, CMP-T2) or 30 more (particularly complex, CMP-T3)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="extensions")
    insurer_id_copy = models.BigIntegerField()
    to_complexity = models.CharField(max_length=24, choices=_choices(Complexity))
    reason = models.TextField()
    requested_by = models.ForeignKey("identity.Staff", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    approved = models.BooleanField(null=True)
    decided_by = models.ForeignKey("identity.Staff", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_at_office = models.ForeignKey(
        "identity.Branch", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    """The office of whoever decided (CMP-T3 asks for the higher-level office or the head office)."""
    notice = models.ForeignKey(
        "notifications.Notification", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    effective_at = models.DateTimeField(null=True, blank=True)


class Conflict(models.Model):
    """A recusal on record (CMP-R1): a refused assignment or a declared conflict, with its reasons."""

    REFUSED, DECLARED = "refused_assignment", "declared"

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="conflicts")
    staff = models.ForeignKey("identity.Staff", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=24, choices=[(REFUSED, REFUSED), (DECLARED, DECLARED)])
    reasons = models.JSONField(default=list)
    note = models.CharField(max_length=500, blank=True, default="")
    at = models.DateTimeField(auto_now_add=True)


class PartnerForward(models.Model):
    """The part of a complaint sent to an agent or outsourcer, its deadline, and its answer (CHN-3, CMP-P2)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="forwards")
    partner = models.ForeignKey("identity.Partner", on_delete=models.PROTECT, related_name="forwards")
    insurer_id_copy = models.BigIntegerField()
    summary = EncryptedTextField()
    forwarded_at = models.DateTimeField(auto_now_add=True)
    due = models.DateField()
    answer = EncryptedTextField(blank=True, default="")
    answered_at = models.DateTimeField(null=True, blank=True)


class ForwardClock(StatutoryClock):
    """The partner's own deadline on a forward (CHN-3, CMP-P2), run by the shared clock machinery: reminded
    before, escalated once overdue, met or missed when the partner answers."""

    forward = models.OneToOneField(PartnerForward, on_delete=models.PROTECT, related_name="clock")

    class Meta:
        indexes = [models.Index(fields=["active", "state", "due"], name="forward_clock_sweep")]


class ForwardReminderSent(ReminderSentBase):
    """A reminder or escalation already sent for a partner's deadline."""

    deadline = models.ForeignKey(ForwardClock, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["deadline", "kind"], name="forward_reminder_once")]


class ReminderSent(ReminderSentBase):
    """A reminder or escalation already sent for a deadline, so the sweep sends each once."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["deadline", "kind"], name="reminder_once")]
