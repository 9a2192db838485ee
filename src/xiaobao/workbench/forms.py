"""The staff intake form: a letter, a walk-in at the counter, or a call taken by hand."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xiaobao.complaints.domain.classification import CHANNEL_TEXT, PRODUCT_LINE_TEXT, REASON_TEXT, Channel
from xiaobao.complaints.domain.files import ACCEPT
from xiaobao.ops.i18n import translated_labels


class IntakeForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("How it came in"),
        choices=[
            (c.value, translated_labels(CHANNEL_TEXT)[c])
            for c in (Channel.LETTER, Channel.COUNTER, Channel.HOTLINE, Channel.REGULATOR)
        ],
    )
    received_at = forms.DateTimeField(
        label=_("Received (date and time)"),
        help_text=_("For a letter, the day it arrived — the time limit counts from then, not from today."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    handling_branch = forms.ChoiceField(label=_("Handling branch"))
    name = forms.CharField(label=_("Complainant's name"), max_length=100)
    resident_id = forms.CharField(label=_("Resident ID number (if given)"), max_length=24, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    product_line = forms.ChoiceField(
        label=_("Which insurance?"), choices=list(translated_labels(PRODUCT_LINE_TEXT).items())
    )
    reason = forms.ChoiceField(label=_("About what?"), choices=list(translated_labels(REASON_TEXT).items()))
    policy_number = forms.CharField(label=_("Policy number"), max_length=64, required=False)
    description = forms.CharField(label=_("What the complainant says"), max_length=10_000, widget=forms.Textarea)
    requested_outcome = forms.CharField(
        label=_("What they ask for"), max_length=10_000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    scan = forms.FileField(
        label=_("Scanned letter or document (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args: Any, branches: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handling_branch"].choices = branches  # type: ignore[attr-defined]
