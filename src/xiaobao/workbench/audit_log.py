"""The auditor's page (issue #18 item 5): verify one case's audit chain, or every chain of the insurer, read the
result in plain words, and export a case's verified timeline (CSV, PDF, JSON) for the regulator.

For staff whose roles grant ``audit.verify`` (auditors, compliance officers, administrators), within their own
insurer; anyone else gets the 404 a mistyped address gets. Thin: each view calls one ``audit`` selector or
action; the words and the files are made in ``audit_presenting``.
"""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xiaobao.audit import actions, selectors
from xiaobao.audit.access import REFERENCE_MAX
from xiaobao.identity.domain.permissions import Permission, staff_may
from xiaobao.kernel.actors import Actor
from xiaobao.kernel.errors import DomainError, NotFound
from xiaobao.ops.i18n import message_of
from xiaobao.workbench import audit_presenting as presenting
from xiaobao.workbench.staff import staff_only


class CaseReferenceForm(forms.Form):
    reference = forms.CharField(
        label=gettext_lazy("Case reference"),
        max_length=REFERENCE_MAX,
        help_text=gettext_lazy(
            "A complaint's, claim's, data request's, breach's, call-back's or sale's reference; or, for a chain "
            "without one, its subject as type:number (identity.staff:12)."
        ),
    )


def _auditor(actor: Actor) -> None:
    if not staff_may(actor, Permission.VERIFY_AUDIT):
        raise Http404


def _key(scope: str, request: HttpRequest) -> str:
    """The form's one-time token, per form: the page's two forms share it, their presses are different."""
    token = request.POST.get("token", "")[:64]
    return f"{scope}:{token}" if token else ""


def _page(request: HttpRequest, actor: Actor, form: CaseReferenceForm, *, status: int = 200) -> HttpResponse:
    return render(
        request,
        "workbench/audit.html",
        {
            "actor": actor,
            "form": form,
            "token": uuid.uuid4().hex,
            "recent": [presenting.summary(v) for v in selectors.recent_verifications(actor)],
        },
        status=status,
    )


@staff_only
def audit_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    _auditor(actor)
    return _page(request, actor, CaseReferenceForm())


@require_POST
@staff_only
def audit_verify_case(request: HttpRequest, actor: Actor) -> HttpResponse:
    _auditor(actor)
    form = CaseReferenceForm(request.POST)
    if not form.is_valid():
        return _page(request, actor, form, status=400)
    try:
        verification = actions.case_verify(
            actor=actor,
            reference=form.cleaned_data["reference"],
            idempotency_key=_key("case", request),
        )
    except DomainError as refused:  # NotFound: another insurer's, mistyped, or not a case
        form.add_error("reference", message_of(refused))
        return _page(request, actor, form, status=404 if isinstance(refused, NotFound) else 400)
    return HttpResponseRedirect(reverse("workbench:audit_verification", args=[verification.pk]))


@require_POST
@staff_only
def audit_verify_insurer(request: HttpRequest, actor: Actor) -> HttpResponse:
    _auditor(actor)
    try:
        verification = actions.insurer_verification_request(actor=actor, idempotency_key=_key("insurer", request))
    except NotFound:
        raise Http404 from None
    messages.success(
        request, _("Every chain of your insurer is being verified. This page shows the result when it is ready.")
    )
    return HttpResponseRedirect(reverse("workbench:audit_verification", args=[verification.pk]))


@staff_only
def audit_verification(request: HttpRequest, actor: Actor, verification_id: int) -> HttpResponse:
    _auditor(actor)
    try:
        verification = selectors.verification(actor, verification_id)
        chain = selectors.chain_now(actor, verification_id)
    except NotFound:
        raise Http404 from None
    result = presenting.summary(verification, selectors.break_references(actor, verification))
    return render(
        request,
        "workbench/audit_verification.html",
        {
            "actor": actor,
            "result": result,
            "verification": verification,
            "chain": presenting.chain_lines(chain, result),
        },
    )


@require_POST
@staff_only
def audit_timeline_export(request: HttpRequest, actor: Actor) -> HttpResponseBase:
    """POST ``reference``, ``format=csv|pdf|json`` (a form with the CSRF token: an export reveals data, so no GET
    link makes one): the case's chain verified now and every event of it; logged."""
    _auditor(actor)
    file_format = request.POST.get("format", "")[:8]
    try:
        exported = actions.timeline_export(
            actor=actor, reference=request.POST.get("reference", "")[:REFERENCE_MAX], file_format=file_format
        )
    except NotFound:
        raise Http404 from None
    except DomainError as refused:
        messages.error(request, message_of(refused))
        return HttpResponseRedirect(reverse("workbench:audit"))
    content, content_type = presenting.timeline_file(exported, file_format)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{presenting.file_name(exported, file_format)}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
