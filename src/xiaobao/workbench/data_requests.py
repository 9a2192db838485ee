"""The queue of consumers' requests to correct or delete their data (PIPL Art.46, 47; issue #19): staff whose roles
grant ``rights.handle`` see their own insurer's requests, earliest due first, and grant each (the correction made,
or the data erased unless a legal hold applies) or refuse it with reasons the consumer reads."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from xiaobao.identity.domain.permissions import Permission, staff_may
from xiaobao.kernel.actors import Actor
from xiaobao.kernel.errors import DomainError, NotFound
from xiaobao.ops.i18n import message_of
from xiaobao.privacy.domain.identifiers import mask_name
from xiaobao.rights import actions, selectors
from xiaobao.rights.domain.requests import FIELD_TEXT, KIND_TEXT, STATE_TEXT, RequestKind, RequestState
from xiaobao.workbench.staff import staff_only


def _queue_page(
    request: HttpRequest, actor: Actor, *, error_for: int | None = None, error: str = "", typed: str = ""
) -> HttpResponse:
    if not staff_may(actor, Permission.HANDLE_DATA_REQUESTS):
        raise Http404
    rows = [
        {
            "row": row.request,
            "person": mask_name(row.request.consumer.name or ""),
            "kind_text": gettext(KIND_TEXT[RequestKind(row.request.kind)]),
            "field_text": gettext(FIELD_TEXT[row.request.field]) if row.request.field else "",  # type: ignore[index]
            "state_text": gettext(STATE_TEXT[RequestState(row.request.state)]),
            "open": row.request.state == RequestState.OPEN,
            "days_left": row.days_left,
            "error": error if row.request.pk == error_for else "",
            "typed": typed if row.request.pk == error_for else "",
        }
        for row in selectors.data_request_queue(actor)
    ]
    return render(
        request,
        "workbench/data_requests.html",
        {"rows": rows, "actor": actor, "waiting": sum(1 for r in rows if r["open"])},
        status=400 if error else 200,
    )


@never_cache
@staff_only
def data_request_queue(request: HttpRequest, actor: Actor) -> HttpResponse:
    return _queue_page(request, actor)


@require_POST
@staff_only
def data_request_accept(request: HttpRequest, actor: Actor, request_id: int) -> HttpResponseBase:
    try:
        decided = actions.data_request_accept(actor=actor, request_id=request_id)
    except NotFound:
        raise Http404 from None
    except DomainError as refused:
        return _queue_page(request, actor, error_for=request_id, error=message_of(refused))
    return _decided(request, decided)


@require_POST
@staff_only
def data_request_refuse(request: HttpRequest, actor: Actor, request_id: int) -> HttpResponseBase:
    reasons = request.POST.get("reasons", "")
    try:
        decided = actions.data_request_refuse(actor=actor, request_id=request_id, reasons=reasons)
    except NotFound:
        raise Http404 from None
    except DomainError as refused:
        return _queue_page(request, actor, error_for=request_id, error=message_of(refused), typed=reasons)
    return _decided(request, decided)


def _decided(request: HttpRequest, decided: object) -> HttpResponseBase:
    state = gettext(STATE_TEXT[RequestState(decided.state)])  # type: ignore[attr-defined]
    messages.success(
        request,
        gettext("%(reference)s: %(state)s. The consumer has been told.")
        % {"reference": decided.reference, "state": state},  # type: ignore[attr-defined]
    )
    return HttpResponseRedirect(reverse("workbench:data_requests"))
