"""The forms of the seller's sale desk (issue #16): starting a face-to-face sale, and the recording as a file."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from xiaobao.sales.actions import RECORDING_MEDIA_TYPES
from xiaobao.sales.models import Sale


class SaleStartForm(forms.Form):
    product = forms.ChoiceField(label=gettext_lazy("Product"))
    channel = forms.ChoiceField(
        label=gettext_lazy("Channel"), choices=Sale.Channel.choices, initial=Sale.Channel.FACE_TO_FACE
    )
    name = forms.CharField(label=gettext_lazy("Buyer's full name"), max_length=100)
    resident_id = forms.CharField(
        label=gettext_lazy("Buyer's resident ID number"),
        max_length=32,
        help_text=gettext_lazy("The buyer is found by it, or registered when new."),
    )
    phone = forms.CharField(label=gettext_lazy("Buyer's mobile phone"), max_length=20, required=False)
    buyer_age = forms.IntegerField(label=gettext_lazy("Buyer's age in whole years"), min_value=0, max_value=130)

    def __init__(self, *args: Any, products: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = [("", "—"), *products]  # type: ignore[attr-defined]


class RecordingFileForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Recording (audio or video file)"))
    media_type = forms.ChoiceField(
        label=gettext_lazy("Kind of file"), choices=[(kind, kind) for kind in sorted(RECORDING_MEDIA_TYPES)]
    )
    duration_seconds = forms.IntegerField(label=gettext_lazy("Length in seconds"), min_value=1, max_value=86_400)
