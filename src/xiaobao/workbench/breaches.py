"""Breach response for the insurer's compliance officers (SEC-3, PI-5; issue #19): the list of incidents, the form
that opens one, the incident page with its steps — find the affected consumers, notify them, report to the
regulator, close — and the regulator's report as a page and a PDF. Only staff whose roles grant
``breaches.handle``, and only their own insurer's incidents; anyone else gets 404 (or the sign-in page)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from xiaobao.breaches import actions, selectors
from xiaobao.breaches.domain.incidents import (
    DATA_TYPE_TEXT,
    SOURCE_TEXT,
    STATE_TEXT,
    STEPS,
    TIMELINE_TEXT,
    DataType,
    IncidentFacts,
    IncidentState,
    Source,
    SourceKind,
    Step,
    shanghai_text,
)
from xiaobao.identity.domain.permissions import Permission, staff_may
from xiaobao.kernel.actors import Actor
from xiaobao.kernel.errors import DomainError, NotFound
from xiaobao.ops.i18n import message_of
from xiaobao.workbench.staff import staff_only

MOMENT_FORMATS = ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]


def _moment(label: Any, help_text: Any = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=MOMENT_FORMATS,
        help_text=help_text,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": "1"}, format="%Y-%m-%dT%H:%M:%S"),
    )


def _text(label: Any, help_text: Any = "", rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=2000, help_text=help_text, widget=forms.Textarea(attrs={"rows": rows})
    )


class IncidentForm(forms.Form):
    """Every fact PIPL Art.57 asks the notice to carry, and the window and source the affected are found by. Times
    are Beijing time (Asia/Shanghai, the site's time zone), to the second; both ends of the window count."""

    summary = _text(gettext_lazy("What happened"))
    discovered_at = _moment(gettext_lazy("Discovered at"))
    window_start = _moment(
        gettext_lazy("Exposure began at"), gettext_lazy("Beijing time, to the second; this moment is included.")
    )
    window_end = _moment(
        gettext_lazy("Exposure ended at"), gettext_lazy("Beijing time, to the second; this moment is included.")
    )
    source = forms.ChoiceField(
        label=gettext_lazy("Where the data leaked from"),
        choices=(),
        help_text=gettext_lazy(
            "A staff account finds the full values it revealed; a partner or one of its keys, what it read "
            "through the API; everything (a storage breach), every read and every case received in the window."
        ),
    )
    data_types = forms.MultipleChoiceField(
        label=gettext_lazy("Kinds of data exposed"), widget=forms.CheckboxSelectMultiple, choices=()
    )
    cause = _text(gettext_lazy("Cause"), rows=2)
    harm = _text(gettext_lazy("Possible harm to the consumers"), rows=2)
    remediation = _text(gettext_lazy("Remediation taken"), rows=2)
    consumer_steps = _text(gettext_lazy("What the consumers can do"), rows=2)
    contact = forms.CharField(
        label=gettext_lazy("Contact for the consumers"),
        max_length=300,
        help_text=gettext_lazy("A phone number or address that answers questions about this incident."),
    )

    def __init__(self, *args: Any, sources: Sequence[tuple[str, Sequence[tuple[int, str]]]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [  # type: ignore[attr-defined]
            (SourceKind.ALL.value, gettext(SOURCE_TEXT[SourceKind.ALL])),
            *(
                (gettext(SOURCE_TEXT[SourceKind(kind)]), [(f"{kind}:{pk}", label) for pk, label in rows])
                for kind, rows in sources
                if rows
            ),
        ]
        self.fields["data_types"].choices = [  # type: ignore[attr-defined]
            (kind.value, gettext(DATA_TYPE_TEXT[kind])) for kind in DataType
        ]

    def facts(self) -> IncidentFacts:
        data = self.cleaned_data
        kind, _, pk = data["source"].partition(":")
        return IncidentFacts(
            summary=data["summary"],
            discovered_at=data["discovered_at"],
            window_start=data["window_start"],
            window_end=data["window_end"],
            source=Source(SourceKind(kind), int(pk) if pk else None),
            data_types=frozenset(DataType(t) for t in data["data_types"]),
            cause=data["cause"],
            harm=data["harm"],
            remediation=data["remediation"],
            consumer_steps=data["consumer_steps"],
            contact=data["contact"],
        )


def _compliance(actor: Actor) -> None:
    if not staff_may(actor, Permission.HANDLE_BREACHES):
        raise Http404


def _state_text(state: str) -> str:
    return gettext(STATE_TEXT[IncidentState(state)])


@never_cache
@staff_only
def incident_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    _compliance(actor)
    rows = [
        {
            "incident": incident,
            "state_text": _state_text(incident.state),
            "discovered": shanghai_text(incident.discovered_at),
        }
        for incident in selectors.incidents(actor)
    ]
    return render(request, "workbench/breaches.html", {"actor": actor, "rows": rows})


@never_cache
@staff_only
def incident_open(request: HttpRequest, actor: Actor) -> HttpResponse:
    _compliance(actor)
    form = IncidentForm(request.POST or None, sources=selectors.sources(actor))
    if request.method == "POST" and form.is_valid():
        try:
            incident = actions.incident_open(actor=actor, facts=form.facts())
        except NotFound:
            form.add_error("source", gettext("Choose the source from the list."))
        except DomainError as refused:
            form.add_error(None, message_of(refused))
        else:
            messages.success(
                request,
                gettext("Incident %(reference)s opened. Next, find the consumers it affected.")
                % {"reference": incident.reference},
            )
            return HttpResponseRedirect(reverse("workbench:breach", args=[incident.pk]))
    return render(
        request, "workbench/breach_open.html", {"actor": actor, "form": form}, status=400 if form.errors else 200
    )


def _incident_page(request: HttpRequest, actor: Actor, incident_id: int, *, error: str = "") -> HttpResponse:
    try:
        view = selectors.incident_view(actor, incident_id)
    except NotFound:
        raise Http404 from None
    incident = view.incident
    state = IncidentState(incident.state)
    open_steps = [step.value for step, (allowed, _) in STEPS.items() if state in allowed]
    context = {
        "actor": actor,
        "view": view,
        "incident": incident,
        "state_text": _state_text(incident.state),
        "source_text": gettext(SOURCE_TEXT[SourceKind(incident.source_kind)]),
        "data_types": [gettext(DATA_TYPE_TEXT[DataType(t)]) for t in incident.data_types],
        "moments": {
            "discovered": shanghai_text(incident.discovered_at),
            "start": shanghai_text(incident.window_start),
            "end": shanghai_text(incident.window_end),
        },
        "timeline": [(gettext(TIMELINE_TEXT[label]), shanghai_text(at), at) for label, at in view.timeline],
        "by_type": [(gettext(DATA_TYPE_TEXT[DataType(kind)]), n) for kind, n in view.by_type.items() if n],
        "affected": [
            {
                "row": row,
                "kinds": ", ".join(gettext(DATA_TYPE_TEXT[DataType(t)]) for t in row.data_types),
            }
            for row in view.affected
        ],
        "open_steps": open_steps,
        "error": error,
    }
    return render(request, "workbench/breach.html", context, status=400 if error else 200)


@never_cache
@staff_only
def incident_page(request: HttpRequest, actor: Actor, incident_id: int) -> HttpResponse:
    _compliance(actor)
    return _incident_page(request, actor, incident_id)


STEP_ACTIONS: dict[Step, Callable[..., object]] = {
    Step.ASSESS: actions.incident_assess,
    Step.NOTIFY: actions.incident_notify,
    Step.REPORT: actions.incident_report,
    Step.CLOSE: actions.incident_close,
}
STEP_DONE = {
    Step.ASSESS: gettext_lazy("The affected consumers are found; the list is kept as it is now."),
    Step.NOTIFY: gettext_lazy("Notices are on their way; each consumer is told once."),
    Step.REPORT: gettext_lazy("The incident is marked as reported to the regulator."),
    Step.CLOSE: gettext_lazy("The incident is closed."),
}


@require_POST
@staff_only
def incident_step(request: HttpRequest, actor: Actor, incident_id: int, step: str) -> HttpResponseBase:
    if step not in Step.__members__.values():
        raise Http404
    chosen = Step(step)
    try:
        STEP_ACTIONS[chosen](actor=actor, incident_id=incident_id)
    except NotFound:
        raise Http404 from None
    except DomainError as refused:
        return _incident_page(request, actor, incident_id, error=message_of(refused))
    messages.success(request, str(STEP_DONE[chosen]))
    return HttpResponseRedirect(reverse("workbench:breach", args=[incident_id]))


@never_cache
@staff_only
def regulator_report_pdf(request: HttpRequest, actor: Actor, incident_id: int) -> HttpResponse:
    _compliance(actor)
    try:
        name, pdf = selectors.regulator_report_pdf(actor, incident_id)
    except NotFound:
        raise Http404 from None
    answer = HttpResponse(pdf, content_type="application/pdf")
    answer["Content-Disposition"] = f'attachment; filename="{name}"'
    return answer
