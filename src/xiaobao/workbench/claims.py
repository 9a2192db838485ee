"""The adjuster's pages: the claims queue (green channel first) and the claim page with its steps."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from xiaobao.claims import actions, selectors
from xiaobao.claims.domain.lifecycle import ClaimState
from xiaobao.claims.labels import (
    CLAIM_CLOCK_TEXT,
    CLAIM_STATE_STAFF_TEXT,
    CLAIM_STEP_TEXT,
    GREEN_TEXT,
    region_name,
)
from xiaobao.claims.letters import refusal_letter_name, refusal_letter_pdf
from xiaobao.complaints import selectors as complaint_selectors
from xiaobao.identity.domain.permissions import Permission, staff_may
from xiaobao.kernel.actors import Actor
from xiaobao.kernel.errors import DomainError, InvalidInput, NotFound
from xiaobao.kernel.i18n import _
from xiaobao.ops.i18n import message_of
from xiaobao.web.letters import letter_response
from xiaobao.workbench.files import stored_file
from xiaobao.workbench.labels import CLOCK_TEXT, days_text
from xiaobao.workbench.reveal import reveal_and_draw, reveal_context
from xiaobao.workbench.staff import staff_only

Form = Mapping[str, Any]


def _amount(form: Form) -> Decimal:
    try:
        return Decimal(str(form.get("amount", "")).replace(",", "").strip())
    except InvalidOperation:
        raise InvalidInput(_("Enter the amount in yuan, for example 1200.50.")) from None


def _day(form: Form) -> date:
    try:
        return date.fromisoformat(str(form.get("day", "")))
    except ValueError:
        raise InvalidInput(_("Enter the day as YYYY-MM-DD.")) from None


def _receive(actor: Actor, pk: int, form: Form, files: Any) -> Any:
    upload = files.get("file")
    if upload is None:
        raise InvalidInput(_("Choose the file to add."))
    return actions.claim_receive_document(
        actor=actor, claim_id=pk, item_code=form.get("item_code", ""), name=upload.name or "file", content=upload
    )


CLAIM_STEPS: dict[str, Callable[[Actor, int, Form, Any], Any]] = {
    "request_documents": lambda a, pk, f, _files: actions.claim_request_documents(
        actor=a,
        claim_id=pk,
        items=(f.getlist("items") if hasattr(f, "getlist") else None) or None,
        new_fact=f.get("new_fact", ""),
    ),
    "assess": lambda a, pk, f, _files: actions.claim_assess(actor=a, claim_id=pk),
    "pause": lambda a, pk, f, _files: actions.claim_pause(actor=a, claim_id=pk, reason=f.get("reason", "")),
    "resume": lambda a, pk, f, _files: actions.claim_resume(actor=a, claim_id=pk),
    "agree_amount": lambda a, pk, f, _files: actions.claim_agree_amount(actor=a, claim_id=pk, amount=_amount(f)),
    "pay": lambda a, pk, f, _files: actions.claim_pay(actor=a, claim_id=pk),
    "refuse": lambda a, pk, f, _files: actions.claim_refuse(
        actor=a, claim_id=pk, reasons=f.get("reasons", ""), basis=f.get("basis", "")
    ),
    "advance_payment": lambda a, pk, f, _files: actions.claim_advance_payment(actor=a, claim_id=pk, amount=_amount(f)),
    "receive_document": _receive,
    "home_visit": lambda a, pk, f, _files: actions.claim_book_home_visit(
        actor=a, claim_id=pk, day=_day(f), note=f.get("note", "")
    ),
}


def present_date(next_date: selectors.NextDate | None) -> dict[str, Any] | None:
    """A claim's next date in words and colour (never colour alone)."""
    if next_date is None:
        return None
    state = next_date.clock_state.value
    return {
        "date": next_date,
        "what": CLAIM_CLOCK_TEXT.get(next_date.clock, next_date.clock),
        "days_text": days_text(next_date.days_left),
        "clock_text": CLOCK_TEXT.get(state, state),
        "clock_class": "clock-" + state.replace(" ", "-"),
    }


@staff_only
def claim_queue(request: HttpRequest, actor: Actor) -> HttpResponse:
    if not staff_may(actor, Permission.HANDLE_CLAIMS):
        raise Http404
    state = request.GET.get("state")
    rows = selectors.claim_queue(
        actor,
        state=state if state in {s.value for s in ClaimState} else None,
        green_only=request.GET.get("green") == "1",
    )
    return render(
        request,
        "workbench/claims.html",
        {
            "rows": [
                {
                    "claim": row.claim,
                    "next": present_date(row.next_date),
                    "state_text": CLAIM_STATE_STAFF_TEXT.get(row.claim.state, row.claim.state),
                    "green": [GREEN_TEXT.get(r, r) for r in row.claim.green_channel],
                }
                for row in rows
            ],
            "states": CLAIM_STATE_STAFF_TEXT,
            "state": state,
            "green_only": request.GET.get("green") == "1",
            "actor": actor,
        },
    )


@staff_only
def claim_case(
    request: HttpRequest,
    actor: Actor,
    claim_id: int,
    *,
    error: str = "",
    form: Any = None,
    revealed: dict[str, str] | None = None,
    reveal_error: str = "",
) -> HttpResponse:
    try:
        view = selectors.claim_case(actor, claim_id)
    except NotFound:
        raise Http404 from None
    may_handle = staff_may(actor, Permission.HANDLE_CLAIMS)
    steps = list(view.steps) if may_handle else []
    if may_handle and view.claim.state in {"reported", "documents_requested", "assessing"}:
        steps.append("receive_document")
    if may_handle and view.claim.green_channel and view.claim.state not in selectors.CLOSED:
        steps.append("home_visit")
    checklist = actions.described(view.claim)
    return render(
        request,
        "workbench/claim.html",
        {
            "view": view,
            "item_names": {code: name for code, name, _text in checklist},
            "claim": view.claim,
            "next": present_date(view.next_date),
            "state_text": CLAIM_STATE_STAFF_TEXT.get(view.claim.state, view.claim.state),
            "region": region_name(view.claim.incident_region),
            "green": [GREEN_TEXT.get(r, r) for r in view.claim.green_channel],
            "steps": steps,
            "step_text": CLAIM_STEP_TEXT,
            "clock_text": CLAIM_CLOCK_TEXT,
            "checklist": checklist,
            "first_request": not view.requests,
            "error": error,
            "form": form or {},
            "actor": actor,
            "claimant": complaint_selectors.person_shown(view.claim.claimant),
            "complaints": complaint_selectors.complaints_about_claim(actor, view.claim.reference or ""),
            **reveal_context(actor, revealed, reveal_error),
        },
        status=400 if error or reveal_error else 200,
    )


@require_POST
@never_cache
@staff_only
def claim_reveal(request: HttpRequest, actor: Actor, claim_id: int) -> HttpResponseBase:
    """One full value of the claimant's personal data, shown on this answer only; checked and logged by the
    reveal action (SEC-1, PI-4), reached only through the claim's own gate."""
    return reveal_and_draw(
        request,
        actor,
        lambda: selectors.claim_case(actor, claim_id).claim.claimant_id,
        lambda **extra: claim_case(request, claim_id, **extra),
    )


@require_POST
@staff_only
def claim_step(request: HttpRequest, actor: Actor, claim_id: int, step: str) -> HttpResponseBase:
    if step not in CLAIM_STEPS:
        raise Http404
    try:
        CLAIM_STEPS[step](actor, claim_id, request.POST, request.FILES)
    except NotFound:
        raise Http404 from None
    except DomainError as refused:
        # Nothing was saved; the page comes back with the reason and everything that was typed.
        return claim_case(request, claim_id, error=message_of(refused), form={"step": step, **request.POST.dict()})
    messages.success(request, gettext("Done: %(step)s.") % {"step": CLAIM_STEP_TEXT.get(step, step)})
    return HttpResponseRedirect(reverse("workbench:claim", args=[claim_id]))


@staff_only
def claim_document(request: HttpRequest, actor: Actor, claim_id: int, document_id: int) -> HttpResponseBase:
    """A document of a claim the reader may see, served through the access check (never a public URL)."""
    try:
        claim, document = selectors.document_for(actor, claim_id, document_id)
    except NotFound:
        raise Http404 from None
    return stored_file(
        document.file,
        document.content_type,
        document.original_name,
        fallback=f"{claim.reference}-{document.item_code}",
        download=request.GET.get("download") == "1",
    )


@staff_only
def claim_refusal_letter(request: HttpRequest, actor: Actor, claim_id: int) -> HttpResponse:
    """The written refusal notice (CLM-T4), the same PDF the claimant downloads; 404 for any other claim."""
    try:
        refusal = selectors.refusal_for(actor, claim_id)
    except NotFound:
        raise Http404 from None
    return letter_response(refusal_letter_pdf(refusal), refusal_letter_name(refusal))
