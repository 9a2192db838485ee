"""Recorded sales in the workbench (issue #16 item 4; SAL-3, SAL-R2): a seller's own sales, compliance's
quality-check queue, the replay of one sale (its events in order, each shown page rendered from its stored content
with its hash checked, its recordings behind the access check), the finding, and the sale's bundle."""

from __future__ import annotations

from datetime import date
from typing import Any

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
from xiaobao.ops import clock
from xiaobao.ops.i18n import message_of
from xiaobao.sales import access, actions, selectors
from xiaobao.sales.bundle import bundle_name
from xiaobao.sales.models import QualityCheck, SaleDispute
from xiaobao.web.sandboxed import sandboxed_html
from xiaobao.workbench.files import stored_file
from xiaobao.workbench.staff import staff_only


@never_cache
@staff_only
def sale_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The sales this staff member may read: a seller their own, compliance and audit their insurer's; a staff
    seller starts a sale from here."""
    may_start = staff_may(actor, Permission.SELL) and selectors.sells(actor)
    return render(
        request, "workbench/sales.html", {"actor": actor, "sales": selectors.sales_list(actor), "may_start": may_start}
    )


def _replay_page(
    request: HttpRequest, actor: Actor, sale_id: int, *, error: str = "", typed: dict[str, str] | None = None
) -> HttpResponse:
    try:
        replayed = selectors.replay(actor, sale_id)
    except NotFound:
        raise Http404 from None
    may_check = replayed.check is not None and staff_may(actor, Permission.CHECK_SALES)
    return render(
        request,
        "workbench/sale_replay.html",
        {
            "actor": actor,
            "replay": replayed,
            "sale": replayed.sale,
            "may_check": may_check,
            "may_export": staff_may(actor, Permission.VIEW_SALES),
            "may_dispute": access.may_record_disputes_about(actor, replayed.sale),
            "dispute_kinds": SaleDispute.Kind.choices,
            "today": clock.today(),
            "findings": [
                (QualityCheck.Finding.PASSED, gettext("passed")),
                (QualityCheck.Finding.FAILED, gettext("failed")),
            ],
            "error": error,
            "typed": typed or {},
        },
        status=400 if error else 200,
    )


@never_cache
@staff_only
def sale_replay(request: HttpRequest, actor: Actor, sale_id: int) -> HttpResponse:
    return _replay_page(request, actor, sale_id)


@never_cache
@staff_only
def sale_shown(request: HttpRequest, actor: Actor, sale_id: int, sequence: int) -> HttpResponse:
    """Exactly what one event showed, from its stored content, in a sandbox (never run, never sniffed)."""
    try:
        event = selectors.shown_content(actor, sale_id, sequence)
    except NotFound:
        raise Http404 from None
    return sandboxed_html(event.content)


@never_cache
@staff_only
def sale_recording(request: HttpRequest, actor: Actor, sale_id: int, recording_id: int) -> HttpResponseBase:
    """A recording, played or downloaded through the access check; a changed byte is refused whole (ADR 0012)."""
    try:
        replayed = selectors.replay(actor, sale_id)
    except NotFound:
        raise Http404 from None
    kept = next((r for r in replayed.recordings if r.pk == recording_id), None)
    if kept is None:
        raise Http404
    return stored_file(
        kept.file,
        kept.media_type,
        f"{replayed.sale.reference}-{kept.sha256[:12]}",
        fallback=replayed.sale.reference,
        download=request.GET.get("download") == "1",
    )


@require_POST
@never_cache
@staff_only
def sale_bundle(request: HttpRequest, actor: Actor, sale_id: int) -> HttpResponse:
    """The one-click bundle (ZIP): its export is recorded in the sale's audit trail."""
    try:
        data = actions.sale_bundle_export(actor=actor, sale_id=sale_id)
        sale = selectors.replay(actor, sale_id).sale
    except NotFound:
        raise Http404 from None
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{bundle_name(sale)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@staff_only
def quality_finding(request: HttpRequest, actor: Actor, sale_id: int) -> HttpResponseBase:
    typed = {"finding": request.POST.get("finding", ""), "notes": request.POST.get("notes", "")}
    try:
        check = selectors.replay(actor, sale_id).check
        if check is None or not staff_may(actor, Permission.CHECK_SALES):
            raise NotFound()
        actions.quality_check_record(actor=actor, check_id=check.pk, finding=typed["finding"], notes=typed["notes"])
    except NotFound:
        raise Http404 from None
    except DomainError as refused:
        return _replay_page(request, actor, sale_id, error=message_of(refused), typed=typed)
    messages.success(request, gettext("The finding is recorded."))
    return HttpResponseRedirect(reverse("workbench:sale_quality"))


def _queue_page(
    request: HttpRequest, actor: Actor, *, error: str = "", typed: dict[str, str] | None = None
) -> HttpResponse:
    if not staff_may(actor, Permission.CHECK_SALES):
        raise Http404
    today = clock.today()
    first_of_month = today.replace(day=1)
    return render(
        request,
        "workbench/sale_quality.html",
        {
            "actor": actor,
            "checks": selectors.quality_queue(actor),
            "draws": selectors.recent_draws(actor),
            "error": error,
            "typed": typed or {"period_start": first_of_month.isoformat(), "period_end": today.isoformat()},
        },
        status=400 if error else 200,
    )


@never_cache
@staff_only
def quality_queue(request: HttpRequest, actor: Actor) -> HttpResponse:
    return _queue_page(request, actor)


@require_POST
@staff_only
def quality_draw(request: HttpRequest, actor: Actor) -> HttpResponseBase:
    typed: dict[str, Any] = {
        "period_start": request.POST.get("period_start", ""),
        "period_end": request.POST.get("period_end", ""),
    }
    if not staff_may(actor, Permission.CHECK_SALES):
        raise Http404
    try:
        start, end = date.fromisoformat(typed["period_start"]), date.fromisoformat(typed["period_end"])
    except ValueError:
        return _queue_page(request, actor, error=gettext("Give the period's first and last day."), typed=typed)
    try:
        draw = actions.quality_sample_draw(actor=actor, period_start=start, period_end=end)
    except DomainError as refused:
        return _queue_page(request, actor, error=message_of(refused), typed=typed)
    messages.success(
        request,
        gettext("%(count)s sales of %(population)s put in the queue.")
        % {"count": draw.checks.count(), "population": draw.population},
    )
    return HttpResponseRedirect(reverse("workbench:sale_quality"))


@require_POST
@staff_only
def dispute_open(request: HttpRequest, actor: Actor, sale_id: int) -> HttpResponseBase:
    """Record a dispute about the sale (SAL-R3: its records are kept until two years after it ends); a complaint is
    named by its reference, and its case page then links to this sale."""
    typed = {key: request.POST.get(key, "").strip() for key in ("kind", "reference", "opened_on")}
    try:
        opened_on = date.fromisoformat(typed["opened_on"])
    except ValueError:
        return _replay_page(request, actor, sale_id, error=gettext("Give the day the dispute began."), typed=typed)
    try:
        complaint_id = None
        if typed["kind"] == SaleDispute.Kind.COMPLAINT:
            try:
                complaint_id = selectors.complaint_handled(actor, typed["reference"])
            except NotFound:
                return _replay_page(
                    request,
                    actor,
                    sale_id,
                    error=gettext("No complaint you handle has this reference."),
                    typed=typed,
                )
        actions.sale_dispute_open(
            actor=actor,
            sale_id=sale_id,
            kind=typed["kind"],
            opened_on=opened_on,
            complaint_id=complaint_id,
            reference=typed["reference"],
        )
    except NotFound:
        raise Http404 from None
    except DomainError as refused:
        return _replay_page(request, actor, sale_id, error=message_of(refused), typed=typed)
    messages.success(
        request, gettext("The dispute is recorded: the sale's records are kept until two years after it ends.")
    )
    return HttpResponseRedirect(reverse("workbench:sale", args=[sale_id]))


@require_POST
@staff_only
def dispute_end(request: HttpRequest, actor: Actor, sale_id: int, dispute_id: int) -> HttpResponseBase:
    typed = {"ended_on": request.POST.get("ended_on", "").strip()}
    try:
        ended_on = date.fromisoformat(typed["ended_on"])
    except ValueError:
        return _replay_page(request, actor, sale_id, error=gettext("Give the day the dispute ended."), typed=typed)
    try:
        actions.sale_dispute_end(actor=actor, dispute_id=dispute_id, ended_on=ended_on, sale_id=sale_id)
    except NotFound:
        raise Http404 from None
    except DomainError as refused:
        return _replay_page(request, actor, sale_id, error=message_of(refused), typed=typed)
    return HttpResponseRedirect(reverse("workbench:sale", args=[sale_id]))
