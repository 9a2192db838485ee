"""The forms of the education pages (EDU-1..3): they parse what was typed; ``outreach.actions`` checks and writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from xiaobao.identity.models import Staff
from xiaobao.ops.i18n import translated_labels
from xiaobao.outreach.domain.audiences import AUDIENCE_TEXT, MAX_ATTENDANCE, MAX_PLANNED_EVENTS
from xiaobao.outreach.domain.library import KIND_TEXT, LANGUAGES, MAX_BODY, MAX_TITLE, WRITTEN_KINDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    audience = forms.ChoiceField(label=_("Audience"), choices=list(translated_labels(AUDIENCE_TEXT).items()))
    period_start = forms.DateField(label=_("From"), widget=DATE)
    period_end = forms.DateField(label=_("To (last day)"), widget=DATE)
    goals = forms.CharField(label=_("Goals"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int)
    planned_events = forms.IntegerField(label=_("Events planned"), min_value=1, max_value=MAX_PLANNED_EVENTS)

    def __init__(self, *args: Any, owners: QuerySet[Staff], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [(s.pk, s.display_name) for s in owners]  # type: ignore[attr-defined]


class EventForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    place = forms.CharField(label=_("Place"), max_length=200)
    audience = forms.ChoiceField(label=_("Audience"), choices=list(translated_labels(AUDIENCE_TEXT).items()))
    topic = forms.CharField(label=_("Topic"), max_length=200)
    languages = forms.CharField(
        label=_("Languages used"), max_length=100, help_text=_("For example: Mandarin, Korean, Mongolian.")
    )
    materials = forms.CharField(
        label=_("Materials used"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    attendance = forms.IntegerField(label=_("Attendance (people)"), min_value=0, max_value=MAX_ATTENDANCE)
    notes = forms.CharField(label=_("Notes"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class TextForm(forms.Form):
    """An item's words in one language; a video's captions (a WebVTT file) and transcript."""

    language = forms.ChoiceField(label=_("Language of the text"), choices=list(translated_labels(LANGUAGES).items()))
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE)
    body = forms.CharField(label=_("Text"), max_length=MAX_BODY, widget=forms.Textarea(attrs={"rows": 8}))
    captions = forms.FileField(
        label=_("Captions (WebVTT .vtt file; required for a video)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".vtt,text/vtt"}),
    )
    transcript = forms.CharField(
        label=_("Transcript (required for a video)"),
        max_length=MAX_BODY,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Everything said and shown in the video, for those who cannot play it."),
    )


class ItemForm(TextForm):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(kind, label) for kind, label in translated_labels(KIND_TEXT).items() if kind in WRITTEN_KINDS],
    )
    video = forms.FileField(
        label=_("Video file (WebM or MP4, at most 10 MB; for a video only)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "video/webm,video/mp4"}),
        help_text=_("If this form is refused, choose the files again: a browser does not keep chosen files."),
    )
    field_order = ("kind", "language", "title", "body", "video", "captions", "transcript")


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), max_length=MAX_BODY, widget=forms.Textarea(attrs={"rows": 6}))


class PublishQuestionForm(forms.Form):
    title = forms.CharField(
        label=_("The question as published"),
        max_length=MAX_TITLE,
        help_text=_("Rewrite it without names, phone numbers, policy numbers or anything else that tells who asked."),
    )
    body = forms.CharField(
        label=_("The answer as published"), max_length=MAX_BODY, widget=forms.Textarea(attrs={"rows": 6})
    )
