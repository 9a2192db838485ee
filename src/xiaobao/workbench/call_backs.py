"""The call-back queue (RULES.md INC-E3): priority people first, then the earliest target; a handler shows the
number to dial (logged), then records the call — reached, no answer, or closed — with a note. The page shows how
many calls came in time today and in the last 30 days."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from xiaobao.callbacks import actions, selectors
from xiaobao.callbacks.domain.languages import LANGUAGE_TEXT
from xiaobao.callbacks.domain.lifecycle import OUTCOME_TEXT, STATE_TEXT, CallbackState, CallOutcome
from xiaobao.callbacks.domain.timing import SLOT_TEXT, TIMELINESS_TEXT
from xiaobao.identity.domain.permissions import Permission, staff_may
from xiaobao.kernel.actors import Actor
from xiaobao.kernel.errors import DomainError, NotFound
from xiaobao.ops import clock
from xiaobao.ops.i18n import message_of
from xiaobao.workbench.staff import staff_only


def _outcomes(state: CallbackState) -> dict[str, str]:
    """The outcomes offered for a request in this state (closing only after a try that found nobody)."""
    offered = [CallOutcome.CALLED, CallOutcome.UNREACHABLE]
    if state is CallbackState.UNREACHABLE:
        offered.append(CallOutcome.CLOSED)
    return {outcome.value: gettext(OUTCOME_TEXT[outcome]) for outcome in offered}


def _queue_page(
    request: HttpRequest,
    actor: Actor,
    *,
    error_for: int | None = None,
    error: str = "",
    typed: dict[str, str] | None = None,
    shown_phone: tuple[int, str] | None = None,
) -> HttpResponse:
    if not staff_may(actor, Permission.HANDLE_CALLBACKS):
        raise Http404
    now = clock.now()
    rows = [
        {
            "row": row,
            "slot_text": gettext(SLOT_TEXT[row.slot]),
            "language_text": row.dialect if row.dialect else gettext(LANGUAGE_TEXT[row.language]),
            "state_text": gettext(STATE_TEXT[row.state]),
            "timeliness_text": gettext(TIMELINESS_TEXT[row.timeliness]),
            "outcomes": _outcomes(row.state),
            "typed": (typed or {}) if row.pk == error_for else {},
            "phone": shown_phone[1] if shown_phone and shown_phone[0] == row.pk else "",
        }
        for row in selectors.callback_queue(actor, now)
    ]
    return render(
        request,
        "workbench/call_backs.html",
        {"rows": rows, "figures": selectors.queue_figures(actor, now), "actor": actor, "error": error},
        status=400 if error else 200,
    )


@never_cache
@staff_only
def call_back_queue(request: HttpRequest, actor: Actor) -> HttpResponse:
    return _queue_page(request, actor)


@require_POST
@never_cache
@staff_only
def call_back_phone(request: HttpRequest, actor: Actor, request_id: int) -> HttpResponseBase:
    """The full number of one request, on this answer only; the showing is recorded (SEC-1)."""
    try:
        phone = actions.callback_phone_show(actor=actor, request_id=request_id)
    except NotFound:
        raise Http404 from None
    return _queue_page(request, actor, shown_phone=(request_id, phone))


@require_POST
@staff_only
def call_back_record(request: HttpRequest, actor: Actor, request_id: int) -> HttpResponseBase:
    typed: dict[str, Any] = {"outcome": request.POST.get("outcome", ""), "note": request.POST.get("note", "")}
    try:
        outcome = CallOutcome(typed["outcome"])
    except ValueError:
        if not staff_may(actor, Permission.HANDLE_CALLBACKS):
            raise Http404 from None
        return _queue_page(
            request, actor, error_for=request_id, error=gettext("Choose what happened on the call."), typed=typed
        )
    try:
        callback = actions.callback_record_call(actor=actor, request_id=request_id, outcome=outcome, note=typed["note"])
    except NotFound:
        raise Http404 from None
    except DomainError as refused:
        return _queue_page(request, actor, error_for=request_id, error=message_of(refused), typed=typed)
    messages.success(
        request,
        gettext("%(reference)s: %(state)s.")
        % {"reference": callback.reference, "state": gettext(STATE_TEXT[CallbackState(callback.state)])},
    )
    return HttpResponseRedirect(reverse("workbench:call_backs"))
