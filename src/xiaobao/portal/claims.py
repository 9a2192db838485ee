"""Claims on the portal (CLM-3): apply, send each missing document, follow the claim, book a home visit.

The claimant is signed in, or checked their phone with a one-time code (the same first two steps as a
complaint). Thin: read a form, call one action or selector, render.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaobao.claims import access as claims_access
from xiaobao.claims import actions, selectors
from xiaobao.claims.actions import NewClaim
from xiaobao.claims.labels import CLAIM_CLOCK_TEXT, CLAIM_STATE_TEXT, CLAIM_TYPE_TEXT, GREEN_TEXT
from xiaobao.claims.letters import refusal_letter_name, refusal_letter_pdf
from xiaobao.identity.models import Insurer
from xiaobao.intake.actions import draft_discard
from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.kernel.errors import DomainError, NotFound
from xiaobao.ops.i18n import message_of
from xiaobao.portal.forms import ClaimForm, HomeVisitForm
from xiaobao.portal.journeys import claim_headline, claim_story
from xiaobao.portal.kept import Kept, keep_for_later, kept_for, lapsed
from xiaobao.portal.session import consumer_actor, identity_unconfirmed, opened_claims
from xiaobao.portal.sign_in import open_case
from xiaobao.web.letters import letter_response


def _kinds() -> list[tuple[str, str]]:
    return [
        (f"{line}/{kind}", str(CLAIM_TYPE_TEXT.get((line, kind), f"{line} / {kind}")))
        for line, kind in selectors.claim_kinds()
    ]


def claim_apply(request: HttpRequest, code: str) -> HttpResponse:
    company = get_object_or_404(Insurer, code=code)
    actor = consumer_actor(request)
    if actor is None:
        return lapsed(request, company, "claim") or HttpResponseRedirect(
            f"{reverse('portal:file_start', args=[code])}?for=claim"
        )
    if request.method == "POST" and request.POST.get("save") == "later":
        saved = keep_for_later(request, actor, company, "claim")
        form = ClaimForm(initial=saved.fields, kinds=_kinds())
        return _apply_page(request, company, form, saved.fields.get("token") or uuid.uuid4().hex, saved=saved)
    kept = kept_for(actor, company.pk, "claim")
    form = ClaimForm(request.POST or None, kinds=_kinds(), initial=kept.fields if kept else None)
    token = request.POST.get("token") or (kept.fields.get("token") if kept else "") or uuid.uuid4().hex
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        line, _sep, kind = data["kind"].partition("/")
        try:
            claim = actions.claim_report(
                actor=actor,
                insurer_id=company.pk,
                idempotency_key=f"portal:{token}",
                data=NewClaim(
                    policy_number=data["policy_number"],
                    product_line=line,
                    claim_type=kind,
                    incident_date=data["incident_date"],
                    incident_region=data["incident_region"],
                    description=data["description"],
                    amount_claimed=data["amount_claimed"],
                    beneficiary_name=data["beneficiary_name"],
                ),
            )
        except DomainError as refused:
            form.add_error(None, message_of(refused))
        else:
            draft_discard(actor=actor, insurer_id=company.pk, kind="claim", why="sent")
            messages.success(
                request, _("We have received your claim. Its number is %(reference)s.") % {"reference": claim.reference}
            )
            return HttpResponseRedirect(reverse("portal:claim", args=[claim.reference]))
    return _apply_page(request, company, form, token, restored=kept if request.method == "GET" else None)


def _apply_page(
    request: HttpRequest,
    company: Insurer,
    form: ClaimForm,
    token: str,
    *,
    saved: Kept | None = None,
    restored: Kept | None = None,
) -> HttpResponse:
    return render(
        request,
        "portal/claim_apply.html",
        {
            "insurer": company,
            "form": form,
            "token": token,
            "unconfirmed": identity_unconfirmed(request),
            "saved": saved,
            "restored": restored,
        },
        status=400 if form.errors else 200,
    )


def _own(request: HttpRequest, reference: str) -> tuple[Actor, int]:
    """The claimant's own claim (signed in, or their phone checked), or one this browser opened with its reference
    and access code — acting as its claimant; anything else is a 404, as for an unknown number."""
    actor = consumer_actor(request)
    if actor is not None:
        try:
            return actor, claims_access.claim_id_of_claimant(actor, reference)
        except NotFound:
            pass
    try:
        claim_id, claimant_id = claims_access.claim_id_opened(reference, opened_claims(request))
    except NotFound:
        raise Http404 from None
    return Actor(kind=ActorKind.CONSUMER, consumer_id=claimant_id), claim_id


def claim_follow(
    request: HttpRequest, reference: str, *, error: str = "", visit_form: HomeVisitForm | None = None
) -> HttpResponse:
    try:
        actor, claim_id = _own(request, reference)
    except Http404:
        return open_case(request, reference)
    try:
        view = selectors.claim_follow(actor, claim_id)
    except NotFound:
        raise Http404 from None
    claim = view.claim
    next_date = view.next_date
    return render(
        request,
        "portal/claim.html",
        {
            "view": view,
            "claim": claim,
            "state_text": CLAIM_STATE_TEXT.get(claim.state, claim.state),
            "journey": claim_story(claim),
            "insurer": claim.insurer,  # the header's call-back goes straight to this insurer
            "headline": claim_headline(claim),
            "next_date": next_date,
            "next_text": CLAIM_CLOCK_TEXT.get(next_date.clock, "") if next_date else "",
            "green": [GREEN_TEXT.get(r, r) for r in claim.green_channel],
            "can_book_visit": bool(claim.green_channel) and claim.state not in selectors.CLOSED,
            "visit_form": visit_form or HomeVisitForm(),
            "error": error,
        },
        status=400 if error else 200,
    )


@require_POST
def claim_upload(request: HttpRequest, reference: str) -> HttpResponse:
    """Each missing document has its own file field (``doc-<code>``); every chosen file is sent."""
    actor, claim_id = _own(request, reference)
    chosen = [
        (name.removeprefix("doc-"), upload)
        for name in request.FILES
        if name.startswith("doc-") and (upload := request.FILES.get(name)) is not None
    ]
    if not chosen:
        return claim_follow(request, reference, error=_("Choose at least one file to send."))
    sent = 0
    for item_code, upload in chosen:
        try:
            actions.claim_receive_document(
                actor=actor, claim_id=claim_id, item_code=item_code, name=upload.name or "file", content=upload
            )
        except NotFound:
            raise Http404 from None
        except DomainError as refused:
            # Files already sent are kept (each is its own step); the page says which one was refused.
            return claim_follow(request, reference, error=f"{upload.name}: {message_of(refused)}")
        sent += 1
    messages.success(request, _("Thank you. We have received %(count)s file(s).") % {"count": sent})
    return HttpResponseRedirect(reverse("portal:claim", args=[reference]))


@require_POST
def claim_home_visit(request: HttpRequest, reference: str) -> HttpResponse:
    actor, claim_id = _own(request, reference)
    form = HomeVisitForm(request.POST)
    if not form.is_valid():
        return claim_follow(request, reference, error=_("Please choose a day."), visit_form=form)
    try:
        actions.claim_book_home_visit(
            actor=actor, claim_id=claim_id, day=form.cleaned_data["day"], note=form.cleaned_data["note"]
        )
    except NotFound:
        raise Http404 from None
    except DomainError as refused:
        return claim_follow(request, reference, error=message_of(refused), visit_form=form)
    messages.success(request, _("Your home visit is booked. We will call you the day before."))
    return HttpResponseRedirect(reverse("portal:claim", args=[reference]))


def claim_refusal_letter(request: HttpRequest, reference: str) -> HttpResponse:
    """The written refusal notice of the claimant's own refused claim (CLM-T4); anything else is a 404."""
    actor, claim_id = _own(request, reference)
    try:
        refusal = selectors.refusal_of_claimant(actor, claim_id)
    except NotFound:
        raise Http404 from None
    return letter_response(refusal_letter_pdf(refusal), refusal_letter_name(refusal))
