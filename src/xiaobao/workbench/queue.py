"""The complaint queue page and what is done from it: search, sort, bulk assignment, saved views, export.

Thin: the query string is read by the queue's one parser (``selectors.parse_queue_filters``, shared with the
API), one selector or action is called, the page is drawn.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from xiaobao.complaints import actions, selectors
from xiaobao.complaints.domain.classification import CHANNEL_TEXT, Channel
from xiaobao.complaints.domain.queue import MAX_ID, QueueFilters, SortKey, query_string, sorted_by
from xiaobao.complaints.labels import STATE_TEXT
from xiaobao.identity import access as identity_access
from xiaobao.identity.domain.permissions import Permission, staff_may
from xiaobao.kernel.actors import Actor
from xiaobao.kernel.errors import DomainError, NotFound
from xiaobao.ops import clock as app_clock
from xiaobao.ops.i18n import message_of, translated_labels
from xiaobao.workbench import exports
from xiaobao.workbench.labels import FLAG_TEXT
from xiaobao.workbench.presenting import handlers_for, present
from xiaobao.workbench.staff import staff_only

SORTABLE = (SortKey.REFERENCE, SortKey.RECEIVED, SortKey.DUE, SortKey.STATE)
"""The columns a person can sort the queue by, in the order the table shows them."""


def _queue_url(query: str) -> str:
    return reverse("workbench:queue") + (f"?{query}" if query else "")


def _column_headers(filters: QueueFilters) -> list[dict[str, Any]]:
    """Each sortable column's link (ascending first, then the other way) and its aria-sort."""
    labels = {
        SortKey.REFERENCE: _("Reference"),
        SortKey.RECEIVED: _("Received"),
        SortKey.DUE: _("Due"),
        SortKey.STATE: _("State"),
    }
    headers = []
    for key in SORTABLE:
        current = filters.sort is key
        headers.append(
            {
                "label": labels[key],
                "href": "?" + query_string(sorted_by(filters, key)),
                "aria_sort": ("descending" if filters.descending else "ascending") if current else "",
                "arrow": ("▼" if filters.descending else "▲") if current else "",
            }
        )
    return headers


@staff_only
def queue(request: HttpRequest, actor: Actor) -> HttpResponse:
    filters = selectors.parse_queue_filters(request.GET)
    found, total = selectors.queue_page(actor, filters)
    rows = [present(row.complaint, row.clock_state.value, row.days_left, row.due) for row in found]
    page = filters.page
    may_assign = staff_may(actor, Permission.ASSIGN_COMPLAINTS)
    handlers = handlers_for(actor)
    return render(
        request,
        "workbench/queue.html",
        {
            "rows": rows,
            "total": total,
            "first_shown": filters.offset + 1 if rows else 0,
            "last_shown": filters.offset + len(rows),
            "previous_query": query_string(filters, page=page - 1) if page > 1 else None,
            "next_query": query_string(filters, page=page + 1) if filters.offset + len(rows) < total else None,
            "this_page": query_string(filters, page=page),
            "view_query": query_string(replace(filters, offset=0)),
            "headers": _column_headers(filters),
            "filters": filters,
            "states": STATE_TEXT,
            "channels": translated_labels({c.value: CHANNEL_TEXT[c] for c in Channel}),
            "flags": FLAG_TEXT,
            "branches": identity_access.branches_for(actor).order_by("level", "name"),
            "handlers": handlers,
            "may_assign": may_assign,
            "saved_views": list(selectors.saved_views(actor)),
            "export_cap": actions.EXPORT_CAP,
            "actor": actor,
        },
    )


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isascii() and v.isdigit() and 0 < int(v) <= MAX_ID]


def _back(request: HttpRequest) -> str:
    """The queue page the form was sent from, read again through the parser (only its own parameters)."""
    filters = selectors.parse_queue_filters(QueryDict(request.POST.get("back", "")[:2000]))
    return query_string(filters, page=filters.page)


@require_POST
@staff_only
def bulk_assign(request: HttpRequest, actor: Actor) -> HttpResponseBase:
    """Assign the selected cases to one investigator; back to the same page of the queue, saying how many
    were assigned and which were refused, and why."""
    back = _back(request)
    handler_id = _ids([request.POST.get("handler_id", "")])
    if not handler_id:
        messages.error(request, _("Choose the investigator for the selected complaints."))
        return HttpResponseRedirect(_queue_url(back))
    try:
        outcomes = actions.complaints_assign(
            actor=actor, complaint_ids=_ids(request.POST.getlist("complaint")), handler_id=handler_id[0]
        )
    except NotFound:
        raise Http404 from None
    except DomainError as refused:
        messages.error(request, message_of(refused))
        return HttpResponseRedirect(_queue_url(back))
    assigned = sum(1 for outcome in outcomes if outcome.assigned)
    refused_ones = [outcome for outcome in outcomes if not outcome.assigned]
    messages.success(
        request,
        ngettext("%(count)s complaint assigned.", "%(count)s complaints assigned.", assigned) % {"count": assigned},
    )
    if refused_ones:
        messages.error(
            request,
            ngettext("%(count)s complaint refused:", "%(count)s complaints refused:", len(refused_ones))
            % {"count": len(refused_ones)},
        )
    for outcome in refused_ones:
        messages.error(
            request,
            _("%(reference)s: %(reason)s")
            % {"reference": outcome.reference or f"#{outcome.complaint_id}", "reason": outcome.reason},
        )
    return HttpResponseRedirect(_queue_url(back))


@require_POST
@staff_only
def saved_view_save(request: HttpRequest, actor: Actor) -> HttpResponseBase:
    filters = selectors.parse_queue_filters(QueryDict(request.POST.get("query", "")[:2000]))
    try:
        view = actions.saved_view_save(actor=actor, name=request.POST.get("name", ""), filters=filters)
    except NotFound:
        raise Http404 from None
    except DomainError as refused:
        messages.error(request, message_of(refused))
        return HttpResponseRedirect(_queue_url(query_string(filters)))
    messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
    return HttpResponseRedirect(_queue_url(view.query))


@require_POST
@staff_only
def saved_view_delete(request: HttpRequest, actor: Actor, view_id: int) -> HttpResponseBase:
    try:
        actions.saved_view_delete(actor=actor, view_id=view_id)
    except NotFound:
        raise Http404 from None
    messages.success(request, _("View deleted."))
    return HttpResponseRedirect(_queue_url(_back(request)))


@require_POST
@staff_only
def export(request: HttpRequest, actor: Actor) -> HttpResponseBase:
    """Every row the queue shows with these filters (the form's address keeps the queue's query string) up to
    the cap, as CSV or XLSX, masked; logged. A POST with the CSRF token: an export reveals data, so no GET link
    makes one."""
    file_format = request.POST.get("format", "")[:8]
    filters = selectors.parse_queue_filters(request.GET)
    try:
        exported = actions.complaint_queue_export(actor=actor, filters=filters, file_format=file_format)
    except NotFound:
        raise Http404 from None
    except DomainError as refused:
        messages.error(request, message_of(refused))
        return HttpResponseRedirect(_queue_url(query_string(filters)))
    made_at = app_clock.now()
    name = f"complaint-queue-{made_at:%Y%m%d-%H%M}"
    if file_format == "csv":
        response = HttpResponse(exports.as_csv(exported), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            exports.as_xlsx(exported, made_at=made_at, query=query_string(filters)),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    response["X-Rows-Exported"] = str(len(exported.rows))
    response["X-Rows-Matching"] = str(exported.total)
    response["Cache-Control"] = "no-store"
    return response
