"""The complainant's consent to mediation (DSP-1; issue #17): which organisation — or leave it to the insurer
among those that mediate this kind of insurance — and what it may see: the decision, the timeline, the files
they choose. For the signed-in complainant and for the browser that opened the complaint with its access code;
anyone else gets 404. The URL (``portal:mediation_consent``) is where every "I want mediation" leads."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy

from xiaobao.complaints import access
from xiaobao.complaints.models import Complaint
from xiaobao.disputes import actions, selectors
from xiaobao.disputes.domain.mediation import SHARED_TEXT, STATE_TEXT, ReferralState, Shared
from xiaobao.kernel.actors import ANONYMOUS, Actor, ActorKind
from xiaobao.kernel.errors import DomainError, NotFound
from xiaobao.ops.i18n import message_of
from xiaobao.portal.session import consumer_actor, opened_complaints

INSURER_CHOOSES = "insurer"


class ConsentForm(forms.Form):
    organisation = forms.ChoiceField(label=gettext_lazy("Which mediation organisation"), widget=forms.RadioSelect)
    shared = forms.MultipleChoiceField(
        label=gettext_lazy("What it may see"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy(
            "Nothing you leave unticked is sent. The organisation always learns the complaint's reference and its subject."
        ),
    )
    documents = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Which of your files"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        coerce=int,
        help_text=gettext_lazy("Sent only if you also tick “the files you chose” above."),
    )
    agree = forms.BooleanField(
        label=gettext_lazy("I agree that my complaint goes to mediation, sharing what I ticked.")
    )

    def __init__(
        self,
        *args: Any,
        organisations: Sequence[tuple[str, str]],
        files: Sequence[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [  # type: ignore[attr-defined]
            *organisations,
            (INSURER_CHOOSES, gettext("Let the insurer choose one of these")),
        ]
        self.fields["shared"].choices = [(s.value, gettext(SHARED_TEXT[s])) for s in Shared]  # type: ignore[attr-defined]
        self.fields["documents"].choices = list(files)  # type: ignore[attr-defined]
        if not files:
            del self.fields["documents"]


def _consent_form(data: Any, page: selectors.ConsentPage) -> ConsentForm:
    """The form, filled with the consent on record (if any), offering the organisations in scope and the files."""
    consent = page.consent
    initial = (
        {
            "organisation": str(consent.organisation_id or INSURER_CHOOSES),
            "shared": list(consent.shared),
            "documents": list(consent.documents),
        }
        if consent is not None
        else {}
    )
    return ConsentForm(
        data,
        initial=initial,
        organisations=[(str(o.pk), _organisation_label(o)) for o in page.organisations],
        files=[(a.pk, a.original_name) for a in page.attachments],
    )


def _organisation_label(organisation: Any) -> str:
    parts = [organisation.name, organisation.get_kind_display()]
    if organisation.regions:
        parts.append(gettext("serves %(regions)s") % {"regions": "、".join(organisation.regions)})
    if organisation.phone:
        parts.append(gettext("phone %(phone)s") % {"phone": organisation.phone})
    return " — ".join(parts)


def _complaint(request: HttpRequest, reference: str) -> Complaint:
    try:
        key = access.tracked_key(
            reference, opened=opened_complaints(request), actor=consumer_actor(request) or ANONYMOUS
        )
    except NotFound:
        raise Http404 from None
    return access.complaint_of_key(key)


def mediation_consent(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _complaint(request, reference)
    page = selectors.consent_page(complaint)
    actor = Actor(kind=ActorKind.CONSUMER, consumer_id=complaint.complainant_id)
    form = _consent_form(request.POST or None, page)
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = data["organisation"]
        try:
            actions.consent_give(
                actor=actor,
                complaint_id=complaint.pk,
                organisation_id=None if chosen == INSURER_CHOOSES else int(chosen),
                shared=data["shared"],
                documents=data.get("documents") or [],
            )
        except DomainError as refused:
            error = message_of(refused)
        else:
            messages.success(
                request,
                gettext("Your consent is recorded. The insurer will refer your complaint and tell you when it has."),
            )
            return HttpResponseRedirect(reverse("portal:mediation_consent", args=[complaint.reference]))
    referral = page.referral
    return render(
        request,
        "portal/mediation_consent.html",
        {
            "complaint": complaint,
            "page": page,
            "form": form,
            "error": error,
            "insurer": complaint.insurer,
            "consent_shared": [gettext(SHARED_TEXT[Shared(s)]) for s in page.consent.shared] if page.consent else [],
            "referral_state": gettext(STATE_TEXT[ReferralState(referral.state)]) if referral else "",
            "may_consent": complaint.state not in {"declined", "withdrawn"}
            and (referral is None or referral.state not in {"referred", "accepted"}),
        },
        status=400 if (error or form.errors) else 200,
    )
