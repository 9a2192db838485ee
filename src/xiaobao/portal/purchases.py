"""The buyer's own sales records (SAL-2, SAL-S3/S4; issue #16): their suitability assessments with the reasons and
the declaration they signed, word for word; their policies with the cooling-off period, a surrender inside it, and
the refund's progress. Only their own: the rows are those the sales gates give this consumer."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from xiaobao.kernel.errors import NotFound
from xiaobao.ops import clock
from xiaobao.portal.session import consumer_actor, identity_unconfirmed
from xiaobao.portal.sign_in import sign_in_url
from xiaobao.sales.policies import actions as policy_actions
from xiaobao.sales.policies import selectors as policy_selectors
from xiaobao.sales.suitability import selectors


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def my_purchases(request: HttpRequest) -> HttpResponse:
    actor = consumer_actor(request)
    if actor is None:
        return HttpResponseRedirect(sign_in_url(reverse("portal:my_purchases")))
    assessments = [(a, selectors.outcome_text(a)) for a in selectors.buyer_records(actor)]
    context = {
        "assessments": assessments,
        "policies": policy_selectors.policies_list(actor),
        "unconfirmed": identity_unconfirmed(request),
    }
    return _private(render(request, "portal/my_purchases.html", context))


def my_assessment(request: HttpRequest, assessment_id: int) -> HttpResponse:
    actor = consumer_actor(request)
    if actor is None:
        return HttpResponseRedirect(sign_in_url(reverse("portal:my_assessment", args=[assessment_id])))
    try:
        record = selectors.buyer_record(actor, assessment_id)
    except NotFound:
        raise Http404 from None
    assessment = record.assessment
    context = {
        "assessment": assessment,
        "sale": assessment.sale,
        "outcome_text": selectors.outcome_text(assessment),
        "risk_text": selectors.risk_profile_text(assessment),
        "reasons": selectors.reasons_shown(assessment),
        "declaration": record.declaration,
        "declaration_lines": record.declaration.text.splitlines() if record.declaration else [],
    }
    return _private(render(request, "portal/my_assessment.html", context))


def _policy_page(request: HttpRequest, policy_id: int) -> HttpResponse:
    actor = consumer_actor(request)
    if actor is None:
        return HttpResponseRedirect(sign_in_url(reverse("portal:my_policy", args=[policy_id])))
    try:
        view = policy_selectors.policy_view(actor, policy_id, clock.today())
    except NotFound:
        raise Http404 from None
    context = {
        "view": view,
        "policy": view.policy,
        "path_text": view.path_text,
    }
    return _private(render(request, "portal/my_policy.html", context))


def my_policy(request: HttpRequest, policy_id: int) -> HttpResponse:
    return _policy_page(request, policy_id)


@require_POST
def my_policy_surrender(request: HttpRequest, policy_id: int) -> HttpResponse:
    actor = consumer_actor(request)
    if actor is None:
        return HttpResponseRedirect(sign_in_url(reverse("portal:my_policy", args=[policy_id])))
    if request.POST.get("confirm") != "yes":
        messages.error(request, gettext("Tick the box to confirm you want to cancel the policy."))
        return HttpResponseRedirect(reverse("portal:my_policy", args=[policy_id]))
    try:
        policy_actions.policy_surrender(actor=actor, policy_id=policy_id)
    except NotFound:
        raise Http404 from None
    messages.success(request, gettext("Your request is received. You can follow it on this page."))
    return HttpResponseRedirect(reverse("portal:my_policy", args=[policy_id]))
