"""The forms of the sales pages (SAL-1, SAL-S1): they parse what was typed into unsaved rows or values; the
actions in ``sales.actions`` check and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from xiaobao.complaints.domain.files import ACCEPT
from xiaobao.identity.models import Partner, Staff
from xiaobao.ops.i18n import translated_labels
from xiaobao.sales.domain.materials import KIND_TEXT
from xiaobao.sales.models import Product, Salesperson


class ProductForm(forms.ModelForm):  # type: ignore[type-arg]
    """A product as its insurer keeps it; the tier is not typed: it follows from the three assessments and the
    two properties (SAL-S1)."""

    register_url = forms.URLField(
        label=_("Entry in the financial-product query platform"),
        max_length=500,
        assume_scheme="https",
        help_text=_("The address of this product's page on the industry's public register."),
    )

    class Meta:
        model = Product
        fields = (
            "code",
            "name",
            "product_line",
            "summary",
            "terms",
            "register_number",
            "register_url",
            "term_months",
            "cooling_off_days",
            "complexity",
            "premium_burden",
            "risk_level",
            "uncertain_benefit",
            "investment_linked",
            "on_sale",
        )
        help_texts = {
            "code": _("Letters, digits and hyphens: the product's address on your public page."),
            "term_months": _("Leave empty for cover for life."),
            "cooling_off_days": _("Days after the policy is received in which the buyer may cancel and be refunded."),
            "complexity": _("How hard the product is to understand: its terms, options and conditions."),
            "premium_burden": _("How heavy the premium is for the buyer: its amount and the years of payment."),
            "risk_level": _("How much the buyer stands to lose: guarantees, surrender losses, investment risk."),
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "terms": forms.Textarea(attrs={"rows": 12}),
            "cooling_off_days": forms.NumberInput(attrs={"min": 0, "max": 366}),
            "term_months": forms.NumberInput(attrs={"min": 1, "max": 1200}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:  # the address stays what it was published under
            self.fields["code"].disabled = True

    def clean_cooling_off_days(self) -> int:
        days = int(self.cleaned_data["cooling_off_days"])
        if days > 366:
            raise forms.ValidationError(_("At most 366 days."))
        return days

    def clean_term_months(self) -> int | None:
        months = self.cleaned_data.get("term_months")
        if months is not None and not 1 <= months <= 1200:
            raise forms.ValidationError(_("Between 1 and 1200 months, or empty for life."))
        return months


class MaterialForm(forms.Form):
    product = forms.TypedChoiceField(label=_("Product"), coerce=int)
    kind = forms.ChoiceField(label=_("Kind of material"))
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(
        label=_("Text (optional if a file is attached)"),
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        strip=False,
    )
    file = forms.FileField(
        label=_("File (optional if the text is given)"),
        required=False,
        help_text=_("A PDF or an image of the leaflet or poster, as it will be shown."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args: Any, products: QuerySet[Product], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = [(p.pk, p.name) for p in products]  # type: ignore[attr-defined]
        self.fields["kind"].choices = list(translated_labels(KIND_TEXT).items())  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class SalespersonForm(forms.ModelForm):  # type: ignore[type-arg]
    """Someone who sells: the insurer's own staff (linked to their account, or one of its own individual agents
    without one), or a person of one of its agents."""

    class Meta:
        model = Salesperson
        fields = ("name", "practice_number", "grade", "staff", "partner", "active")
        labels = {"staff": _("Staff account (if they are your staff)"), "partner": _("Agent (if they work for one)")}
        help_texts = {
            "practice_number": _("The number on their practice certificate (执业证)."),
            "grade": _("Decides which product tiers they may sell: the list of salespeople shows it for each."),
        }

    def __init__(
        self,
        *args: Any,
        staff: QuerySet[Staff] | None = None,
        partners: QuerySet[Partner] | None = None,
        **kwargs: Any,
    ) -> None:
        """``staff`` and ``partners``: whom the insurer's salespeople may be linked to (none unless given)."""
        super().__init__(*args, **kwargs)
        for name, offered in (("staff", staff), ("partner", partners)):
            field: Any = self.fields[name]
            field.queryset = offered if offered is not None else field.queryset.none()
