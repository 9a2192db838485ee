"""Portal forms: the fewest fields each step needs (PI-1); a rejected form comes back with what was typed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xiaobao.claims.labels import LIAONING_CITIES
from xiaobao.complaints.domain.classification import PRODUCT_LINE_TEXT, REASON_TEXT
from xiaobao.complaints.domain.files import ACCEPT, MAX_FILES
from xiaobao.identity.domain.documents import ID_KIND_TEXT, IdKind, birth_year_in, check_birth_year, normalise_document
from xiaobao.kernel.errors import InvalidInput
from xiaobao.ops import clock
from xiaobao.ops.i18n import message_of, translated_labels
from xiaobao.privacy.domain.identifiers import normalise_phone


class IdentityForm(forms.Form):
    """Who is filing: any identity document (INC-3), its number checked for its kind; a year of birth only
    from those whose document does not hold one (INC-1); whether they are new to the city (INC-3)."""

    name = forms.CharField(label=_("Your name"), max_length=100)
    id_kind = forms.ChoiceField(
        label=_("Type of ID document"),
        choices=list(translated_labels(ID_KIND_TEXT).items()),
        initial=IdKind.RESIDENT_ID.value,
        required=False,  # a page from before the choice existed sends none: a resident ID, as it was then
    )
    resident_id = forms.CharField(
        label=_("Resident ID or other ID document number"),
        max_length=24,
        help_text=_(
            "A resident ID card has 18 characters. For another document, type the number as it is printed on it."
        ),
    )
    birth_year = forms.IntegerField(
        label=_("Year of birth (only if your document is not a resident ID card)"),
        required=False,
        help_text=_("For example 1956. People aged 60 or over are helped first."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "bday-year"}),
    )
    phone = forms.CharField(
        label=_("Mobile phone"), max_length=32, help_text=_("We send a 6-digit code to this phone to check it is you.")
    )
    preferred_channel = forms.ChoiceField(
        label=_("How should we tell you about progress?"),
        choices=[("sms", _("text message (SMS)")), ("email", _("email"))],
        initial="sms",
    )
    email = forms.EmailField(label=_("Email (only if you chose email)"), required=False)
    new_urban_resident = forms.BooleanField(
        label=_("I moved to the city recently (new urban resident)"),
        required=False,
        help_text=_("Complaints of people new to the city are handled first."),
    )

    def clean_id_kind(self) -> str:
        return str(self.cleaned_data.get("id_kind") or IdKind.RESIDENT_ID.value)

    def clean_resident_id(self) -> str:
        kind = self.cleaned_data.get("id_kind") or IdKind.RESIDENT_ID.value
        return _domain(lambda typed: normalise_document(kind, typed), self.cleaned_data["resident_id"])

    def clean_birth_year(self) -> int | None:
        year = self.cleaned_data.get("birth_year")
        if year is None:
            return None
        try:
            return check_birth_year(year, this_year=clock.today().year)
        except InvalidInput as error:
            raise forms.ValidationError(message_of(error)) from error

    def clean_phone(self) -> str:
        return _domain(normalise_phone, self.cleaned_data["phone"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("preferred_channel") == "email" and not cleaned.get("email"):
            self.add_error("email", _("Enter your email, or choose text messages."))
        number = cleaned.get("resident_id")
        if number and birth_year_in(cleaned.get("id_kind") or IdKind.RESIDENT_ID.value, number) is not None:
            cleaned["birth_year"] = None  # the document says it; a typed year is not kept (PI-1)
        return cleaned


def _domain(check: Any, value: str) -> str:
    try:
        return str(check(value))
    except InvalidInput as error:
        raise forms.ValidationError(message_of(error)) from error


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=32,
        help_text=_("The phone you gave us. We send it a 6-digit code."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def clean_phone(self) -> str:
        return _domain(normalise_phone, self.cleaned_data["phone"])


class ChooseConsumerForm(forms.Form):
    consumer = forms.TypedChoiceField(label=_("Whose cases do you want to see?"), coerce=int, widget=forms.RadioSelect)

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consumer"].choices = people  # type: ignore[attr-defined]


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("The 6-digit code from the text message"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"accept": ACCEPT, **(attrs or {})})  # phone photos and the camera offered (INC-E1)


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("Attach at most 5 files."))
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class ComplaintForm(forms.Form):
    product_line = forms.ChoiceField(
        label=_("Which insurance is it about?"), choices=list(translated_labels(PRODUCT_LINE_TEXT).items())
    )
    reason = forms.ChoiceField(label=_("What is it about?"), choices=list(translated_labels(REASON_TEXT).items()))
    policy_number = forms.CharField(label=_("Policy number (if you have it)"), max_length=64, required=False)
    description = forms.CharField(
        label=_("What happened?"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Say it in your own words: what happened, when, and who you dealt with."),
    )
    requested_outcome = forms.CharField(
        label=_("What would you like us to do?"),
        max_length=10_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    attachments = MultipleFileField(
        label=_("Photos, PDF or recordings (optional)"),
        required=False,
        help_text=_("Up to 5 files, 10 MB each: photos, PDF documents or sound recordings."),
    )


class TrackForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference number of the complaint or claim"),
        max_length=32,
        help_text=_("For example LN-2026-000123, or CL-2026-000045 for a claim"),
    )
    access_code = forms.CharField(
        label=_("Access code"), max_length=16, help_text=_("The 8 digits in our text message")
    )


class ReviewForm(forms.Form):
    grounds = forms.CharField(
        label=_("Why do you disagree?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class ClaimForm(forms.Form):
    """A claim: the fewest fields an adjuster needs to start (PI-1); documents come on the next page."""

    kind = forms.ChoiceField(label=_("What the claim is for"))
    policy_number = forms.CharField(
        label=_("Policy number"), max_length=64, help_text=_("It is printed on your policy or in your app.")
    )
    incident_date = forms.DateField(
        label=_("When it happened"),
        help_text=_("For example 2026-03-15."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    incident_region = forms.ChoiceField(label=_("Where it happened"), choices=LIAONING_CITIES)
    description = forms.CharField(label=_("What happened"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 5}))
    amount_claimed = forms.DecimalField(
        label=_("Amount claimed (yuan)"), min_value=0.01, max_digits=12, decimal_places=2
    )
    beneficiary_name = forms.CharField(
        label=_("Who should receive the money, if not you"), max_length=100, required=False
    )

    def __init__(self, *args: Any, kinds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]


class HomeVisitForm(forms.Form):
    day = forms.DateField(
        label=_("Which day suits you"), widget=forms.DateInput(attrs={"type": "date"}), help_text=_("From tomorrow.")
    )
    note = forms.CharField(
        label=_("Anything we should know (for example, which floor, or call first)"), max_length=300, required=False
    )
