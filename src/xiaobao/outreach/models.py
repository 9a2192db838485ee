from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaobao.ops.i18n import translated_labels
from xiaobao.outreach.domain.audiences import AUDIENCE_TEXT
from xiaobao.outreach.domain.library import KIND_TEXT, LANGUAGES, STATE_TEXT, ItemState, QuestionState
from xiaobao.privacy.fields import EncryptedTextField


class OutreachPlan(models.Model):
    """An insurer's plan to reach one audience over a period (MISSION EDU-1): its goals, who owns it, how many
    events it means to hold. Its figures are its events (``outreach.domain.audiences.plan_figures``)."""

    insurer = models.ForeignKey("identity.Insurer", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    audience = models.CharField(_("audience"), max_length=24, choices=list(translated_labels(AUDIENCE_TEXT).items()))
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    goals = models.TextField(_("goals"), max_length=5000)
    owner = models.ForeignKey("identity.Staff", on_delete=models.PROTECT, related_name="+", verbose_name=_("owner"))
    planned_events = models.PositiveIntegerField(_("events planned"))
    created_by = models.ForeignKey("identity.Staff", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["insurer", "-period_start"], name="outreach_plan_insurer")]

    def __str__(self) -> str:
        return self.title


class OutreachEvent(models.Model):
    """One event held under a plan (EDU-1): when, where, for whom, on what, in which languages, with which
    material, and how many came."""

    plan = models.ForeignKey(OutreachPlan, on_delete=models.PROTECT, related_name="events")
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    audience = models.CharField(_("audience"), max_length=24, choices=list(translated_labels(AUDIENCE_TEXT).items()))
    topic = models.CharField(_("topic"), max_length=200)
    languages = models.CharField(_("languages"), max_length=100)
    materials = models.TextField(_("materials used"), max_length=2000, blank=True)
    attendance = models.PositiveIntegerField(_("attendance"))
    notes = models.TextField(_("notes"), max_length=5000, blank=True)
    recorded_by = models.ForeignKey("identity.Staff", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["plan", "held_on"], name="outreach_event_plan")]

    def __str__(self) -> str:
        return self.topic


class LibraryItem(models.Model):
    """An item of the public education library (EDU-2, EDU-3): written by an insurer's staff, published by a
    second person (four eyes), withdrawn when it must no longer be shown. Its words are its ``LibraryText`` rows,
    one per language; a video item holds the video (stored encrypted, with its SHA-256)."""

    insurer = models.ForeignKey("identity.Insurer", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=list(translated_labels(KIND_TEXT).items()))
    state = models.CharField(
        _("state"), max_length=16, choices=list(translated_labels(STATE_TEXT).items()), default=ItemState.DRAFT
    )
    written_by = models.ForeignKey("identity.Staff", on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField()
    published_by = models.ForeignKey(
        "identity.Staff", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True, default="")
    video = models.FileField(upload_to="outreach/%Y/%m/", blank=True)
    video_type = models.CharField(max_length=32, blank=True)
    video_name = models.CharField(max_length=200, blank=True)
    video_size = models.PositiveIntegerField(default=0)
    video_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "-published_at"], name="library_published")]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"


class LibraryText(models.Model):
    """An item's words in one language (EDU-2, EDU-3): title and text; for a video its captions (WebVTT,
    checked when uploaded) and transcript. ``search_text`` is the normalised title, text and transcript that
    the portal's search reads (``outreach.domain.search``); ``saved_by`` who wrote them last."""

    item = models.ForeignKey(LibraryItem, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(_("language"), max_length=8, choices=list(translated_labels(LANGUAGES).items()))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), max_length=50_000)
    transcript = models.TextField(_("transcript"), max_length=50_000, blank=True)
    captions = models.TextField(blank=True)
    captions_sha256 = models.CharField(max_length=64, blank=True)
    search_text = models.TextField()
    saved_by = models.ForeignKey("identity.Staff", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    """Who wrote these words last: an editor of the item, who may not publish it (four eyes, EDU-2)."""

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "language"], name="library_text_once_per_language")]
        indexes = [models.Index(fields=["language", "item"], name="library_text_language")]

    def __str__(self) -> str:
        return self.title


class PublicQuestion(models.Model):
    """A question a member of the public asked (EDU-3), to one insurer, with no personal data asked for: the
    question and the optional name are encrypted, since a person may write anything in them. Staff answer it and
    may publish it as a library item, in words they scrubbed of anything personal. A repeated submission of the
    same form carries the same ``idempotency_key`` and finds this row."""

    insurer = models.ForeignKey("identity.Insurer", on_delete=models.PROTECT, related_name="+")
    idempotency_key = models.CharField(max_length=64)
    asked_name = EncryptedTextField(blank=True, default="")
    question = EncryptedTextField()
    language = models.CharField(max_length=8, default="zh-hans")
    asked_at = models.DateTimeField()
    state = models.CharField(max_length=16, default=QuestionState.ASKED)
    answer = models.TextField(blank=True, default="")
    answered_by = models.ForeignKey("identity.Staff", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    published_item = models.OneToOneField(
        LibraryItem, on_delete=models.PROTECT, null=True, blank=True, related_name="question"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["insurer", "idempotency_key"], name="public_question_once_per_form")
        ]
        indexes = [models.Index(fields=["insurer", "state", "-asked_at"], name="public_question_queue")]

    def __str__(self) -> str:
        return f"question {self.pk}"
