"""Portal pages: published channels (CMP-P1), filing online with a verified phone, tracking (CMP-2).

Thin: read a form, call one action or selector, render. Personal details waiting
for the code are kept in the session encrypted, never in plaintext.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaobao.audit.timeline import timeline
from xiaobao.claims import access as claims_access
from xiaobao.claims.labels import CLAIM_STATE_TEXT
from xiaobao.claims.selectors import claims_of_claimant
from xiaobao.complaints import access, actions
from xiaobao.complaints import selectors as complaint_selectors
from xiaobao.complaints.actions import NewComplaint, Upload
from xiaobao.complaints.domain.classification import PRODUCT_LINE_TEXT, Channel, ProductLine
from xiaobao.complaints.domain.decisions import REMEDY_TEXT, Remedy
from xiaobao.complaints.domain.lifecycle import State, Step
from xiaobao.complaints.domain.receipts import ReceiptState, parse_receipt_reference, sealed_access_code
from xiaobao.complaints.domain.steps import steps_for
from xiaobao.complaints.labels import STATE_TEXT
from xiaobao.complaints.letters import decision_letter_name, decision_letter_pdf
from xiaobao.complaints.models import Complaint, Deadline
from xiaobao.complaints.remedies import NEXT_STEPS_ANCHOR
from xiaobao.deadlines.clock import state_on
from xiaobao.disclosure import selectors as disclosure_selectors
from xiaobao.identity import access as identity_access
from xiaobao.identity.actions import (
    ConsumerDetails,
    consumer_identify_by_phone,
    phone_verification_start,
)
from xiaobao.identity.actors import actor_for_request
from xiaobao.identity.models import Insurer
from xiaobao.intake.actions import draft_discard
from xiaobao.kernel.actors import ANONYMOUS, SYSTEM, Actor, ActorKind
from xiaobao.kernel.errors import DomainError, NotFound
from xiaobao.notifications.selectors import channel_told
from xiaobao.ops import clock, ratelimit
from xiaobao.ops.client import client_ip
from xiaobao.ops.i18n import message_of
from xiaobao.portal import options, page_cache
from xiaobao.portal.code_check import code_checked
from xiaobao.portal.forms import ComplaintForm, IdentityForm, ReviewForm, TrackForm
from xiaobao.portal.journeys import complaint_headline, complaint_story
from xiaobao.portal.kept import Kept, keep_for_later, kept_for, lapsed
from xiaobao.portal.sealed import seal, unseal
from xiaobao.portal.session import (
    OPENED_COMPLAINTS,
    consumer_actor,
    identity_unconfirmed,
    remember_claim,
    remember_verified,
    verified_consumer,
)
from xiaobao.portal.sign_in import open_case, sign_in_url
from xiaobao.sales.selectors import approved_material_page, approved_materials_of, product_page, products_of
from xiaobao.web.context import ELDER_COOKIE, ELDER_SIZES
from xiaobao.web.files import stored_row_file
from xiaobao.web.letters import letter_response

PENDING, TRACKED = "portal_pending", OPENED_COMPLAINTS
AFTER_VERIFY = {"complaint": "portal:file_details", "claim": "portal:claim_apply", "mine": "portal:mine"}


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"insurers": Insurer.objects.order_by("name")})


def insurer(request: HttpRequest, code: str) -> HttpResponse:
    """Complaint phone, address, email, web address and the process in plain words (CMP-P1, CHN-2)."""
    company = get_object_or_404(Insurer, code=code)
    return render(
        request,
        "portal/insurer.html",
        {
            "insurer": company,
            "products": products_of(company.pk),
            "counters": identity_access.published_service_points(company.pk),
        },
    )


def product(request: HttpRequest, code: str, product_code: str) -> HttpResponse:
    """One product: plainly an insurance product, what it covers, its full terms and its register entry (SAL-1)."""
    company = get_object_or_404(Insurer, code=code)
    shown = product_page(company.pk, product_code)
    if shown is None:
        raise Http404
    return render(
        request,
        "portal/product.html",
        {
            "insurer": company,
            "product": shown,
            "line_text": _(PRODUCT_LINE_TEXT[ProductLine(shown.product_line)]),
            "materials": approved_materials_of(shown),
        },
    )


def _approved_material(code: str, product_code: str, material_id: int) -> tuple[Insurer, Any, Any]:
    company = get_object_or_404(Insurer, code=code)
    shown = product_page(company.pk, product_code)
    material = approved_material_page(shown, material_id) if shown is not None else None
    if material is None:  # not approved, withdrawn, rejected, or another product's: not published
        raise Http404
    return company, shown, material


def product_material(request: HttpRequest, code: str, product_code: str, material_id: int) -> HttpResponse:
    """Sales material approved for a product, as the buyer was shown it (SAL-1): a buyer can check that what
    they were handed is registered, and it says plainly it is insurance, with the register entry."""
    company, shown, material = _approved_material(code, product_code, material_id)
    file_url = (
        reverse("portal:product_material_file", args=[company.code, shown.code, material.pk]) if material.file else ""
    )
    return render(
        request,
        "portal/product_material.html",
        {"insurer": company, "product": shown, "material": material, "file_url": file_url},
    )


def product_material_file(request: HttpRequest, code: str, product_code: str, material_id: int) -> HttpResponseBase:
    _company, _shown, material = _approved_material(code, product_code, material_id)
    return stored_row_file(request, material, fallback=f"material-{material.pk}")


# -- filing ------------------------------------------------------------------------------------


def file_start(request: HttpRequest, code: str) -> HttpResponse:
    company = get_object_or_404(Insurer, code=code)
    form = IdentityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            verification = phone_verification_start(
                phone=form.cleaned_data["phone"],
                purpose="complaint",
                language=request.LANGUAGE_CODE,
                client=client_ip(request),
            )
        except DomainError as refused:
            form.add_error(None, message_of(refused))
        else:
            then = request.GET.get("for") if request.GET.get("for") in AFTER_VERIFY else "complaint"
            request.session[PENDING] = seal(
                {**form.cleaned_data, "verification": verification.pk, "insurer": code, "then": then}
            )
            return HttpResponseRedirect(reverse("portal:file_verify", args=[code]))
    return render(
        request,
        "portal/file_start.html",
        {"insurer": company, "form": form, "step": 1, "then": request.GET.get("for", "complaint")},
        status=400 if form.errors else 200,
    )


def file_verify(request: HttpRequest, code: str) -> HttpResponse:
    company = get_object_or_404(Insurer, code=code)
    pending = unseal(request.session.get(PENDING))
    if pending is None or pending["insurer"] != code:
        return HttpResponseRedirect(reverse("portal:file_start", args=[code]))
    form, proved = code_checked(request, pending["verification"])
    if proved is not None:
        identity = consumer_identify_by_phone(
            actor=SYSTEM,
            details=ConsumerDetails(
                name=pending["name"],
                resident_id=pending["resident_id"],
                id_kind=pending.get("id_kind") or "resident_id",
                birth_year=pending.get("birth_year"),
                new_urban_resident=bool(pending.get("new_urban_resident")),
                phone=pending["phone"],
                email=pending.get("email") or None,
                preferred_channel=pending["preferred_channel"],
                preferred_language=request.LANGUAGE_CODE,
            ),
        )
        del request.session[PENDING]
        remember_verified(request, identity)
        then = AFTER_VERIFY.get(pending.get("then", "complaint"), "portal:file_details")
        return HttpResponseRedirect(reverse(then, args=[code]) if then != "portal:mine" else reverse(then))
    return render(
        request,
        "portal/file_verify.html",
        {"insurer": company, "form": form, "step": 2, "then": pending.get("then", "complaint")},
        status=400 if form.errors else 200,
    )


def file_details(request: HttpRequest, code: str) -> HttpResponse:
    company = get_object_or_404(Insurer, code=code)
    actor = verified_consumer(request)
    if actor is None:
        return lapsed(request, company, "complaint") or HttpResponseRedirect(reverse("portal:file_start", args=[code]))
    if request.method == "POST" and request.POST.get("save") == "later":
        saved = keep_for_later(request, actor, company, "complaint")
        return _details_page(
            request,
            company,
            ComplaintForm(initial=saved.fields),
            saved.fields.get("token") or uuid.uuid4().hex,
            saved=saved,
        )
    kept = kept_for(actor, company.pk, "complaint")
    form = ComplaintForm(request.POST or None, request.FILES or None, initial=kept.fields if kept else None)
    token = request.POST.get("token") or (kept.fields.get("token") if kept else "") or uuid.uuid4().hex
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not settings.XIAOBAO_INTAKE_IMMEDIATE:
            return _receive(request, company, actor, form, token=token, kept=kept)
        # Registered in the request (XIAOBAO_INTAKE_IMMEDIATE).
        # The time of receipt is the first submission of this form: a resubmission is the same request.
        first_seen = request.session.setdefault("portal_forms", {}).setdefault(token, clock.now().isoformat())
        request.session.modified = True
        try:
            filed_now = actions.complaint_file_online(
                actor=actor,
                insurer_id=company.pk,
                idempotency_key=f"portal:{token}",
                uploads=[Upload(name=f.name or "file", content=f) for f in data["attachments"]],  # streamed, not read
                data=NewComplaint(
                    handling_branch_id=_handling_branch(company),
                    channel=Channel.WEB,
                    received_at=datetime.fromisoformat(first_seen),
                    product_line=data["product_line"],
                    reason=data["reason"],
                    description=data["description"],
                    requested_outcome=data["requested_outcome"],
                    policy_number=data["policy_number"],
                ),
            )
        except DomainError as refused:
            form.add_error(None, message_of(refused))
        else:
            draft_discard(actor=actor, insurer_id=company.pk, kind="complaint", why="sent")
            _remember(request, filed_now.complaint)
            request.session["portal_new_code"] = filed_now.access_code  # shown once, on the next page
            request.session["portal_duplicate"] = filed_now.linked_duplicate
            return HttpResponseRedirect(reverse("portal:filed", args=[filed_now.complaint.reference]))
    return _details_page(request, company, form, token, restored=kept if request.method == "GET" else None)


def _receive(
    request: HttpRequest, company: Insurer, actor: Actor, form: ComplaintForm, *, token: str, kept: Kept | None
) -> HttpResponse:
    """Write-behind (issue #20, ADR 0023): the form checked, one receipt written, and the answer at once — the
    reference, the access code, the day received and the day the decision is due; the intake worker registers
    the case from the receipt a moment later, with this same code. The form's token is the receipt's
    idempotency key: a double submit or a reload of this POST gives the same receipt and code, never a second
    case. Files sent with it are checked here, stored (encrypted) before the receipt is written and attached by
    the worker. A refusal — a file too large or not accepted included — shows the form again with what was
    typed, and nothing is kept."""
    data = form.cleaned_data
    try:
        received = actions.complaint_receive(
            actor=actor,
            insurer_id=company.pk,
            idempotency_key=f"portal:{token}",
            access_code=actions.new_access_code(),
            uploads=[Upload(name=f.name or "file", content=f) for f in data["attachments"]],  # streamed, not read
            data={
                "handling_branch_id": _handling_branch(company),
                "channel": Channel.WEB.value,
                "product_line": data["product_line"],
                "reason": data["reason"],
                "description": data["description"],
                "requested_outcome": data["requested_outcome"],
                "policy_number": data["policy_number"],
            },
        )
    except DomainError as refused:
        form.add_error(None, message_of(refused))
        return _details_page(request, company, form, token)
    if kept is not None:  # what was kept for later is sent now; without a draft, nothing more is written
        draft_discard(actor=actor, insurer_id=company.pk, kind="complaint", why="sent")
    receipt = received.receipt
    if receipt.state in {ReceiptState.DONE.value, ReceiptState.REFUSED.value}:
        # A reload after the worker ran: the case itself (or why it was not registered), by the receipt's reference.
        return HttpResponseRedirect(reverse("portal:tracking", args=[receipt.reference]))
    return render(
        request,
        "portal/received.html",
        {
            "receipt": receipt,
            "access_code": sealed_access_code(receipt.payload),
            "received_on": clock.statutory_date_of(receipt.received_at),
            "due": complaint_selectors.receipt_due(receipt),
            "insurer": company,
        },
    )


def _details_page(
    request: HttpRequest,
    company: Insurer,
    form: ComplaintForm,
    token: str,
    *,
    saved: Kept | None = None,
    restored: Kept | None = None,
) -> HttpResponse:
    return render(
        request,
        "portal/file_details.html",
        {
            "insurer": company,
            "form": form,
            "token": token,
            "step": 3,
            "unconfirmed": identity_unconfirmed(request),
            "saved": saved,
            "restored": restored,
        },
        status=400 if form.errors else 200,
    )


def _handling_branch(company: Insurer) -> int:
    """Online complaints go to the provincial branch (Liaoning), which routes them on."""
    try:
        return identity_access.intake_branch(company.pk).pk
    except NotFound:
        raise Http404 from None


def filed(request: HttpRequest, reference: str) -> HttpResponse:
    """Received — or found to be a complaint we already have. The page says what was really sent, and on which
    channel: a repeat sends nothing new."""
    complaint = _tracked(request, reference)
    duplicate = request.session.pop("portal_duplicate", False)
    return render(
        request,
        "portal/filed.html",
        {
            "complaint": complaint,
            "access_code": request.session.pop("portal_new_code", ""),
            "duplicate": duplicate,
            "sent_by": channel_told(complaint, "complaint_received", complaint.complainant_id),
        },
    )


# -- tracking ----------------------------------------------------------------------------------


def _remember(request: HttpRequest, complaint: Complaint) -> None:
    tracked = set(request.session.get(TRACKED, []))
    tracked.add(complaint.pk)
    request.session[TRACKED] = sorted(tracked)


def _tracked_key(request: HttpRequest, reference: str) -> access.TrackingKey:
    """A complaint this browser opened with its access code (or filed), or the complainant's own — signed in
    or their phone checked; else 404 — as for an unknown one."""
    try:
        return access.tracked_key(
            reference,
            opened=request.session.get(TRACKED, []),
            actor=consumer_actor(request) or ANONYMOUS,
        )
    except NotFound:
        raise Http404 from None


OPENED_RECEIPTS = "portal_opened_receipts"


def _receipt_tracking(request: HttpRequest, reference: str) -> HttpResponse:
    """A receipt's reference (LN-2026-W…): "received, being registered" with the day received and the due date
    until the worker registers it, then the case itself. Only for the consumer who filed it (their phone checked
    or signed in) or a browser that opened it with its access code; anyone else sees what an unknown reference
    shows."""
    try:
        receipt = access.tracked_receipt(
            reference,
            opened=request.session.get(OPENED_RECEIPTS, []),
            actor=consumer_actor(request) or ANONYMOUS,
        )
    except NotFound:
        return open_case(request, reference)
    if receipt.state == ReceiptState.DONE.value and receipt.complaint is not None:
        if receipt.complaint.pk not in request.session.get(TRACKED, []):
            _remember(request, receipt.complaint)  # the receipt opened it: so does its case
        return HttpResponseRedirect(reverse("portal:tracking", args=[receipt.complaint.reference]))
    refusal = ""
    if receipt.state == ReceiptState.REFUSED.value:
        error = DomainError(receipt.error.get("message") or None, **receipt.error.get("params", {}))
        refusal = message_of(error)
    return render(
        request,
        "portal/receipt_tracking.html",
        {
            "receipt": receipt,
            "insurer": receipt.insurer,
            "received_on": clock.statutory_date_of(receipt.received_at),
            "due": complaint_selectors.receipt_due(receipt),
            "refusal": refusal,
        },
    )


def _tracked(request: HttpRequest, reference: str) -> Complaint:
    return access.complaint_of_key(_tracked_key(request, reference))


def mine(request: HttpRequest) -> HttpResponse:
    """A signed-in consumer's own complaints, across every insurer."""
    actor = consumer_actor(request)
    if actor is None:
        return HttpResponseRedirect(sign_in_url(reverse("portal:mine")))
    complaints = access.complaints_for(actor).select_related("insurer").order_by("-registered_at")
    waiting = access.receipts_owed_to(actor).order_by("-received_at")
    return render(
        request,
        "portal/mine.html",
        {
            "receipts": [
                (r, clock.statutory_date_of(r.received_at), r.state == ReceiptState.REFUSED.value) for r in waiting
            ],
            "rows": [(c, STATE_TEXT.get(c.state, c.state)) for c in complaints],
            "claims": [(c, CLAIM_STATE_TEXT.get(c.state, c.state)) for c in claims_of_claimant(actor)],
            "unconfirmed": identity_unconfirmed(request),
        },
    )


GUESSES_PER_REFERENCE_A_DAY = 200


def _tracking_buckets(reference: str, address: str) -> list[tuple[str, int, timedelta]]:
    """Wrong guesses counted per address, per reference from that address, and per reference in a day.

    A guesser is stopped after 5 tries at one reference from one address, so they cannot lock the real
    complainant out from another address; the daily cap per reference (200 guesses at an 8-digit code: one
    chance in 500,000 a day) stops guessing spread over many addresses, and checking one's phone (/my/)
    opens the case whatever the counts.
    """
    quarter_hour = timedelta(minutes=15)
    return [
        (f"track-ip:{address}", 20, quarter_hour),
        (f"track-ref-ip:{reference}:{address}", 5, quarter_hour),
        (f"track-ref:{reference}", GUESSES_PER_REFERENCE_A_DAY, timedelta(days=1)),
    ]


def track(request: HttpRequest) -> HttpResponse:
    """Reference + access code, for a complaint or a claim (CL-…). A wrong code is refused exactly like an unknown
    number; guesses are throttled."""
    form = TrackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reference = form.cleaned_data["reference"].strip().upper()
        buckets = _tracking_buckets(reference, client_ip(request))
        try:
            for bucket, limit, window in buckets:
                ratelimit.check(bucket, limit=limit, window=window)
            opened = _open_with_code(request, reference, form.cleaned_data["access_code"])
        except NotFound:
            for bucket, _limit, _window in buckets:
                ratelimit.hit(bucket)
            form.add_error(
                None,
                _(
                    "We found no complaint or claim with that reference number and access code. "
                    "Check both and try again, or call us."
                ),
            )
        except DomainError as refused:
            form.add_error(None, message_of(refused))
        else:
            return HttpResponseRedirect(opened)
    return render(
        request,
        "portal/track.html",
        {"form": form, "sign_in": sign_in_url(request.GET.get("next") or reverse("portal:mine"))},
        status=400 if form.errors else 200,
    )


def _open_with_code(request: HttpRequest, reference: str, code: str) -> str:
    """Remember in this browser the case the code opens, and say where its page is; NotFound for a wrong pair."""
    if reference.startswith("CL-"):
        claim = claims_access.claim_by_reference_and_code(reference, code)
        remember_claim(request, claim.pk)
        return reverse("portal:claim", args=[claim.reference])
    if parse_receipt_reference(reference) is not None:
        receipt = access.receipt_by_reference_and_code(reference, code)
        request.session[OPENED_RECEIPTS] = sorted({*request.session.get(OPENED_RECEIPTS, []), receipt.pk})
        return reverse("portal:tracking", args=[receipt.reference])
    complaint = access.complaint_by_reference_and_code(reference, code)
    _remember(request, complaint)
    return reverse("portal:tracking", args=[complaint.reference])


def tracking(
    request: HttpRequest, reference: str, *, error: str = "", review_form: ReviewForm | None = None
) -> HttpResponse:
    if parse_receipt_reference(reference) is not None:
        return _receipt_tracking(request, reference)
    if error or review_form is not None:  # a form shown again with what was typed: drawn fresh
        return _tracking_page(request, _tracked(request, reference), {"error": error, "review_form": review_form})
    try:
        key = _tracked_key(request, reference)
    except Http404:
        return open_case(request, reference)
    return page_cache.served(
        request,
        kind="track",
        pk=key.complaint_id,
        version=key.version,
        draw=lambda extra: _tracking_page(request, access.complaint_of_key(key), extra),
    )


def _tracking_page(request: HttpRequest, complaint: Complaint, extra: dict[str, Any]) -> HttpResponse:
    deadline = complaint_selectors.active_deadline(complaint)
    days_left = state = None
    if deadline is not None:
        state, days_left = state_on(deadline.due, clock.today(), paused=deadline.state == Deadline.PAUSED)
    offered = steps_for(
        State(complaint.state),
        Actor(kind=ActorKind.CONSUMER, consumer_id=complaint.complainant_id),
        handler_id=complaint.handler_id,
        own_case=True,
    )
    error = extra.get("error", "")
    return render(
        request,
        "portal/tracking.html",
        {
            "complaint": complaint,
            "state_text": STATE_TEXT.get(complaint.state, complaint.state),
            "deadline": deadline,
            "days_left": days_left,
            "paused": state is not None and state.value == "paused",
            "timeline": timeline(complaint, consumer_view=True),
            "journey": complaint_story(complaint),
            "insurer": complaint.insurer,  # the header's call-back goes straight to this insurer
            "headline": complaint_headline(complaint),
            "extensions": complaint.extensions.filter(effective_at__isnull=False).order_by("effective_at"),
            "open_requests": complaint.information_requests.filter(answered_at__isnull=True).order_by("requested_at"),
            "options": [_(text) for text in REMEDY_TEXT.values()],
            "can_withdraw": Step.WITHDRAW in offered,
            "can_review": Step.REQUEST_REVIEW in offered and complaint.review_requested_on is None,
            "can_want_mediation": complaint.state not in {"declined", "withdrawn"}
            and not complaint.mediation_wanted_on,
            "next_steps": options.next_steps(complaint, extra.get("review_form")),
            "open_data_consented": disclosure_selectors.open_data_consented(complaint.pk),
            **extra,
            "review_form": extra.get("review_form") or ReviewForm(),
            "error": error,
        },
        status=400 if error else 200,
    )


@require_POST
def tracking_step(request: HttpRequest, reference: str, step: str) -> HttpResponse:
    complaint = _tracked(request, reference)
    actor = Actor(kind=ActorKind.CONSUMER, consumer_id=complaint.complainant_id)
    review_form = ReviewForm(request.POST) if step == "review" else None
    try:
        if step == "withdraw":
            if request.POST.get("confirm") != "yes":  # one press never withdraws: the person confirms first
                return render(request, "portal/withdraw_confirm.html", {"complaint": complaint})
            actions.complaint_withdraw(actor=actor, complaint_id=complaint.pk)
        elif step == "review" and review_form is not None:
            if not review_form.is_valid():
                return tracking(request, reference, error=_("Please say why you disagree."), review_form=review_form)
            actions.complaint_request_review(
                actor=actor, complaint_id=complaint.pk, grounds=review_form.cleaned_data["grounds"]
            )
        elif step == "mediation":  # then the consent: which organisation, what it may see (DSP-1)
            actions.complaint_want_mediation(actor=actor, complaint_id=complaint.pk)
            messages.success(request, _("Thank you. We have recorded it."))
            return HttpResponseRedirect(reverse("portal:mediation_consent", args=[reference]))
        elif step == "files":
            uploads = [Upload(name=f.name or "file", content=f) for f in request.FILES.getlist("files")]
            actions.complaint_attach(actor=actor, complaint_id=complaint.pk, uploads=uploads)
        else:
            raise Http404
    except DomainError as refused:
        return tracking(request, reference, error=message_of(refused), review_form=review_form)
    messages.success(request, _("Thank you. We have recorded it."))
    return HttpResponseRedirect(reverse("portal:tracking", args=[reference]))


@require_POST
def tracking_choose(request: HttpRequest, reference: str) -> HttpResponse:
    """Record the complainant's choice after the decision and act on it (DSP-2); the case is found exactly as
    its tracking page finds it (404 for anyone else). A review needs the reason for disagreeing; a rejected
    form keeps what was typed."""
    complaint = _tracked(request, reference)
    try:
        option = Remedy(request.POST.get("option", ""))
    except ValueError:
        raise Http404 from None
    actor = Actor(kind=ActorKind.CONSUMER, consumer_id=complaint.complainant_id)
    grounds, review_form = "", None
    if option is Remedy.REVIEW and complaint.review_requested_on is None and complaint.next_step != option.value:
        review_form = ReviewForm(request.POST)
        if not review_form.is_valid():
            return tracking(request, reference, error=_("Please say why you disagree."), review_form=review_form)
        grounds = review_form.cleaned_data["grounds"]
    try:
        actions.complaint_choose_next_step(actor=actor, complaint_id=complaint.pk, option=option, grounds=grounds)
    except DomainError as refused:
        return tracking(request, reference, error=message_of(refused), review_form=review_form)
    messages.success(request, _("Thank you. We have recorded your choice."))
    if option is Remedy.MEDIATION:
        return HttpResponseRedirect(options.mediation_next_page(complaint))
    return HttpResponseRedirect(reverse("portal:tracking", args=[reference]) + f"#{NEXT_STEPS_ANCHOR}")


def tracking_letter(request: HttpRequest, reference: str) -> HttpResponse:
    """The decision letter, once sent, to the same readers as the tracking page (CMP-N1, CMP-N3); else 404."""
    complaint = _tracked(request, reference)
    try:
        return letter_response(decision_letter_pdf(complaint, sent_only=True), decision_letter_name(complaint))
    except NotFound:
        raise Http404 from None


@require_POST
def elder_mode(request: HttpRequest) -> HttpResponse:
    """The elder version (INC-E1): larger text and targets, no pop-ups; ``elder=on`` larger text, ``elder=large``
    extra-large text, anything else the standard version; remembered for a year."""
    target = request.POST.get("next") or "/"
    if not target.startswith("/") or target.startswith("//"):
        target = "/"
    response = HttpResponseRedirect(target)
    chosen = ELDER_SIZES.get(request.POST.get("elder", ""))
    if chosen:
        response.set_cookie(ELDER_COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    else:
        response.delete_cookie(ELDER_COOKIE)
    return response


def after_login(request: HttpRequest) -> HttpResponse:
    """Staff go to their workbench; mediators to their organisation's workspace; the regulator to the statistics;
    consumers to their complaints."""
    actor = actor_for_request(request)
    if actor.kind is ActorKind.MEDIATOR:  # a mediation organisation's own workspace (DSP-1)
        return HttpResponseRedirect(reverse("mediation:workspace"))
    if actor.kind is ActorKind.REGULATOR:
        return HttpResponseRedirect(reverse("reports:regulator"))
    return HttpResponseRedirect(reverse("workbench:queue") if actor.kind is ActorKind.STAFF else reverse("portal:mine"))
