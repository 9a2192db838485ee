"""Products an insurer sells, each with a public page (SAL-1, CHN-2). Written only through ``sales.actions``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaobao.casework.clocks import ReminderSentBase, StatutoryClock
from xiaobao.complaints.domain.classification import PRODUCT_LINE_TEXT
from xiaobao.ops.i18n import translated_labels
from xiaobao.privacy.fields import EncryptedTextField
from xiaobao.sales.domain.grades import GRADE_TEXT
from xiaobao.sales.domain.materials import KIND_TEXT, STATE_TEXT, MaterialState
from xiaobao.sales.domain.tiers import LEVEL_TEXT

LEVEL_CHOICES = list(translated_labels(LEVEL_TEXT).items())


class Product(models.Model):
    """One product: what it is in plain words, its full terms, and its entry in the industry's product register.

    Products are never deleted: a policyholder may hold one long after it stops being sold,
    so ``on_sale`` turns false and the page stays.
    """

    insurer = models.ForeignKey("identity.Insurer", on_delete=models.PROTECT, related_name="products")
    code = models.SlugField(_("code in the address"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    product_line = models.CharField(
        _("product line"), max_length=32, choices=list(translated_labels(PRODUCT_LINE_TEXT).items())
    )
    summary = models.TextField(_("what it covers, in plain words"), max_length=2000)
    terms = models.TextField(_("full terms"), max_length=200_000)
    register_number = models.CharField(_("number in the product register"), max_length=100)
    register_url = models.URLField(_("entry in the financial-product query platform"), max_length=500)
    on_sale = models.BooleanField(_("on sale"), default=True)
    # SAL-S1 tier (1 simplest .. 3 most complex), the term (None: for life), the cooling-off period, and the two
    # properties the sale rules ask about: uncertain benefit (SAL-S4) and investment-linked (SAL-R1).
    tier = models.PositiveSmallIntegerField(_("tier"), default=1)
    term_months = models.PositiveIntegerField(_("term in months"), null=True, blank=True)
    cooling_off_days = models.PositiveSmallIntegerField(_("cooling-off days"), default=15)
    uncertain_benefit = models.BooleanField(
        _("benefit not guaranteed (participating, universal, unit-linked)"), default=False
    )
    investment_linked = models.BooleanField(_("investment-linked"), default=False)
    # What the contract allows to be kept from a refund in the cooling-off period (e.g. the policy's cost, at
    # most 10 yuan): unverified, each contract says its own; 0 by default.
    cooling_off_deduction_yuan = models.DecimalField(
        _("deduction allowed on a cooling-off refund (yuan)"), max_digits=8, decimal_places=2, default=0
    )
    # SAL-S1: the three assessments the tier is decided from (``sales.domain.tiers``); kept by the insurer.
    complexity = models.PositiveSmallIntegerField(_("complexity"), choices=LEVEL_CHOICES, default=1)
    premium_burden = models.PositiveSmallIntegerField(_("premium burden"), choices=LEVEL_CHOICES, default=1)
    risk_level = models.PositiveSmallIntegerField(_("risk to the buyer"), choices=LEVEL_CHOICES, default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["insurer", "code"], name="product_code_per_insurer")]

    def __str__(self) -> str:
        return self.name


class Salesperson(models.Model):
    """Someone who sells an insurer's products: its own staff, or a person working for one of its agents (SAL-S1).

    The grade decides which product tiers they may sell (``sales.domain`` holds the table). Built on by issue #16.
    """

    insurer = models.ForeignKey("identity.Insurer", on_delete=models.PROTECT, related_name="salespeople")
    staff = models.OneToOneField(
        "identity.Staff", on_delete=models.PROTECT, null=True, blank=True, related_name="salesperson"
    )
    partner = models.ForeignKey(
        "identity.Partner", on_delete=models.PROTECT, null=True, blank=True, related_name="salespeople"
    )
    name = models.CharField(_("name"), max_length=100)
    practice_number = models.CharField(_("practice certificate number"), max_length=64)
    grade = models.PositiveSmallIntegerField(_("grade"), choices=list(translated_labels(GRADE_TEXT).items()), default=1)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["insurer", "practice_number"], name="salesperson_number_per_insurer")
        ]

    def __str__(self) -> str:
        return self.name


class Sale(models.Model):
    """One sale as it happened: a session of events, replayable (SAL-2, SAL-3). Built on by issue #16.

    ``buyer_age`` is the buyer's age in whole years on the day of the sale (SAL-R1 recording, SAL-S4 care);
    the premium fields are what the buyer is asked to pay (SAL-S4 thresholds).
    """

    class Channel(models.TextChoices):
        FACE_TO_FACE = "face_to_face", _("face to face")
        PHONE = "phone", _("by phone")
        INTERNET = "internet", _("on the internet")
        BANCASSURANCE = "bancassurance", _("at a bank")

    class PremiumMode(models.TextChoices):
        SINGLE = "single", _("single premium")
        ANNUAL = "annual", _("yearly premium")

    insurer = models.ForeignKey("identity.Insurer", on_delete=models.PROTECT, related_name="sales")
    reference = models.CharField(_("reference"), max_length=32, unique=True)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="sales")
    seller = models.ForeignKey(Salesperson, on_delete=models.PROTECT, related_name="sales")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    buyer = models.ForeignKey(
        "identity.Consumer", on_delete=models.PROTECT, null=True, blank=True, related_name="purchases"
    )
    buyer_age = models.PositiveSmallIntegerField(_("buyer's age"))
    premium_yuan = models.DecimalField(_("premium (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    premium_mode = models.CharField(_("premium"), max_length=8, choices=PremiumMode.choices, blank=True)
    payment_years = models.PositiveSmallIntegerField(_("years of payment"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"))
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["insurer", "started_at"], name="sale_insurer_started")]

    def __str__(self) -> str:
        return self.reference


# --- suitability (SAL-2, SAL-S2..S4) and policies with their cooling-off period (issue #16 items 3 and 5) ---


class SuitabilityAssessment(models.Model):
    """The suitability assessment of one sale (SAL-2, SAL-S2..S4): the buyer's answers (encrypted: personal and
    financial data), the profile, the result with its reasons and RULES.md ids, the SAL-S4 thresholds crossed,
    whether the seller advised against, the extra care taken at 65+, when and by whom. Kept at least five years
    after the contract ends (SAL-S4): ``kept_until``. Written only through ``sales.suitability.actions``."""

    sale = models.OneToOneField(Sale, on_delete=models.PROTECT, related_name="suitability")
    insurer = models.ForeignKey("identity.Insurer", on_delete=models.PROTECT, related_name="+")
    answers = EncryptedTextField()
    """The answers as JSON (needs, risk answers, household income, budget, similar cover, birth date)."""
    risk_profile = models.CharField(max_length=16)
    buyer_age = models.PositiveSmallIntegerField()
    premium_yuan = models.DecimalField(max_digits=14, decimal_places=2)
    premium_mode = models.CharField(max_length=8)
    payment_years = models.PositiveSmallIntegerField()
    outcome = models.CharField(max_length=24)
    reasons = models.JSONField(default=list)
    """Each reason: code, rule id, severity, the msgid and its parameters (no amounts: those stay encrypted)."""
    thresholds_crossed = models.JSONField(default=list)
    advised_against = models.BooleanField(default=False)
    elder_care = models.JSONField(default=list, blank=True)
    """The SAL-S4 extra-care measures confirmed (65 or older), with the companion's presence."""
    assessed_at = models.DateTimeField()
    assessed_by = models.ForeignKey("identity.Staff", on_delete=models.PROTECT, related_name="+")
    kept_until = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"suitability of {self.sale_id}"

    @property
    def declaration_needed(self) -> bool:
        return self.outcome != "suitable"


class BuyerDeclaration(models.Model):
    """The buyer insists (SAL-S3) or crosses a SAL-S4 threshold: the exact declaration text shown, its SHA-256,
    the buyer's typed full name and confirmation with the time, and the reasons it covers."""

    assessment = models.OneToOneField(SuitabilityAssessment, on_delete=models.PROTECT, related_name="declaration")
    insurer = models.ForeignKey("identity.Insurer", on_delete=models.PROTECT, related_name="+")
    text = EncryptedTextField()
    text_sha256 = models.CharField(max_length=64)
    language = models.CharField(max_length=16)
    signed_name = EncryptedTextField()
    confirmed = models.BooleanField(default=False)
    covers = models.JSONField(default=list)
    signed_at = models.DateTimeField()
    witnessed_by = models.ForeignKey("identity.Staff", on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"declaration for {self.assessment_id}"


class Policy(models.Model):
    """An issued policy from a sale: the dates its cooling-off period runs on (signed for, cooling-off end) and
    its contract end (SAL-R3, SAL-S4 retention). ``cooling_off_ends`` is computed by ``sales.domain.policies``."""

    insurer = models.ForeignKey("identity.Insurer", on_delete=models.PROTECT, related_name="policies")
    sale = models.OneToOneField(Sale, on_delete=models.PROTECT, related_name="policy")
    number = models.CharField(_("policy number"), max_length=64)
    holder = models.ForeignKey("identity.Consumer", on_delete=models.PROTECT, related_name="policies")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="policies")
    premium_paid_yuan = models.DecimalField(_("premium paid (yuan)"), max_digits=14, decimal_places=2)
    starts_on = models.DateField(_("cover starts"))
    received_on = models.DateField(_("signed for by the holder"))
    cooling_off_days = models.PositiveSmallIntegerField()
    cooling_off_ends = models.DateField(_("cooling-off period ends"))
    ends_on = models.DateField(_("contract ends"), null=True, blank=True)
    issued_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["insurer", "number"], name="policy_number_per_insurer")]

    def __str__(self) -> str:
        return self.number


class Surrender(models.Model):
    """The holder asks to end the policy (issue #16 item 5). Inside the cooling-off period the premium comes back
    in full minus only what the contract allows, on a clock of its own (``RefundDeadline``); outside it the
    cash-value path, recorded as such."""

    insurer = models.ForeignKey("identity.Insurer", on_delete=models.PROTECT, related_name="+")
    policy = models.OneToOneField(Policy, on_delete=models.PROTECT, related_name="surrender")
    requested_on = models.DateField()
    requested_at = models.DateTimeField()
    requested_by = models.CharField(max_length=64)
    path = models.CharField(max_length=24)
    refund_yuan = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    deduction_yuan = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    refunded_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"surrender of {self.policy_id}"


class RefundDeadline(StatutoryClock):
    """The refund of a surrender inside the cooling-off period, followed like every other clock: reminders,
    escalation, met or missed (the period is ``XIAOBAO_COOLING_OFF_REFUND_DAYS``, unverified)."""

    surrender = models.OneToOneField(Surrender, on_delete=models.PROTECT, related_name="deadline")

    class Meta:
        indexes = [models.Index(fields=["insurer_id_copy", "active", "due"], name="refund_deadline_queue")]


class RefundReminderSent(ReminderSentBase):
    deadline = models.ForeignKey(RefundDeadline, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["deadline", "kind"], name="refund_reminder_once")]


class SalesMaterial(models.Model):
    """A leaflet, script or web page used to sell one product (SAL-1): registered, approved by someone else
    before use (four eyes), withdrawn when it must no longer be used. Its text and its file (stored encrypted,
    with its SHA-256) never change once registered: a new version is a new material. Never deleted."""

    insurer = models.ForeignKey("identity.Insurer", on_delete=models.PROTECT, related_name="sales_materials")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="materials")
    kind = models.CharField(_("kind"), max_length=16, choices=list(translated_labels(KIND_TEXT).items()))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), max_length=50_000, blank=True)
    file = models.FileField(upload_to="sales/%Y/%m/", blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    text_sha256 = models.CharField(max_length=64)
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=list(translated_labels(STATE_TEXT).items()),
        default=MaterialState.DRAFT,
    )
    registered_by = models.ForeignKey(
        "identity.Staff", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    registered_at = models.DateTimeField()
    decided_by = models.ForeignKey("identity.Staff", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    rejected_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True, default="")
    withdrawn_by = models.ForeignKey(
        "identity.Staff", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["insurer", "state"], name="material_insurer_state")]

    def __str__(self) -> str:
        return self.title


# -- the replayable sale (issue #16 item 4: SAL-3, SAL-R1..R4) ----------------------------------------------------


class SaleEvent(models.Model):
    """One event of a sale's session (SAL-3, SAL-R4), append-only and hash-chained per sale (``domain.session``).

    A shown page keeps the SHA-256 of exactly what was shown and the content itself, encrypted, to be replayed;
    ``client_event_id`` makes a retried batch store each event once. Never updated or deleted (on PostgreSQL a
    trigger refuses it, as for the audit log).
    """

    class Kind(models.TextChoices):
        PAGE_SHOWN = "page_shown", _("page shown")
        CONSENT = "consent", _("consent")
        SIGNATURE = "signature", _("signature")
        TRAIL = "trail", _("on-screen operation")
        MATERIAL_SHOWN = "material_shown", _("sales material shown")
        NOTE = "note", _("note")

    sale = models.ForeignKey(Sale, on_delete=models.PROTECT, related_name="events")
    sequence = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    client_event_id = models.CharField(max_length=64)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField()
    content = EncryptedTextField(blank=True, default="")
    content_sha256 = models.CharField(max_length=64, blank=True)
    details = models.JSONField(default=dict)
    """Non-personal facts: the page's title and address, the consent's purpose, the trail's summary."""
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sale", "sequence"], name="sale_event_sequence_once"),
            models.UniqueConstraint(fields=["sale", "client_event_id"], name="sale_event_client_id_once"),
        ]
        ordering = ["sale", "sequence"]

    def __str__(self) -> str:
        return f"{self.sale_id}#{self.sequence}"


class RecordingUpload(models.Model):
    """A recording on its way in, in chunks (ADR 0018): each chunk stored encrypted once, at its offset, up to
    the size the upload declared (``size_bytes``). Two uploads of the same bytes for one sale (a client that
    started again instead of resuming) finish on the one ``SaleRecording``, kept once: ``recording.uploads``."""

    class State(models.TextChoices):
        OPEN = "open", _("receiving")
        FINISHED = "finished", _("finished")
        EXPIRED = "expired", _("closed unfinished")

    sale = models.ForeignKey(Sale, on_delete=models.PROTECT, related_name="recording_uploads")
    token = models.CharField(max_length=32, unique=True)
    media_type = models.CharField(max_length=64)
    duration_seconds = models.PositiveIntegerField()
    recorded_by = models.ForeignKey(Salesperson, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    size_bytes = models.PositiveBigIntegerField()
    """The whole recording's size, declared when the upload opens: no chunk may go past it."""
    received_bytes = models.PositiveBigIntegerField(default=0)
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN)
    opened_by = models.CharField(max_length=64)
    opened_at = models.DateTimeField()
    recording = models.ForeignKey(
        "SaleRecording", on_delete=models.PROTECT, null=True, blank=True, related_name="uploads"
    )


class RecordingChunk(models.Model):
    """One chunk of an upload, at its offset; a repeated chunk (same offset, same bytes) is kept once."""

    upload = models.ForeignKey(RecordingUpload, on_delete=models.CASCADE, related_name="chunks")
    offset = models.PositiveBigIntegerField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to="sales/uploads/", max_length=300)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["upload", "offset"], name="recording_chunk_offset_once")]
        ordering = ["upload", "offset"]


class SaleRecording(models.Model):
    """An audio/video recording of a sale (SAL-R1), stored encrypted (ADR 0012) with its SHA-256; never edited
    (SAL-R2). A changed byte is refused by the storage (AES-GCM) and by ``recording_verify`` (the SHA-256)."""

    sale = models.ForeignKey(Sale, on_delete=models.PROTECT, related_name="recordings")
    file = models.FileField(upload_to="sales/recordings/", max_length=300)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    duration_seconds = models.PositiveIntegerField()
    media_type = models.CharField(max_length=64)
    recorded_by = models.ForeignKey(Salesperson, on_delete=models.PROTECT, related_name="recordings")
    recorded_at = models.DateTimeField()
    received_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sale", "sha256"], name="sale_recording_once")]
        ordering = ["sale", "recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.sale_id}: {self.sha256[:12]}"


class SampleDraw(models.Model):
    """One draw of the quality-check sample (SAL-R2): its seed, so anyone can draw it again and compare."""

    insurer = models.ForeignKey("identity.Insurer", on_delete=models.PROTECT, related_name="sale_sample_draws")
    period_start = models.DateField()
    period_end = models.DateField()
    seed = models.CharField(max_length=64)
    rate = models.DecimalField(max_digits=4, decimal_places=2)
    population = models.PositiveIntegerField()
    drawn_at = models.DateTimeField()
    drawn_by = models.ForeignKey("identity.Staff", on_delete=models.PROTECT, related_name="+")


class QualityCheck(models.Model):
    """A recorded sale in compliance's queue (SAL-R2): sampled or high-risk; a checker replays it and finds."""

    class Reason(models.TextChoices):
        SAMPLED = "sampled", _("sampled")
        HIGH_RISK = "high_risk", _("high-risk")

    class Finding(models.TextChoices):
        OPEN = "", _("not checked yet")
        PASSED = "passed", _("passed")
        FAILED = "failed", _("failed")

    sale = models.OneToOneField(Sale, on_delete=models.PROTECT, related_name="quality_check")
    draw = models.ForeignKey(SampleDraw, on_delete=models.PROTECT, related_name="checks")
    reason = models.CharField(max_length=16, choices=Reason.choices)
    risks = models.JSONField(default=list)
    finding = models.CharField(max_length=8, choices=Finding.choices, blank=True, default="")
    notes = models.TextField(blank=True, max_length=5000)
    checked_by = models.ForeignKey("identity.Staff", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    checked_at = models.DateTimeField(null=True, blank=True)


class SaleDispute(models.Model):
    """A dispute about a sale — a complaint naming it, a mediation, an arbitration, a lawsuit — which keeps its
    records until two years after it ends (SAL-R3) and links the complaint to the sale's bundle."""

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("complaint")
        MEDIATION = "mediation", _("mediation")
        ARBITRATION = "arbitration", _("arbitration")
        LAWSUIT = "lawsuit", _("lawsuit")

    sale = models.ForeignKey(Sale, on_delete=models.PROTECT, related_name="disputes")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.PROTECT, null=True, blank=True, related_name="sale_disputes"
    )
    reference = models.CharField(max_length=64, blank=True)
    opened_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
