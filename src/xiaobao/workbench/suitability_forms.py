"""The suitability questionnaire as the seller fills it in with the buyer (SAL-S2), the buyer's declaration
(SAL-S3, SAL-S4), and the policy forms (issue #16 item 5). Plain words: the buyer may read along."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext, gettext_lazy

from xiaobao.sales.domain.suitability import (
    ELDER_CARE_TEXT,
    NEED_TEXT,
    RISK_QUESTIONS,
    Answers,
    Need,
    PremiumMode,
    Proposal,
)
from xiaobao.sales.suitability.actions import Questionnaire

YES_NO = (("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No")))
MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0.01")}


def _radio(label: Any, choices: Any, help_text: Any = "") -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect, help_text=help_text)


class QuestionnaireForm(forms.Form):
    needs = forms.MultipleChoiceField(
        label=gettext_lazy("What do you want this insurance to do for you?"),
        help_text=gettext_lazy("Choose one or more."),
        widget=forms.CheckboxSelectMultiple,
        choices=(),
    )
    drop = _radio("", ())
    horizon = _radio("", ())
    preference = _radio("", ())
    experience = _radio("", ())
    household_income_yuan = forms.DecimalField(
        label=gettext_lazy("Your household's income in a year, in yuan"),
        help_text=gettext_lazy("Everyone in the household together, before tax. An estimate is fine."),
        **MONEY,  # type: ignore[arg-type]
    )
    budget_yuan = forms.DecimalField(
        label=gettext_lazy("How much do you plan to pay for this insurance, in yuan?"),
        help_text=gettext_lazy("For a yearly premium, per year; for a single premium, in all."),
        **MONEY,  # type: ignore[arg-type]
    )
    has_similar_cover = _radio(gettext_lazy("Do you already have insurance like this?"), YES_NO)
    birth_date = forms.DateField(
        label=gettext_lazy("Your date of birth"),
        help_text=gettext_lazy("As on your ID card, for example 1958-04-21."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    premium_yuan = forms.DecimalField(label=gettext_lazy("Premium proposed, in yuan"), **MONEY)  # type: ignore[arg-type]
    premium_mode = _radio(
        gettext_lazy("How the premium is paid"),
        ((PremiumMode.ANNUAL.value, gettext_lazy("every year")), (PremiumMode.SINGLE.value, gettext_lazy("once"))),
    )
    payment_years = forms.IntegerField(
        label=gettext_lazy("Years of payment"),
        help_text=gettext_lazy("1 for a single premium."),
        min_value=1,
        max_value=100,
    )
    elder_care = forms.MultipleChoiceField(
        label=gettext_lazy("Extra care for a buyer aged 65 or older (SAL-S4)"),
        help_text=gettext_lazy("Tick each step once it is done. Not needed for a younger buyer."),
        widget=forms.CheckboxSelectMultiple,
        choices=(),
        required=False,
    )
    companion_present = forms.ChoiceField(
        label=gettext_lazy("Did a family member or a trusted person come? (65 or older)"),
        widget=forms.RadioSelect,
        choices=(
            ("yes", gettext_lazy("Yes, they are here")),
            ("no", gettext_lazy("Invited, but the buyer chose to go on alone")),
        ),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["needs"].choices = [(need.value, gettext(NEED_TEXT[need])) for need in Need]  # type: ignore[attr-defined]
        for question in RISK_QUESTIONS:
            field = self.fields[question.code]
            field.label = gettext(question.text)
            field.choices = [(c.value, gettext(c.text)) for c in question.choices]  # type: ignore[attr-defined]
        self.fields["elder_care"].choices = [  # type: ignore[attr-defined]
            (measure.value, gettext(text)) for measure, text in ELDER_CARE_TEXT.items()
        ]

    def clean_birth_date(self) -> date:
        born: date = self.cleaned_data["birth_date"]
        if born.year < 1900:
            raise forms.ValidationError(gettext("Check the year of birth."))
        return born

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("premium_mode") == PremiumMode.SINGLE.value and data.get("payment_years") not in (None, 1):
            self.add_error("payment_years", gettext("A single premium is paid once: enter 1."))
        return data

    def questionnaire(self) -> Questionnaire:
        """The answers as the domain takes them; ``InvalidInput`` for what only the domain can check."""
        data = self.cleaned_data
        answers = Answers(
            needs=frozenset(Need(value) for value in data["needs"]),
            risk={question.code: data[question.code] for question in RISK_QUESTIONS},
            household_income_yuan=data["household_income_yuan"],
            budget_yuan=data["budget_yuan"],
            has_similar_cover=data["has_similar_cover"] == "yes",
            birth_date=data["birth_date"],
        )
        proposal = Proposal(data["premium_yuan"], PremiumMode(data["premium_mode"]), data["payment_years"])
        return Questionnaire(
            answers=answers,
            proposal=proposal,
            elder_care=tuple(data["elder_care"]),
            companion_present=data.get("companion_present") == "yes",
        )


class DeclarationForm(forms.Form):
    signed_name = forms.CharField(
        label=gettext_lazy("Buyer: type your full name, as on your ID card"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    confirmed = forms.BooleanField(
        label=gettext_lazy("I have read the declaration above. Buying this product is my own choice."),
        required=True,
    )
    shown_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)
    language = forms.CharField(widget=forms.HiddenInput, max_length=16)


class PolicyForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("Policy number"), max_length=64)
    premium_paid_yuan = forms.DecimalField(label=gettext_lazy("Premium paid, in yuan"), **MONEY)  # type: ignore[arg-type]
    starts_on = forms.DateField(
        label=gettext_lazy("Cover starts on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    received_on = forms.DateField(
        label=gettext_lazy("Signed for by the holder on"),
        help_text=gettext_lazy("The cooling-off period counts from the next day."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class RefundPaidForm(forms.Form):
    refunded_on = forms.DateField(
        label=gettext_lazy("Refund paid on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
