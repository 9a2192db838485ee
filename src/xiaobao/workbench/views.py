"""Workbench pages: thin — parse, call one selector or action, render."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from xiaobao.claims import selectors as claim_selectors
from xiaobao.claims.labels import CLAIM_STATE_TEXT
from xiaobao.complaints import actions, selectors
from xiaobao.complaints.actions import NewComplaint, Upload
from xiaobao.complaints.domain.classification import (
    CHANNEL_TEXT,
    PRODUCT_LINE_TEXT,
    REASON_TEXT,
    Channel,
    ProductLine,
    Reason,
)
from xiaobao.complaints.domain.decisions import Outcome
from xiaobao.complaints.labels import STATE_TEXT
from xiaobao.complaints.letters import decision_letter_name, decision_letter_pdf
from xiaobao.identity import access as identity_access
from xiaobao.identity.actions import ConsumerDetails
from xiaobao.kernel.actors import Actor, Role
from xiaobao.kernel.errors import DomainError, NotFound
from xiaobao.notifications import actions as notification_actions
from xiaobao.notifications import selectors as notification_selectors
from xiaobao.ops import clock as app_clock
from xiaobao.ops.i18n import message_of, translated_labels
from xiaobao.outreach.selectors import items_awaiting_publication
from xiaobao.privacy.selectors import agreements_awaiting_approval
from xiaobao.sales import selectors as sale_selectors
from xiaobao.sales.selectors import materials_awaiting_approval
from xiaobao.web.letters import letter_response
from xiaobao.workbench.files import stored_file
from xiaobao.workbench.forms import IntakeForm
from xiaobao.workbench.labels import STEP_TEXT
from xiaobao.workbench.presenting import handlers_for as _handlers
from xiaobao.workbench.presenting import present
from xiaobao.workbench.reveal import reveal_and_draw, reveal_context
from xiaobao.workbench.staff import staff_only
from xiaobao.workbench.steps import STEPS

STEPS_WITH_A_FORM = frozenset(
    {"decline", "assign", "pause", "new_facts", "declare_conflict", "extend", "decide", "decide_review"}
    | {"request_information", "forward"}
)
"""Steps that ask for something: each is a form of its own, one open at a time; the others are one button."""


@staff_only
def case(
    request: HttpRequest,
    actor: Actor,
    complaint_id: int,
    *,
    error: str = "",
    form: Any = None,
    revealed: dict[str, str] | None = None,
    reveal_error: str = "",
) -> HttpResponse:
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
            "form_steps": STEPS_WITH_A_FORM,
            "form_steps_offered": any(step in STEPS_WITH_A_FORM for step in steps),
            "state_text": STATE_TEXT.get(complaint.state, complaint.state),
            "outcomes": [(o.value, _(actions.OUTCOME_TEXT[o])) for o in Outcome],
            "handlers": _handlers(actor) if "assign" in steps else [],
            "partners": identity_access.partners_for(actor) if "forward" in steps else [],
            "error": error,
            "form": form or {},
            "actor": actor,
            "can_see_conflicts": actor.has_role(Role.SUPERVISOR, Role.SENIOR_MANAGER, Role.COMPLIANCE_OFFICER),
            "claims": claim_selectors.claims_about(actor, complaint.claim_reference, complaint.insurer_id),
            "sales_named": sale_selectors.bundles_of_complaint(actor, complaint.pk),
            "claim_state_text": CLAIM_STATE_TEXT,
            "channels": translated_labels({c.value: CHANNEL_TEXT[c] for c in Channel}),
            "product_lines": translated_labels({p.value: PRODUCT_LINE_TEXT[p] for p in ProductLine}),
            "reasons": translated_labels({r.value: REASON_TEXT[r] for r in Reason}),
            "complainant": selectors.complainant_shown(complaint),
            "attachments": view.attachments,
            "explanation": [sentence.text(_) for sentence in view.explanation],
            "today": app_clock.today(),
            **reveal_context(actor, revealed, reveal_error),
        },
        status=400 if error or reveal_error else 200,
    )


@require_POST
@never_cache
@staff_only
def reveal(request: HttpRequest, actor: Actor, complaint_id: int) -> HttpResponseBase:
    """One full value of the complainant's personal data, shown once on this answer and never kept in a page
    or a session; the reveal action checks the role and logs who saw what and why (SEC-1, PI-4)."""
    return reveal_and_draw(
        request,
        actor,
        lambda: selectors.case(actor, complaint_id).complaint.complainant_id,
        lambda **extra: case(request, complaint_id, **extra),
    )


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
    return render(
        request,
        "workbench/approvals.html",
        {
            "pending": selectors.approvals(actor),
            "agreements": agreements_awaiting_approval(actor),
            "materials": materials_awaiting_approval(actor),
            "library_drafts": items_awaiting_publication(actor),
            "actor": actor,
        },
    )


@staff_only
def attachment(request: HttpRequest, actor: Actor, complaint_id: int, attachment_id: int) -> HttpResponseBase:
    """A file the complainant sent, served through the case's access check (never a public URL)."""
    try:
        complaint, kept = selectors.attachment_for(actor, complaint_id, attachment_id)
    except NotFound:
        raise Http404 from None
    return stored_file(
        kept.file,
        kept.content_type,
        kept.original_name,
        fallback=f"{complaint.reference}-{kept.pk}",
        download=request.GET.get("download") == "1",
    )


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
    try:
        complaint = selectors.decided_complaint_for(actor, complaint_id)
        return letter_response(decision_letter_pdf(complaint), decision_letter_name(complaint))
    except NotFound:
        raise Http404 from None


@staff_only
def intake(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Register a letter, a counter visit or a call taken by hand; a rejected form keeps everything typed."""
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
