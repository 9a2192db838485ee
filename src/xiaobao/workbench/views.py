"""Workbench pages: thin — parse, call one selector or action, render."""

from __future__ import annotations

import re
import uuid
from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaobao.claims import selectors as claim_selectors
from xiaobao.claims.labels import CLAIM_STATE_TEXT
from xiaobao.complaints import actions, selectors
from xiaobao.complaints.domain.classification import (
    CHANNEL_TEXT,
    GROUP_COMPLAINT_THRESHOLD,
    PRODUCT_LINE_TEXT,
    REASON_TEXT,
    Channel,
    ProductLine,
    Reason,
)
from xiaobao.complaints.domain.decisions import Outcome
from xiaobao.complaints.domain.lifecycle import State
from xiaobao.complaints.labels import STATE_TEXT
from xiaobao.identity import access as identity_access
from xiaobao.identity.domain.permissions import Permission
from xiaobao.kernel.actors import Actor, Role
from xiaobao.kernel.errors import DomainError, NotFound
from xiaobao.notifications import actions as notification_actions
from xiaobao.notifications import selectors as notification_selectors
from xiaobao.ops import clock as app_clock
from xiaobao.ops.i18n import message_of, translated_labels
from xiaobao.workbench.files import stored_file
from xiaobao.workbench.labels import CLOCK_TEXT, FLAG_TEXT, STEP_TEXT, days_text
from xiaobao.workbench.staff import staff_only
from xiaobao.workbench.steps import STEPS


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


QUEUE_PAGE_ROWS = 50
MAX_QUEUE_PAGE = 20_000
"""A million rows deep: any page beyond is a typo (and past a bigint, the database's error)."""
REFERENCE_TYPED = re.compile(r"[^A-Za-z0-9-]")
"""What a reference can hold; anything else typed into the search (a NUL PostgreSQL refuses) is dropped."""


@staff_only
def queue(request: HttpRequest, actor: Actor) -> HttpResponse:
    query = request.GET
    filters = selectors.QueueFilters(
        state=query.get("state") if query.get("state") in {s.value for s in State} else None,
        due_within_days=_int_or_none(query.get("due_within_days")),
        branch_id=_int_or_none(query.get("branch_id")),
        channel=query.get("channel") if query.get("channel") in {c.value for c in Channel} else None,
        flag=query.get("flag") if query.get("flag") in FLAG_TEXT else None,
        handler_id=_int_or_none(query.get("handler_id")),
        reference=REFERENCE_TYPED.sub("", query.get("reference") or "")[:32] or None,
        limit=QUEUE_PAGE_ROWS,
    )
    page = min(max(_int_or_none(query.get("page")) or 1, 1), MAX_QUEUE_PAGE)
    filters = replace(filters, offset=(page - 1) * QUEUE_PAGE_ROWS)
    found, total = selectors.queue_page(actor, filters)
    rows = [present(row.complaint, row.clock_state.value, row.days_left, row.due) for row in found]
    other_pages = query.copy()
    other_pages.pop("page", None)
    return render(
        request,
        "workbench/queue.html",
        {
            "rows": rows,
            "total": total,
            "first_shown": filters.offset + 1 if rows else 0,
            "last_shown": filters.offset + len(rows),
            "previous_page": page - 1 if page > 1 else None,
            "next_page": page + 1 if filters.offset + len(rows) < total else None,
            "keep": other_pages.urlencode(),
            "filters": filters,
            "states": STATE_TEXT,
            "channels": translated_labels({c.value: CHANNEL_TEXT[c] for c in Channel}),
            "flags": FLAG_TEXT,
            "branches": identity_access.branches_for(actor).order_by("level", "name"),
            "handlers": _handlers(actor),
            "actor": actor,
        },
    )


def _handlers(actor: Actor) -> Any:
    return (
        identity_access.staff_members_for(actor, Permission.VIEW_ORGANISATION)
        .filter(role_grants__role__in=[Role.HANDLER.value, Role.SUPERVISOR.value], active=True)
        .distinct()
        .order_by("display_name")
    )


@staff_only
def case(request: HttpRequest, actor: Actor, complaint_id: int, *, error: str = "", form: Any = None) -> HttpResponse:
    try:
        view = selectors.case(actor, complaint_id)
    except NotFound:
        raise Http404 from None
    complaint = view.complaint
    steps = [s for s in view.steps if s in STEPS]  # the domain's table decided (complaints.domain.steps)
    clock = (
        present(complaint, view.clock_state.value, view.days_left, view.deadline.due)
        if view.deadline and view.clock_state
        else None
    )
    return render(
        request,
        "workbench/case.html",
        {
            "view": view,
            "clock": clock,
            "complaint": complaint,
            "steps": steps,
            "step_text": STEP_TEXT,
            "state_text": STATE_TEXT.get(complaint.state, complaint.state),
            "outcomes": [(o.value, _(actions.OUTCOME_TEXT[o])) for o in Outcome],
            "handlers": _handlers(actor) if "assign" in steps else [],
            "partners": identity_access.partners_for(actor) if "forward" in steps else [],
            "error": error,
            "form": form or {},
            "actor": actor,
            "can_see_conflicts": actor.has_role(Role.SUPERVISOR, Role.SENIOR_MANAGER, Role.COMPLIANCE_OFFICER),
            "claims": claim_selectors.claims_about(actor, complaint.claim_reference, complaint.insurer_id),
            "claim_state_text": CLAIM_STATE_TEXT,
            "channels": translated_labels({c.value: CHANNEL_TEXT[c] for c in Channel}),
            "product_lines": translated_labels({p.value: PRODUCT_LINE_TEXT[p] for p in ProductLine}),
            "reasons": translated_labels({r.value: REASON_TEXT[r] for r in Reason}),
            "complainant": selectors.complainant_shown(complaint),
            "attachments": view.attachments,
            "today": app_clock.today(),
        },
        status=400 if error else 200,
    )


def present(complaint: Any, clock_state: str, days_left: int | None, due: Any) -> dict[str, Any]:
    """How one complaint's clock and flags read on a page: in words and in colour, never colour alone."""
    flags = [
        name for name in ("elderly", "disabled", "new_urban_resident", "major_emergency") if getattr(complaint, name)
    ]
    if complaint.group_size >= GROUP_COMPLAINT_THRESHOLD:
        flags.append("group")
    return {
        "complaint": complaint,
        "due": due,
        "days_text": days_text(days_left),
        "clock_text": CLOCK_TEXT.get(clock_state, clock_state),
        "clock_class": "clock-" + clock_state.replace(" ", "-"),
        "state_text": STATE_TEXT.get(complaint.state, complaint.state),
        "flags": [FLAG_TEXT[f] for f in flags],
    }


@require_POST
@staff_only
def take_step(request: HttpRequest, actor: Actor, complaint_id: int, step: str) -> HttpResponseBase:
    if step not in STEPS:
        raise Http404
    try:
        STEPS[step](actor, complaint_id, request.POST)
    except NotFound:
        raise Http404 from None
    except DomainError as refused:
        # Nothing was saved; the page comes back with the reason and everything that was typed.
        return case(request, complaint_id, error=message_of(refused), form={"step": step, **request.POST.dict()})
    messages.success(request, _("Done: %(step)s.") % {"step": STEP_TEXT.get(step, step)})
    try:
        selectors.case(actor, complaint_id)
    except NotFound:  # e.g. after declaring a conflict the case leaves this person's view
        return HttpResponseRedirect(reverse("workbench:queue"))
    return HttpResponseRedirect(reverse("workbench:case", args=[complaint_id]))


@staff_only
def approvals(request: HttpRequest, actor: Actor) -> HttpResponse:
    return render(request, "workbench/approvals.html", {"pending": selectors.approvals(actor), "actor": actor})


@staff_only
def attachment(request: HttpRequest, actor: Actor, complaint_id: int, attachment_id: int) -> FileResponse:
    """A file the complainant sent, served through the case's access check (never a public URL)."""
    try:
        complaint, kept = selectors.attachment_for(actor, complaint_id, attachment_id)
    except NotFound:
        raise Http404 from None
    return stored_file(kept.file, kept.content_type, f"{complaint.reference}-{kept.pk}")


@staff_only
def inbox(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The notices addressed to this staff member: reminders, escalations, approval requests (#14)."""
    notices = list(notification_selectors.inbox_for(actor)[:200])
    return render(request, "workbench/inbox.html", {"notices": notices, "actor": actor})


@require_POST
@staff_only
def inbox_read(request: HttpRequest, actor: Actor, notification_id: Any) -> HttpResponse:
    try:
        notification_actions.notification_mark_read(actor=actor, notification_id=str(notification_id))
    except NotFound:
        raise Http404 from None
    return HttpResponseRedirect(reverse("workbench:inbox"))


@staff_only
def partners(request: HttpRequest, actor: Actor) -> HttpResponse:
    """How each agent and outsourcer answers the complaints forwarded to it (CHN-3, CMP-P2)."""
    return render(request, "workbench/partners.html", {"rows": selectors.partner_timeliness(actor), "actor": actor})


@require_POST
@staff_only
def decide_extension(request: HttpRequest, actor: Actor, extension_id: int) -> HttpResponse:
    approve = request.POST.get("decision") == "approve"
    try:
        actions.complaint_decide_extension(
            actor=actor, extension_id=extension_id, approve=approve, note=request.POST.get("note", "")
        )
    except NotFound:
        raise Http404 from None
    except DomainError as refused:
        messages.error(request, message_of(refused))
    else:
        messages.success(request, _("Extension approved.") if approve else _("Extension refused."))
    return HttpResponseRedirect(reverse("workbench:approvals"))


@staff_only
def decision_letter(request: HttpRequest, actor: Actor, complaint_id: int) -> HttpResponse:
    from xiaobao.complaints.letters import decision_letter_pdf

    try:
        view = selectors.case(actor, complaint_id)
    except NotFound:
        raise Http404 from None
    response = HttpResponse(decision_letter_pdf(view.complaint), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{view.complaint.reference}.pdf"'
    return response


@staff_only
def intake(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Register a letter, a counter visit or a call taken by hand; a rejected form keeps everything typed."""
    from xiaobao.complaints.actions import NewComplaint, Upload
    from xiaobao.identity.actions import ConsumerDetails
    from xiaobao.workbench.forms import IntakeForm

    branches = [(b.pk, b.name) for b in identity_access.branches_for(actor).order_by("level", "name")]
    form = IntakeForm(request.POST or None, request.FILES or None, branches=branches)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        scan = data.get("scan")
        try:
            registration = actions.complaint_file_online(
                actor=actor,
                insurer_id=actor.insurer_id or 0,
                idempotency_key=f"workbench:{request.POST.get('token', '')}",
                uploads=[Upload(name=scan.name or "scan", content=scan)] if scan else [],
                data=NewComplaint(
                    handling_branch_id=int(data["handling_branch"]),
                    channel=data["channel"],
                    received_at=data["received_at"],
                    product_line=data["product_line"],
                    reason=data["reason"],
                    description=data["description"],
                    requested_outcome=data["requested_outcome"],
                    policy_number=data["policy_number"],
                    complainant=ConsumerDetails(
                        name=data["name"], resident_id=data["resident_id"] or None, phone=data["phone"] or None
                    ),
                ),
            )
        except DomainError as refused:
            form.add_error(None, message_of(refused))
        else:
            complaint = registration.complaint
            messages.success(request, _("Registered as %(reference)s.") % {"reference": complaint.reference})
            return HttpResponseRedirect(reverse("workbench:case", args=[complaint.pk]))
    return render(
        request,
        "workbench/intake.html",
        {"form": form, "actor": actor, "token": request.POST.get("token") or uuid.uuid4().hex},
        status=400 if form.errors else 200,
    )
