"""Asking to be called back, with one press from any portal page (MISSION INC-1, RULES.md INC-E3).

Thin: the form, one action, the confirmation. A phone checked in this browser (or the signed-in consumer's) is
used without being typed again; a rejected form comes back with everything that was typed.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xiaobao.callbacks import actions, selectors
from xiaobao.callbacks.actions import CallbackAsked
from xiaobao.callbacks.domain.languages import LANGUAGE_TEXT, MAX_DIALECT, MAX_NOTE, CallLanguage, language_for_page
from xiaobao.callbacks.domain.timing import SLOT_TEXT, Slot, slots_open
from xiaobao.identity.models import Insurer
from xiaobao.kernel.actors import ANONYMOUS
from xiaobao.kernel.errors import DomainError, InvalidInput, NotFound
from xiaobao.ops import clock
from xiaobao.ops.client import client_ip
from xiaobao.ops.i18n import message_of, translated_labels
from xiaobao.portal.session import consumer_actor
from xiaobao.privacy.domain.identifiers import normalise_phone

MADE_HERE = "portal_call_backs"
"""The ids of the requests this browser made: only those have a confirmation page here."""
KEPT = 20


class CallBackForm(forms.Form):
    phone = forms.CharField(
        label=_("Phone number to call"),
        max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    slot = forms.ChoiceField(label=_("When should we call?"), widget=forms.RadioSelect)
    language = forms.ChoiceField(
        label=_("Which language should we speak?"),
        choices=list(translated_labels(LANGUAGE_TEXT).items()),
        widget=forms.RadioSelect,
    )
    dialect = forms.CharField(
        label=_("Which dialect (only if you chose a dialect)"),
        max_length=MAX_DIALECT,
        required=False,
        help_text=_("For example Northeastern Mandarin, Shanghainese or Hakka."),
    )
    note = forms.CharField(
        label=_("What is it about? (optional)"),
        max_length=MAX_NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A few words are enough, for example: my claim, or a complaint."),
    )
    elderly = forms.BooleanField(label=_("I am 60 or older"), required=False)
    disabled = forms.BooleanField(label=_("I have a disability"), required=False)
    new_urban_resident = forms.BooleanField(
        label=_("I moved to the city recently (new urban resident)"), required=False
    )

    def __init__(self, *args: Any, slots: list[Slot], phone_known: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = [(s.value, _(SLOT_TEXT[s])) for s in slots]  # type: ignore[attr-defined]
        if phone_known:
            phone = self.fields["phone"]
            phone.required = False
            phone.label = _("Another number (only if we should not call the one above)")

    def clean_phone(self) -> str:
        typed = str(self.cleaned_data.get("phone") or "").strip()
        if not typed:
            return ""
        try:
            return normalise_phone(typed)
        except InvalidInput as error:
            raise forms.ValidationError(message_of(error)) from error

    def priority_fields(self) -> list[Any]:
        return [self[name] for name in ("elderly", "disabled", "new_urban_resident")]

    def choice_fields(self) -> list[Any]:
        return [self[name] for name in ("phone", "slot", "language", "dialect", "note")]


def _slots(now: datetime, submitted: object) -> list[Slot]:
    """The times still possible, and the one sent (so a slot that ended meanwhile is explained, not lost)."""
    shown = slots_open(now)
    if isinstance(submitted, str) and submitted in Slot.__members__.values() and Slot(submitted) not in shown:
        shown.append(Slot(submitted))
    return shown


def choose_insurer(request: HttpRequest) -> HttpResponse:
    """``/call-back/`` from a page about no insurer in particular: first, which insurer should call."""
    return render(request, "portal/call_back_choose.html", {"insurers": Insurer.objects.order_by("name")})


def insurer_call_back(request: HttpRequest, code: str) -> HttpResponse:
    company = get_object_or_404(Insurer, code=code)
    actor = consumer_actor(request)
    checked_phone = selectors.checked_phone_masked(actor)
    now = clock.now()
    form = CallBackForm(
        request.POST or None,
        slots=_slots(now, request.POST.get("slot")),
        phone_known=bool(checked_phone),
        initial={"slot": Slot.SOON.value, "language": language_for_page(request.LANGUAGE_CODE).value},
    )
    token = request.POST.get("token") or uuid.uuid4().hex
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            callback = actions.callback_request(
                actor=actor or ANONYMOUS,
                insurer_id=company.pk,
                idempotency_key=f"portal:{token}"[:64],
                client=client_ip(request),
                asked=CallbackAsked(
                    phone=data["phone"],
                    slot=Slot(data["slot"]),
                    language=CallLanguage(data["language"]),
                    dialect=data["dialect"],
                    note=data["note"],
                    elderly=data["elderly"],
                    disabled=data["disabled"],
                    new_urban_resident=data["new_urban_resident"],
                    page_language=request.LANGUAGE_CODE,
                ),
            )
        except DomainError as refused:
            form.add_error(None, message_of(refused))
        else:
            made = [pk for pk in request.session.get(MADE_HERE, []) if pk != callback.pk][-(KEPT - 1) :]
            request.session[MADE_HERE] = [*made, callback.pk]
            return HttpResponseRedirect(reverse("portal:call_back_done", args=[callback.reference]))
    return render(
        request,
        "portal/call_back.html",
        {"insurer": company, "form": form, "token": token, "checked_phone": checked_phone},
        status=400 if form.errors else 200,
    )


def call_back_done(request: HttpRequest, reference: str) -> HttpResponse:
    """When we will call, the hotline for those who cannot wait, and the reference (this browser's own only)."""
    try:
        shown = selectors.confirmation(reference, list(request.session.get(MADE_HERE, [])))
    except NotFound:
        raise Http404 from None
    return render(
        request,
        "portal/call_back_done.html",
        {
            "done": shown,
            "soon": shown.slot is Slot.SOON,
            "same_day": clock.statutory_date_of(shown.target_at) == clock.today(),
        },
    )
