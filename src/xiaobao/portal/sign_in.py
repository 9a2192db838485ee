"""Coming back in one step (INC-1, ADR 0007): a consumer signs in with their phone and a code sent to it.

A person is who their verified phone says, so the phone alone is enough to come back: every record on that phone
is theirs; a typed name or ID number would prove nothing. Any page that needs the person sends them here with
``?next=`` and they return to it.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _

from xiaobao.identity import access as identity_access
from xiaobao.identity.actions import phone_verification_start
from xiaobao.identity.domain.documents import mask_document
from xiaobao.identity.models import Consumer
from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.kernel.errors import DomainError
from xiaobao.ops.client import client_ip
from xiaobao.ops.i18n import message_of
from xiaobao.portal.code_check import code_checked
from xiaobao.portal.forms import ChooseConsumerForm, PhoneForm, TrackForm
from xiaobao.portal.sealed import seal, unseal
from xiaobao.portal.session import consumer_actor, remember_consumer
from xiaobao.privacy.domain.identifiers import mask_name, mask_phone

SIGN_IN = "portal_sign_in"


def sign_in_url(next_path: str) -> str:
    """The sign-in page that comes back to ``next_path`` afterwards."""
    return f"{reverse('portal:sign_in')}?{urlencode({'next': next_path})}"


def _next(request: HttpRequest, value: str | None) -> str:
    """Where to go once signed in: a page of this site only (never another site: no open redirect)."""
    if value and value.startswith("/") and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}):
        return value
    return reverse("portal:mine")


def sign_in(request: HttpRequest) -> HttpResponse:
    """Step 1: the phone. Someone already known in this browser goes straight on."""
    next_path = _next(request, request.POST.get("next") or request.GET.get("next"))
    if request.method == "GET" and consumer_actor(request) is not None:
        return HttpResponseRedirect(next_path)
    form = PhoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"]
        try:
            verification = phone_verification_start(
                phone=phone, purpose="sign_in", language=request.LANGUAGE_CODE, client=client_ip(request)
            )
        except DomainError as refused:
            form.add_error(None, message_of(refused))
        else:
            request.session[SIGN_IN] = seal(
                {"verification": verification.pk, "next": next_path, "phone": mask_phone(phone)}
            )
            return HttpResponseRedirect(reverse("portal:sign_in_code"))
    return render(
        request,
        "portal/sign_in.html",
        {"form": form, "next": next_path, "stage": "phone"},
        status=400 if form.errors else 200,
    )


def sign_in_code(request: HttpRequest) -> HttpResponse:
    """Step 2: the code. One record on the phone: signed in; several (the phone filed for more than one ID
    number): the person says whose cases to open; none: we say so, and how else to open a case."""
    pending = unseal(request.session.get(SIGN_IN))
    if pending is None or "verification" not in pending:
        return HttpResponseRedirect(reverse("portal:sign_in"))
    form, proved = code_checked(request, pending["verification"])
    context = {"form": form, "stage": "code", "phone": pending["phone"], "next": pending["next"]}
    if proved is not None:
        people = identity_access.consumers_of_checked_phone(proved)
        if not people:
            del request.session[SIGN_IN]
            return render(request, "portal/sign_in.html", {**context, "stage": "none"})
        if len(people) == 1:
            return _signed_in(request, people[0], pending["next"])
        request.session[SIGN_IN] = seal({"people": [p.pk for p in people], "next": pending["next"]})
        return HttpResponseRedirect(reverse("portal:sign_in_choose"))
    return render(request, "portal/sign_in.html", context, status=400 if form.errors else 200)


def sign_in_choose(request: HttpRequest) -> HttpResponse:
    """Step 3, only when the phone is on more than one record: names and ID numbers masked."""
    pending = unseal(request.session.get(SIGN_IN))
    if pending is None or "people" not in pending:
        return HttpResponseRedirect(reverse("portal:sign_in"))
    # Each as themselves: the gate opens a consumer's record to that consumer only.
    people = {
        pk: identity_access.consumer_for(Actor(kind=ActorKind.CONSUMER, consumer_id=pk), pk) for pk in pending["people"]
    }
    form = ChooseConsumerForm(request.POST or None, people=[(pk, _person_label(p)) for pk, p in people.items()])
    if request.method == "POST" and form.is_valid():
        return _signed_in(request, people[form.cleaned_data["consumer"]], pending["next"])
    return render(
        request,
        "portal/sign_in.html",
        {"form": form, "stage": "choose", "next": pending["next"]},
        status=400 if form.errors else 200,
    )


def _person_label(person: Consumer) -> str:
    number = mask_document(person.id_kind, person.resident_id) if person.resident_id else ""
    return _("%(name)s, ID number %(number)s") % {"name": mask_name(person.name), "number": number}


def _signed_in(request: HttpRequest, person: Consumer, next_path: str) -> HttpResponse:
    request.session.pop(SIGN_IN, None)
    # The ID number on this record was typed with another phone on record for it: say so on the pages.
    remember_consumer(request, person.pk, confirmed=person.stated_resident_id_index is None)
    return HttpResponseRedirect(next_path)


def open_case(request: HttpRequest, reference: str) -> HttpResponse:
    """What someone sees who follows a link to a case this browser may not open yet (a link in a text message,
    a day later): the two ways to open it, the reference filled in. The same for an unknown reference, so the
    page tells nobody whether a case exists (CMP-2); 404 either way."""
    return render(
        request,
        "portal/open_case.html",
        {
            "reference": reference,
            "form": TrackForm(initial={"reference": reference}),
            "sign_in": sign_in_url(request.get_full_path()),
        },
        status=404,
    )
