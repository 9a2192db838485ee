"""Nothing typed is lost (issue #15, CMP-I1): a form sent after the phone check lapsed is kept as a draft and
only a new code is asked for, sent to the same phone; "finish later" keeps it for a day; the form comes back
filled in. Files cannot be kept by a browser: the page says to choose them again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from xiaobao.identity import access as identity_access
from xiaobao.identity.actions import phone_verification_start
from xiaobao.identity.models import Insurer
from xiaobao.intake.access import draft_of
from xiaobao.intake.actions import draft_fields, draft_keep
from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.kernel.errors import DomainError
from xiaobao.ops.client import client_ip
from xiaobao.portal.code_check import code_checked
from xiaobao.portal.sealed import seal, unseal
from xiaobao.portal.session import lapsed_consumer_id, remember_consumer, was_confirmed
from xiaobao.privacy.domain.identifiers import mask_phone

RENEW = "portal_renew"
FORM_PAGES = {"complaint": "portal:file_details", "claim": "portal:claim_apply"}
NOT_KEPT = frozenset({"csrfmiddlewaretoken", "save"})


@dataclass(frozen=True)
class Kept:
    """A draft brought back into its form: the typed fields and when they were kept."""

    fields: dict[str, str]
    saved_at: datetime
    expires_at: datetime


def typed(request: HttpRequest) -> dict[str, str]:
    """What the person typed into the form (never the files, never the CSRF token)."""
    return {name: request.POST.get(name, "") for name in request.POST if name not in NOT_KEPT}


def kept_for(actor: Actor, insurer_id: int, kind: str) -> Kept | None:
    draft = draft_of(actor, insurer_id, kind)
    if draft is None:
        return None
    return Kept(draft_fields(draft), draft.saved_at, draft.expires_at)


def keep_for_later(request: HttpRequest, actor: Actor, company: Insurer, kind: str) -> Kept:
    draft = draft_keep(actor=actor, insurer_id=company.pk, kind=kind, fields=typed(request), why="later")
    return Kept(draft_fields(draft), draft.saved_at, draft.expires_at)


def lapsed(request: HttpRequest, company: Insurer, kind: str) -> HttpResponse | None:
    """The phone check in this browser has lapsed: keep what was just sent (if anything), send a new code to
    the phone on record and ask only for it. None when nobody was checked here (the form starts at step 1)."""
    consumer_id = lapsed_consumer_id(request)
    if consumer_id is None:
        return None
    person = identity_access.consumer_for(Actor(kind=ActorKind.CONSUMER, consumer_id=consumer_id), consumer_id)
    if not person.phone:
        return None
    if request.method == "POST" and typed(request):
        draft_keep(
            actor=Actor(kind=ActorKind.CONSUMER, consumer_id=consumer_id),
            insurer_id=company.pk,
            kind=kind,
            fields=typed(request),
            why="check_lapsed",
        )
    try:
        verification = phone_verification_start(
            phone=person.phone, purpose="renew", language=request.LANGUAGE_CODE, client=client_ip(request)
        )
    except DomainError:
        return None  # too many codes this hour: the form starts at step 1, and its draft waits there
    request.session[RENEW] = seal(
        {
            "verification": verification.pk,
            "consumer": consumer_id,
            "confirmed": was_confirmed(request),
            "insurer": company.code,
            "kind": kind,
            "phone": mask_phone(person.phone),
        }
    )
    return HttpResponseRedirect(reverse("portal:check_again", args=[company.code]))


def check_again(request: HttpRequest, code: str) -> HttpResponse:
    """Only the new code: the person, their phone and what they typed are already known."""
    company = get_object_or_404(Insurer, code=code)
    pending = unseal(request.session.get(RENEW))
    if pending is None or pending["insurer"] != code:
        return HttpResponseRedirect(reverse("portal:file_start", args=[code]))
    form, proved = code_checked(request, pending["verification"])
    if proved is not None:
        del request.session[RENEW]
        remember_consumer(request, pending["consumer"], confirmed=pending["confirmed"])
        return HttpResponseRedirect(reverse(FORM_PAGES[pending["kind"]], args=[code]))
    return render(
        request,
        "portal/check_again.html",
        {"insurer": company, "form": form, "phone": pending["phone"], "kind": pending["kind"]},
        status=400 if form.errors else 200,
    )
