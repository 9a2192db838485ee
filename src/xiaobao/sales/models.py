"""Products an insurer sells, each with a public page (SAL-1, CHN-2). Written only through ``sales.actions``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaobao.complaints.domain.classification import PRODUCT_LINE_TEXT
from xiaobao.ops.i18n import translated_labels
from xiaobao.privacy.fields import EncryptedTextField


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
    grade = models.PositiveSmallIntegerField(_("grade"), default=1)
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
    """A recording on its way in, in chunks (ADR 0018): each chunk stored encrypted once, at its offset."""

    class State(models.TextChoices):
        OPEN = "open", _("receiving")
        FINISHED = "finished", _("finished")

    sale = models.ForeignKey(Sale, on_delete=models.PROTECT, related_name="recording_uploads")
    token = models.CharField(max_length=32, unique=True)
    media_type = models.CharField(max_length=64)
    duration_seconds = models.PositiveIntegerField()
    recorded_by = models.ForeignKey(Salesperson, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    received_bytes = models.PositiveBigIntegerField(default=0)
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN)
    opened_by = models.CharField(max_length=64)
    opened_at = models.DateTimeField()
    recording = models.OneToOneField(
        "SaleRecording", on_delete=models.PROTECT, null=True, blank=True, related_name="upload"
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
