"""The staff seller's way into a sale (issue #16): start a face-to-face sale for a buyer in front of them, then the
sale desk — the suitability questionnaire and the declaration (``workbench.suitability``), the pages the buyer was
shown (recorded as events of the sale, each with its SHA-256), the recording uploaded as a file, completion, and
the policy. Only staff whose roles grant ``sales.sell`` and who are a salesperson of their insurer, and only their
own sales; anyone else gets 404 (or the sign-in page)."""

from __future__ import annotations

import hashlib
import re
import uuid
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from xiaobao.identity.actions import ConsumerDetails
from xiaobao.identity.domain.permissions import Permission, staff_may
from xiaobao.kernel.actors import Actor
from xiaobao.kernel.errors import DomainError, NotFound
from xiaobao.ops import clock
from xiaobao.ops.i18n import message_of
from xiaobao.sales import actions, selectors
from xiaobao.sales.models import Sale
from xiaobao.workbench.sale_desk_forms import RecordingFileForm, SaleStartForm
from xiaobao.workbench.staff import staff_only

_CSRF = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">')
_MAIN = re.compile(r"<main\b[^>]*>(.*)</main>", re.S)
_MESSAGES = re.compile(r'<div class="messages" role="status">.*?</div>', re.S)


def _seller(actor: Actor) -> Any:
    seller = selectors.seller_of_staff(actor) if staff_may(actor, Permission.SELL) else None
    if seller is None:
        raise Http404
    return seller


def _own_sale(actor: Actor, sale_id: int) -> selectors.SaleSummary:
    _seller(actor)
    try:
        summary = selectors.sale_summary(actor, sale_id)
    except NotFound:
        raise Http404 from None
    if summary.sale.seller.staff_id != actor.staff_id:
        raise Http404
    return summary


@never_cache
@staff_only
def sale_start(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Start a face-to-face sale: a product the seller's grade may sell, the channel, the buyer (found by their
    ID number or registered), the buyer's age. A rejected form keeps what was typed; sent twice, one sale."""
    seller = _seller(actor)
    products = selectors.products_seller_may_sell(seller)
    form = SaleStartForm(request.POST or None, products=[(p.pk, p.name) for p in products])
    token = request.POST.get("token") or uuid.uuid4().hex
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sale = actions.sale_start_with_buyer(
                actor=actor,
                start=actions.SaleStart(
                    seller_id=seller.pk,
                    product_id=int(data["product"]),
                    channel=data["channel"],
                    buyer_age=data["buyer_age"],
                    started_at=clock.now(),
                ),
                buyer=ConsumerDetails(name=data["name"], resident_id=data["resident_id"], phone=data["phone"] or None),
                idempotency_key=f"workbench-sale:{token}",
            )
        except DomainError as refused:
            form.add_error(None, message_of(refused))
        else:
            messages.success(request, gettext("Sale %(reference)s started.") % {"reference": sale.reference})
            return HttpResponseRedirect(reverse("workbench:suitability", args=[sale.pk]))
    return render(
        request,
        "workbench/sale_start.html",
        {"actor": actor, "form": form, "token": token, "seller": seller, "products": products},
        status=400 if form.errors else 200,
    )


def _desk_page(
    request: HttpRequest, actor: Actor, sale_id: int, *, recording_form: RecordingFileForm | None = None
) -> HttpResponse:
    summary = _own_sale(actor, sale_id)
    replayed = selectors.replay(actor, sale_id)
    context = {
        "actor": actor,
        "sale": summary.sale,
        "summary": summary,
        "replay": replayed,
        "missing": selectors.sale_missing(summary),
        "recording_form": recording_form or RecordingFileForm(),
    }
    return render(
        request,
        "workbench/sale_desk.html",
        context,
        status=400 if recording_form is not None and recording_form.errors else 200,
    )


@never_cache
@staff_only
def sale_desk(request: HttpRequest, actor: Actor, sale_id: int) -> HttpResponse:
    return _desk_page(request, actor, sale_id)


@require_POST
@staff_only
def sale_desk_recording(request: HttpRequest, actor: Actor, sale_id: int) -> HttpResponseBase:
    """The recording of the sale, uploaded as a file (SAL-R1): stored as an API upload is, with its SHA-256."""
    _own_sale(actor, sale_id)
    form = RecordingFileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            kept = actions.recording_upload_file(
                actor=actor,
                sale_id=sale_id,
                content=form.cleaned_data["file"],
                media_type=form.cleaned_data["media_type"],
                duration_seconds=form.cleaned_data["duration_seconds"],
                recorded_at=clock.now(),
            )
        except NotFound:
            raise Http404 from None
        except DomainError as refused:
            form.add_error(None, message_of(refused))
        else:
            messages.success(request, gettext("Recording kept (SHA-256 %(sha256)s).") % {"sha256": kept.sha256})
            return HttpResponseRedirect(reverse("workbench:sale_desk", args=[sale_id]))
    return _desk_page(request, actor, sale_id, recording_form=form)


@require_POST
@staff_only
def sale_desk_complete(request: HttpRequest, actor: Actor, sale_id: int) -> HttpResponseBase:
    """Complete the sale: refused while a recording is required and missing, or suitability is not settled."""
    _own_sale(actor, sale_id)
    try:
        actions.sale_complete(actor=actor, sale_id=sale_id)
    except NotFound:
        raise Http404 from None
    except DomainError as refused:
        messages.error(request, message_of(refused))
    else:
        messages.success(request, gettext("The sale is completed."))
    return HttpResponseRedirect(reverse("workbench:sale_desk", args=[sale_id]))


def record_shown(request: HttpRequest, actor: Actor, sale: Sale, response: HttpResponse, title: str) -> None:
    """SAL-3: a page the seller shows the buyer during their own open sale becomes an event of the sale — its
    main content exactly as rendered (the form's one-time token and the seller's own notices aside), with its SHA-256. The same page shown
    again unchanged is one event (its id is the hash of its address and content); a changed page is a new one."""
    if response.status_code not in {200, 400} or sale.completed_at is not None:
        return
    if actor.staff_id is None or sale.seller.staff_id != actor.staff_id:
        return
    html = response.content.decode()
    found = _MAIN.search(html)
    content = _MESSAGES.sub("", _CSRF.sub("", found.group(1) if found else html)).strip()
    digest = hashlib.sha256(f"{request.path}\n{content}".encode()).hexdigest()
    shown = actions.SaleEventIn(
        client_event_id=f"wb-{digest[:40]}",
        kind="page_shown",
        occurred_at=clock.now(),
        content=content,
        details={"title": title, "url": request.path},
    )
    try:
        if not selectors.event_received(sale, shown.client_event_id):
            actions.sale_events_append(actor=actor, sale_id=sale.pk, batch=[shown])
    except DomainError:
        return
