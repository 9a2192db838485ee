"""Root causes and fairness for the insurer's compliance officers (CMP-S1, INC-4; issue #18): the groups of similar
complaints with their terms, examples and trend, the remediation actions recorded on a group and their effect;
and the monthly comparison of times and outcomes across consumer groups. Only staff whose roles grant
``insights.view``, and only their own insurer's; anyone else gets 404 (or the sign-in page)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from xiaobao.identity.domain.permissions import Permission, staff_may
from xiaobao.insights import actions, selectors
from xiaobao.insights.domain.fairness import Measure
from xiaobao.kernel.actors import Actor
from xiaobao.kernel.errors import DomainError, NotFound
from xiaobao.ops import clock
from xiaobao.ops.i18n import message_of
from xiaobao.workbench.staff import staff_only


def _compliance(actor: Actor) -> None:
    if not staff_may(actor, Permission.VIEW_INSIGHTS):
        raise Http404


class ActionForm(forms.Form):
    what = forms.CharField(
        label=gettext_lazy("What will be done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    owner = forms.TypedChoiceField(label=gettext_lazy("Owner"), coerce=int, choices=())
    due_on = forms.DateField(label=gettext_lazy("Due date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, owners: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "—"), *((s.pk, s.display_name) for s in owners)]  # type: ignore[attr-defined]


class ProgressForm(forms.Form):
    progress = forms.CharField(
        label=gettext_lazy("Progress"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


@never_cache
@staff_only
def root_causes(request: HttpRequest, actor: Actor) -> HttpResponse:
    _compliance(actor)
    return render(request, "workbench/root_causes.html", {"actor": actor, "view": selectors.root_causes(actor)})


@require_POST
@staff_only
def root_causes_run(request: HttpRequest, actor: Actor) -> HttpResponseBase:
    _compliance(actor)
    actions.grouping_request(actor=actor)
    messages.success(request, gettext("Grouping has started; reload this page in a few minutes for the result."))
    return HttpResponseRedirect(reverse("workbench:root_causes"))


def _bars(trend: list[tuple[str, int]]) -> list[dict[str, int]]:
    """The trend drawn as bars (the table beside it says the same for screen readers)."""
    top = max((n for _, n in trend), default=0) or 1
    return [
        {"x": 40 * i, "y": 105 - round(100 * n / top), "height": round(100 * n / top)} for i, (_, n) in enumerate(trend)
    ]


def _group_page(
    request: HttpRequest, actor: Actor, group_id: int, *, form: ActionForm | None = None, error: str = ""
) -> HttpResponse:
    try:
        view = selectors.group_view(actor, group_id)
    except NotFound:
        raise Http404 from None
    form = form or ActionForm(owners=selectors.owners(actor))
    context = {
        "actor": actor,
        "view": view,
        "form": form,
        "token": request.POST.get("token") or uuid.uuid4().hex,
        "bars": _bars(view.trend),
        "chart_width": 40 * len(view.trend),
        "error": error,
    }
    return render(request, "workbench/root_cause.html", context, status=400 if form.errors or error else 200)


@never_cache
@staff_only
def root_cause(request: HttpRequest, actor: Actor, group_id: int) -> HttpResponse:
    _compliance(actor)
    return _group_page(request, actor, group_id)


@require_POST
@staff_only
def action_record(request: HttpRequest, actor: Actor, group_id: int) -> HttpResponseBase:
    _compliance(actor)
    form = ActionForm(request.POST, owners=selectors.owners(actor))
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.action_record(
                actor=actor,
                group_id=group_id,
                what=data["what"],
                owner_id=data["owner"],
                due_on=data["due_on"],
                idempotency_key=f"workbench:{request.POST.get('token', '')[:64]}" if request.POST.get("token") else "",
            )
        except NotFound:
            raise Http404 from None
        except DomainError as refused:
            form.add_error(None, message_of(refused))
        else:
            messages.success(request, gettext("The remediation action is recorded."))
            return HttpResponseRedirect(reverse("workbench:root_cause", args=[group_id]))
    return _group_page(request, actor, group_id, form=form)


@require_POST
@staff_only
def action_step(request: HttpRequest, actor: Actor, action_id: int, step: str) -> HttpResponseBase:
    _compliance(actor)
    try:
        if step == "progress":
            form = ProgressForm(request.POST)
            if not form.is_valid():
                group_id = selectors.group_of_action(actor, action_id)
                return _group_page(request, actor, group_id, error=gettext("Say how far the action has got."))
            action = actions.action_progress(actor=actor, action_id=action_id, progress=form.cleaned_data["progress"])
            messages.success(request, gettext("The progress is recorded."))
        elif step == "complete":
            action = actions.action_complete(actor=actor, action_id=action_id)
            messages.success(request, gettext("The action is complete; its effect is measured from today."))
        else:
            raise Http404
    except NotFound:
        raise Http404 from None
    except DomainError as refused:
        return _group_page(request, actor, selectors.group_of_action(actor, action_id), error=message_of(refused))
    return HttpResponseRedirect(reverse("workbench:root_cause", args=[action.group_id]))


def _percent(share: float, digits: int) -> str:
    return f"{number_format(share * 100, digits)}%"


def _figure(value: float | None, measure: Measure) -> str:
    """Mean days to one decimal, or an upheld rate in whole per cent; empty when there is nothing to show."""
    if value is None:
        return ""
    return number_format(value, 1) if measure is Measure.TIME else _percent(value, 0)


class MonthForm(forms.Form):
    month = forms.DateField(
        label=gettext_lazy("Month"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        required=False,
    )

    def clean_month(self) -> date | None:
        """A month the figures can hold: from 2000 to this month (a month far off is an error, not a crash)."""
        month: date | None = self.cleaned_data.get("month")
        if month is not None and not date(2000, 1, 1) <= month <= clock.today():
            raise forms.ValidationError(gettext("Choose a month from January 2000 to this month."))
        return month


@never_cache
@staff_only
def fairness(request: HttpRequest, actor: Actor) -> HttpResponse:
    _compliance(actor)
    form = MonthForm(request.GET or None)
    month: date = selectors.previous_month(clock.today())
    if form.is_bound and form.is_valid() and form.cleaned_data["month"]:
        month = form.cleaned_data["month"].replace(day=1)
    elif not form.is_bound:
        form = MonthForm(initial={"month": month})
    assert actor.insurer_id is not None
    report = selectors.fairness_report(actor, actor.insurer_id, month)
    rows = [
        {
            "test": test,
            "dimension": selectors.DIMENSION_TEXT[test.dimension],
            "group": selectors.group_text(test.dimension, test.group),
            "time": test.measure is Measure.TIME,
            "value": _figure(test.value, test.measure),
            "rest": _figure(test.rest_value, test.measure),
            "confidence": "" if test.confidence is None else _percent(test.confidence, 1),
        }
        for test in report.tests
    ]
    context = {"actor": actor, "form": form, "report": report, "rows": rows, "alpha": _percent(report.alpha, 0)}
    return render(request, "workbench/fairness.html", context, status=400 if form.errors else 200)
