"""The forms of the insurer administrator's pages: they parse and check what was typed, nothing more (the
actions decide and write)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from xiaobao.identity.models import ROLE_CHOICES, Branch, Partner, ServicePoint
from xiaobao.ops.i18n import translated_labels
from xiaobao.privacy.domain.agreements import DATA_CATEGORY_TEXT, METHOD_TEXT, PURPOSE_TEXT

BRANCH_LEVELS: list[Any] = list(Branch._meta.get_field("level").choices or [])
PARTNER_KINDS: list[Any] = list(Partner._meta.get_field("kind").choices or [])
CODE_HELP = _("Letters, digits and hyphens; it cannot be changed later.")


class ChannelsForm(forms.Form):
    complaint_phone = forms.CharField(label=_("Complaint phone"), max_length=32)
    complaint_address = forms.CharField(label=_("Postal address for complaints"), max_length=300)
    complaint_email = forms.EmailField(label=_("Complaint email (optional)"), required=False)
    website = forms.URLField(label=_("Website (optional)"), required=False, assume_scheme="https")


class BranchAddForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=32, help_text=CODE_HELP)
    name = forms.CharField(label=_("Name"), max_length=200)
    level = forms.TypedChoiceField(label=_("Level"), coerce=int, choices=BRANCH_LEVELS)
    parent = forms.TypedChoiceField(
        label=_("The office it reports to"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("One level higher: a city branch reports to a provincial branch. A head office reports to none."),
    )

    def __init__(self, *args: Any, branches: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [("", _("none (head office)")), *branches]  # type: ignore[attr-defined]


class BranchRenameForm(forms.Form):
    name = forms.CharField(label=_("New name"), max_length=200)


class PasswordField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=True),
            max_length=128,
            strip=False,
            help_text=_("At least 12 characters; give it to the person in private. They can change it later."),
            **kwargs,
        )


class StaffAddForm(forms.Form):
    display_name = forms.CharField(label=_("Name"), max_length=100)
    username = forms.CharField(
        label=_("User name (to sign in)"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and @ . + - _ only."),
    )
    password = PasswordField(label=_("Initial password"))
    branch = forms.TypedChoiceField(label=_("Branch"), coerce=int)
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=ROLE_CHOICES, widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args: Any, branches: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["branch"].choices = branches  # type: ignore[attr-defined]

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        password_validation.validate_password(password)
        return password


class SetPasswordForm(forms.Form):
    password = PasswordField(label=_("New password"))

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        password_validation.validate_password(password)
        return password


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=ROLE_CHOICES, widget=forms.CheckboxSelectMultiple, required=False
    )


class PartnerAddForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PARTNER_KINDS)
    code = forms.SlugField(label=_("Code"), max_length=32, help_text=CODE_HELP)
    name = forms.CharField(label=_("Name"), max_length=200)
    contact_email = forms.EmailField(label=_("Contact email (optional)"), required=False)


class KeyIssueForm(forms.Form):
    label = forms.CharField(
        label=_("What the key is for"), max_length=100, required=False, help_text=_("e.g. the agent's case system")
    )


class AgreementForm(forms.Form):
    """Every term PIPL Art.21 (PI-3) asks the agreement to fix."""

    reference = forms.CharField(label=_("Agreement reference"), max_length=64)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=())
    purpose_detail = forms.CharField(
        label=_("Purpose, as the agreement words it"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the partner may use the data for, in the agreement's own words."),
    )
    data_categories = forms.MultipleChoiceField(
        label=_("Kinds of data covered"),
        widget=forms.CheckboxSelectMultiple,
        choices=(),
        help_text=_("The partner receives the fields of the kinds ticked here, and no others."),
    )
    method = forms.ChoiceField(label=_("How the data reaches the partner"), choices=())
    protection_measures = forms.CharField(
        label=_("Protection measures"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("e.g. encryption, who at the partner may see the data, deletion when the case is closed."),
    )
    valid_from = forms.DateField(label=_("In force from"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(label=_("In force until (last day)"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = list(translated_labels(PURPOSE_TEXT).items())  # type: ignore[attr-defined]
        self.fields["data_categories"].choices = list(  # type: ignore[attr-defined]
            translated_labels(DATA_CATEGORY_TEXT).items()
        )
        self.fields["method"].choices = list(translated_labels(METHOD_TEXT).items())  # type: ignore[attr-defined]


class AgreementEndForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it ends early"),
        max_length=300,
        help_text=_("e.g. the contract was terminated, or the partner breached it."),
    )


class ServicePointForm(forms.ModelForm):  # type: ignore[type-arg]
    """Parses a counter into an unsaved row; ``identity.actions.service_point_save`` checks and saves it."""

    class Meta:
        model = ServicePoint
        fields = ("name", "address", "phone", "hours", "accessibility", "languages", "published", "order")
        labels = {"order": _("Position in the list")}


class ChecklistItemForm(forms.Form):
    name = forms.CharField(label=_("Name of the document"), max_length=100)
    explanation = forms.CharField(
        label=_("Explanation in plain words"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
    required = forms.BooleanField(label=_("Required"), required=False)
    waivable_in_green_channel = forms.BooleanField(label=_("May be waived in the green channel"), required=False)


class ChecklistItemAddForm(ChecklistItemForm):
    code = forms.SlugField(
        label=_("Code"), max_length=40, help_text=_("Small letters, digits and underscores, e.g. police_report.")
    )
    field_order = ("code", "name", "explanation", "required", "waivable_in_green_channel")


class ChecklistWordingForm(forms.Form):
    name = forms.CharField(label=_("Name of the document"), max_length=100)
    explanation = forms.CharField(
        label=_("Explanation in plain words"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
