"""The seller's suitability pages (SAL-2, SAL-S2..S4; issue #16): the open sales, the questionnaire run with the
buyer in front of them (plain words; the elder version at the top of every page), the result with its reasons
and, where the buyer insists or a SAL-S4 threshold is crossed, the declaration the buyer signs; then the policy and
its cooling-off period. Only staff whose roles grant ``sales.sell`` (``sales.serve_policies`` for policies), and
only their own insurer's sales; anyone else gets 404 (or the sign-in page)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from xiaobao.identity.domain.permissions import Permission, staff_may
from xiaobao.kernel.actors import Actor
from xiaobao.kernel.errors import DomainError, NotFound
from xiaobao.ops import clock
from xiaobao.ops.i18n import message_of
from xiaobao.sales.domain.suitability import ElderCareIncomplete
from xiaobao.sales.policies import actions as policy_actions
from xiaobao.sales.policies import selectors as policy_selectors
from xiaobao.sales.suitability import access, selectors
from xiaobao.sales.suitability.actions import sale_assess_suitability, sale_declare_own_choice
from xiaobao.workbench.sale_desk import record_shown
from xiaobao.workbench.staff import staff_only
from xiaobao.workbench.suitability_forms import DeclarationForm, PolicyForm, QuestionnaireForm, RefundPaidForm


def _seller(actor: Actor) -> None:
    if not staff_may(actor, Permission.SELL):
        raise Http404


def _policy_staff(actor: Actor) -> None:
    if not staff_may(actor, Permission.SERVE_POLICIES):
        raise Http404


def _sale(actor: Actor, sale_id: int) -> Any:
    try:
        return access.sale_for(actor, sale_id)
    except NotFound:
        raise Http404 from None


@never_cache
@staff_only
def sales_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    _seller(actor)
    return render(
        request, "workbench/suitability_sales.html", {"actor": actor, "rows": selectors.sales_to_assess(actor)}
    )


@never_cache
@staff_only
def questionnaire(request: HttpRequest, actor: Actor, sale_id: int) -> HttpResponse:
    _seller(actor)
    sale = _sale(actor, sale_id)
    initial = {
        "premium_yuan": sale.premium_yuan,
        "premium_mode": sale.premium_mode,
        "payment_years": sale.payment_years,
    }
    form = QuestionnaireForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            sale_assess_suitability(actor=actor, sale_id=sale.pk, questionnaire=form.questionnaire())
        except NotFound:
            raise Http404 from None
        except ElderCareIncomplete as refused:
            form.add_error("elder_care", message_of(refused))
        except DomainError as refused:
            form.add_error(None, message_of(refused))
        else:
            return HttpResponseRedirect(reverse("workbench:suitability_result", args=[sale.pk]))
    response = render(
        request,
        "workbench/suitability_questionnaire.html",
        {"actor": actor, "sale": sale, "form": form},
        status=400 if form.errors else 200,
    )
    record_shown(request, actor, sale, response, gettext("Suitability questions"))
    return response


def _result_page(
    request: HttpRequest,
    actor: Actor,
    sale_id: int,
    *,
    declaration_form: DeclarationForm | None = None,
    policy_form: PolicyForm | None = None,
) -> HttpResponse:
    sale = _sale(actor, sale_id)
    assessment = access.assessment_of(sale)
    if assessment is None:
        return HttpResponseRedirect(reverse("workbench:suitability", args=[sale.pk]))
    declaration = access.declaration_of(assessment)
    language = get_language() or "zh-hans"
    text = selectors.declaration_text(assessment, language)
    if declaration_form is None:
        declaration_form = DeclarationForm(initial={"shown_sha256": selectors.text_sha256(text), "language": language})
    may_issue = staff_may(actor, Permission.SERVE_POLICIES)
    policy = policy_selectors.policy_of_sale(actor, sale.pk) if may_issue else None
    missing = selectors.sale_ready_to_complete(sale)
    context = {
        "actor": actor,
        "sale": sale,
        "assessment": assessment,
        "outcome_text": selectors.outcome_text(assessment),
        "risk_text": selectors.risk_profile_text(assessment),
        "reasons": selectors.reasons_shown(assessment),
        "declaration": declaration,
        "declaration_lines": (declaration.text if declaration else text).splitlines(),
        "form": declaration_form,
        "missing": missing,
        "may_issue": may_issue and not missing and policy is None and sale.buyer_id is not None,
        "policy": policy,
        "policy_form": policy_form or PolicyForm(initial={"premium_paid_yuan": sale.premium_yuan}),
    }
    errors = bool(declaration_form.errors) or bool(policy_form is not None and policy_form.errors)
    response = render(request, "workbench/suitability_result.html", context, status=400 if errors else 200)
    record_shown(request, actor, sale, response, gettext("Suitability result and declaration"))
    return response


@never_cache
@staff_only
def result(request: HttpRequest, actor: Actor, sale_id: int) -> HttpResponse:
    _seller(actor)
    return _result_page(request, actor, sale_id)


@require_POST
@staff_only
def declare(request: HttpRequest, actor: Actor, sale_id: int) -> HttpResponseBase:
    _seller(actor)
    form = DeclarationForm(request.POST)
    if form.is_valid():
        try:
            sale_declare_own_choice(
                actor=actor,
                sale_id=sale_id,
                signed_name=form.cleaned_data["signed_name"],
                confirmed=form.cleaned_data["confirmed"],
                shown_sha256=form.cleaned_data["shown_sha256"],
                language=form.cleaned_data["language"],
            )
        except NotFound:
            raise Http404 from None
        except DomainError as refused:
            form.add_error(None, message_of(refused))
        else:
            messages.success(request, gettext("The buyer's declaration is signed and recorded."))
            return HttpResponseRedirect(reverse("workbench:suitability_result", args=[sale_id]))
    return _result_page(request, actor, sale_id, declaration_form=form)


@require_POST
@staff_only
def policy_issue(request: HttpRequest, actor: Actor, sale_id: int) -> HttpResponseBase:
    _seller(actor)
    _policy_staff(actor)
    form = PolicyForm(request.POST)
    if form.is_valid():
        try:
            policy = policy_actions.policy_issue(
                actor=actor, sale_id=sale_id, data=policy_actions.NewPolicy(**form.cleaned_data)
            )
        except NotFound:
            raise Http404 from None
        except DomainError as refused:
            form.add_error(None, message_of(refused))
        else:
            messages.success(request, gettext("Policy %(number)s is issued.") % {"number": policy.number})
            return HttpResponseRedirect(reverse("workbench:policy", args=[policy.pk]))
    return _result_page(request, actor, sale_id, policy_form=form)


# --- policies and the cooling-off period ---


@never_cache
@staff_only
def policies(request: HttpRequest, actor: Actor) -> HttpResponse:
    _policy_staff(actor)
    return render(
        request, "workbench/policies.html", {"actor": actor, "policies": policy_selectors.policies_list(actor)}
    )


def _policy_page(
    request: HttpRequest, actor: Actor, policy_id: int, form: RefundPaidForm | None = None
) -> HttpResponse:
    try:
        view = policy_selectors.policy_view(actor, policy_id, clock.today())
    except NotFound:
        raise Http404 from None
    context = {
        "actor": actor,
        "view": view,
        "policy": view.policy,
        "path_text": view.path_text,
        "form": form or RefundPaidForm(initial={"refunded_on": clock.today()}),
    }
    return render(request, "workbench/policy.html", context, status=400 if form is not None and form.errors else 200)


@never_cache
@staff_only
def policy(request: HttpRequest, actor: Actor, policy_id: int) -> HttpResponse:
    _policy_staff(actor)
    return _policy_page(request, actor, policy_id)


@require_POST
@staff_only
def policy_surrender(request: HttpRequest, actor: Actor, policy_id: int) -> HttpResponseBase:
    _policy_staff(actor)
    try:
        policy_actions.policy_surrender(actor=actor, policy_id=policy_id)
    except NotFound:
        raise Http404 from None
    messages.success(request, gettext("The surrender is recorded for the holder."))
    return HttpResponseRedirect(reverse("workbench:policy", args=[policy_id]))


@require_POST
@staff_only
def refund_paid(request: HttpRequest, actor: Actor, policy_id: int) -> HttpResponseBase:
    _policy_staff(actor)
    form = RefundPaidForm(request.POST)
    if form.is_valid():
        try:
            policy_actions.surrender_refund_paid(
                actor=actor, policy_id=policy_id, refunded_on=form.cleaned_data["refunded_on"]
            )
        except NotFound:
            raise Http404 from None
        except DomainError as refused:
            form.add_error(None, message_of(refused))
        else:
            messages.success(request, gettext("The refund is recorded as paid."))
            return HttpResponseRedirect(reverse("workbench:policy", args=[policy_id]))
    return _policy_page(request, actor, policy_id, form)
