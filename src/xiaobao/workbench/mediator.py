"""The mediation organisation's own workspace (DSP-1; issue #17), under ``/mediation/``: the referrals to the
mediator's organisation, each one's shared file — exactly what the referral names — with the steps to accept it
and record the outcome, and the organisation's own figures. Only a signed-in mediator; anyone else signs in or
gets a 404, and a referral to another organisation is a 404 too."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from xiaobao.complaints.domain.classification import PRODUCT_LINE_TEXT, REASON_TEXT, ProductLine, Reason
from xiaobao.complaints.domain.decisions import Outcome
from xiaobao.disputes import actions, selectors
from xiaobao.disputes.domain.mediation import ReferralState
from xiaobao.identity.actors import actor_for_request
from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.kernel.errors import DomainError, NotFound
from xiaobao.ops.i18n import message_of
from xiaobao.workbench.files import stored_file
from xiaobao.workbench.mediation import OUTCOME_TEXT, FiguresForm, figures_context, state_text


def mediator_only(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        actor = actor_for_request(request)
        if actor.kind is not ActorKind.MEDIATOR:
            if request.user.is_authenticated:
                raise Http404
            return redirect_to_login(request.get_full_path())
        return view(request, actor, *args, **kwargs)

    return wrapped


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("How the mediation ended"),
        widget=forms.RadioSelect,
        choices=[
            (ReferralState.AGREEMENT.value, gettext_lazy("Agreement reached")),
            (ReferralState.NO_AGREEMENT.value, gettext_lazy("No agreement")),
            (ReferralState.WITHDRAWN.value, gettext_lazy("Withdrawn")),
        ],
    )
    terms = forms.CharField(
        label=gettext_lazy("Terms of the agreement"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("For an agreement: what each party does, as signed."),
    )
    amount = forms.DecimalField(
        label=gettext_lazy("Amount the insurer pays (yuan)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
    )
    effective_on = forms.DateField(
        label=gettext_lazy("Day the agreement takes effect"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("The 30 days to apply to the court for judicial confirmation count from this day."),
    )


@never_cache
@mediator_only
def workspace(request: HttpRequest, actor: Actor) -> HttpResponse:
    rows = [{"referral": r, "state_text": state_text(r.state)} for r in selectors.workspace(actor)]
    return render(request, "workbench/mediator/workspace.html", {"actor": actor, "rows": rows})


def _referral_page(
    request: HttpRequest, actor: Actor, referral_id: int, *, form: OutcomeForm | None = None, error: str = ""
) -> HttpResponse:
    try:
        shared = selectors.shared_file(actor, referral_id)
    except NotFound:
        raise Http404 from None
    decision_outcome = ""
    if shared.decision:
        decision_outcome = gettext(OUTCOME_TEXT.get(Outcome(shared.decision["outcome"]), shared.decision["outcome"]))
    context = {
        "actor": actor,
        "shared": shared,
        "referral": shared.referral,
        "state_text": state_text(shared.referral.state),
        "product_line": gettext(PRODUCT_LINE_TEXT[ProductLine(shared.product_line)]),
        "reason": gettext(REASON_TEXT[Reason(shared.reason)]),
        "decision_outcome": decision_outcome,
        "form": form or OutcomeForm(),
        "error": error,
        "open": shared.referral.state in {ReferralState.REFERRED, ReferralState.ACCEPTED},
    }
    status = 400 if error or (form is not None and form.errors) else 200
    return render(request, "workbench/mediator/referral.html", context, status=status)


@never_cache
@mediator_only
def referral(request: HttpRequest, actor: Actor, referral_id: int) -> HttpResponse:
    return _referral_page(request, actor, referral_id)


@require_POST
@mediator_only
def accept(request: HttpRequest, actor: Actor, referral_id: int) -> HttpResponse:
    try:
        actions.referral_accept(actor=actor, referral_id=referral_id)
    except NotFound:
        raise Http404 from None
    except DomainError as refused:
        return _referral_page(request, actor, referral_id, error=message_of(refused))
    messages.success(request, gettext("You took the case. The mediation's own time limit has started."))
    return HttpResponseRedirect(reverse("mediation:referral", args=[referral_id]))


@require_POST
@mediator_only
def outcome(request: HttpRequest, actor: Actor, referral_id: int) -> HttpResponse:
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        return _referral_page(request, actor, referral_id, form=form)
    data = form.cleaned_data
    try:
        actions.referral_record_outcome(
            actor=actor,
            referral_id=referral_id,
            outcome=data["outcome"],
            terms=data["terms"],
            amount=data["amount"],
            effective_on=data["effective_on"],
        )
    except NotFound:
        raise Http404 from None
    except DomainError as refused:
        form.add_error(None, message_of(refused))
        return _referral_page(request, actor, referral_id, form=form)
    messages.success(request, gettext("The outcome is recorded; the insurer and the consumer are told."))
    return HttpResponseRedirect(reverse("mediation:referral", args=[referral_id]))


@never_cache
@mediator_only
def document(request: HttpRequest, actor: Actor, referral_id: int, attachment_id: int) -> HttpResponseBase:
    try:
        kept = selectors.shared_document(actor, referral_id, attachment_id)
    except NotFound:
        raise Http404 from None
    return stored_file(
        kept.file, kept.content_type, kept.original_name, fallback=f"referral-{referral_id}-{kept.pk}", download=True
    )


@never_cache
@mediator_only
def statistics(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = FiguresForm(request.GET or None)
    return render(request, "workbench/mediator/statistics.html", {"actor": actor, **figures_context(actor, form)})
