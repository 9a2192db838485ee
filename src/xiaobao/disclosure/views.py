"""Public disclosure's pages (issue #18 item 4). Thin: parse, call one selector or action, render.

Public: ``/disclosure/`` (every insurer's timeliness, its approved reports), ``/disclosure/<insurer>/<year>/``
and its ``report.pdf``, ``/disclosure/open-data/`` with the CSV and JSON. Only approved reports and the published
data set are ever shown; anything else is the 404 of a page that is not there.

Workbench: ``/workbench/disclosure/`` for staff who prepare or approve their insurer's reports; anyone else gets
404 (anonymous visitors: the sign-in page).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xiaobao.disclosure import access, actions, presenting, selectors
from xiaobao.disclosure.domain.anonymising import FIELDS
from xiaobao.disclosure.domain.reports import STATE_TEXT, ReportState, years_to_prepare
from xiaobao.disclosure.models import DisclosureReport
from xiaobao.identity.actors import actor_for_request
from xiaobao.identity.domain.permissions import Permission, staff_may
from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.kernel.errors import DomainError, NotFound
from xiaobao.ops import clock
from xiaobao.ops.i18n import message_of
from xiaobao.web.letters import letter_response


class PrepareForm(forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["year"].choices = [(y, str(y)) for y in years_to_prepare(clock.today())]  # type: ignore[attr-defined]


# ----------------------------------------------------------------------------------------------- public pages


def _charts(shown: presenting.ShownReport) -> list[tuple[presenting.ShownTable, str]]:
    return [(table, mark_safe(table.chart)) for table in shown.tables]  # noqa: S308  (escaped in charts)


def index(request: HttpRequest) -> HttpResponse:
    insurers = selectors.public_index()
    rows = presenting.timeliness_rows([entry.latest for entry in insurers])
    return render(
        request,
        "disclosure/index.html",
        {
            "insurers": insurers,
            "rows": rows,
            "chart": mark_safe(presenting.timeliness_chart(rows)),  # noqa: S308  (escaped in charts)
            "suppression": presenting.suppression_text(presenting.minimum()),
        },
    )


def _approved(code: str, year: int) -> DisclosureReport:
    try:
        return access.approved_report(code, year)
    except NotFound:
        raise Http404 from None


def report(request: HttpRequest, code: str, year: int) -> HttpResponse:
    shown = presenting.shown_report(_approved(code, year))
    return render(
        request,
        "disclosure/report.html",
        {
            "shown": shown,
            "charts": _charts(shown),
            "approval": presenting.approval_text(shown),
            "suppression": presenting.suppression_text(shown.minimum),
            "public": True,
        },
    )


def report_pdf(request: HttpRequest, code: str, year: int) -> HttpResponse:
    shown = presenting.shown_report(_approved(code, year))
    response = letter_response(presenting.report_pdf(shown), f"complaint-report-{code}-{year}.pdf")
    response["Cache-Control"] = "public, max-age=300"  # a public report names no person
    return response


def open_data(request: HttpRequest) -> HttpResponse:
    return render(request, "disclosure/open_data.html", {"publication": access.latest_publication(), "fields": FIELDS})


def open_data_file(request: HttpRequest, file_format: str) -> HttpResponse:
    publication = access.latest_publication()
    if publication is None or file_format not in {"csv", "json"}:
        raise Http404
    if file_format == "csv":
        response = HttpResponse(publication.csv_text.encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(publication.json_text.encode(), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="xiaobao-complaints-open-data.{file_format}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ----------------------------------------------------------------------------------------------- the workbench


def _staff(request: HttpRequest) -> Actor | HttpResponseBase:
    actor = actor_for_request(request)
    if actor.kind is ActorKind.STAFF and access.may_see_reports(actor):
        return actor
    if request.user.is_authenticated:
        raise Http404
    return redirect_to_login(request.get_full_path())


def _workbench_page(request: HttpRequest, actor: Actor, form: PrepareForm | None = None) -> HttpResponse:
    reports = list(access.reports_for(actor).order_by("-year"))
    return render(
        request,
        "disclosure/workbench.html",
        {
            "actor": actor,
            "reports": [(r, _(STATE_TEXT[ReportState(r.state)])) for r in reports],
            "may_prepare": staff_may(actor, Permission.PREPARE_DISCLOSURE),
            "may_approve": staff_may(actor, Permission.APPROVE_DISCLOSURE),
            "form": form or PrepareForm(),
        },
        status=400 if form is not None else 200,
    )


def workbench(request: HttpRequest) -> HttpResponseBase:
    actor = _staff(request)
    if not isinstance(actor, Actor):
        return actor
    return _workbench_page(request, actor)


@require_POST
def workbench_prepare(request: HttpRequest) -> HttpResponseBase:
    actor = _staff(request)
    if not isinstance(actor, Actor):
        return actor
    if not staff_may(actor, Permission.PREPARE_DISCLOSURE):
        raise Http404
    form = PrepareForm(request.POST)
    if not form.is_valid():
        return _workbench_page(request, actor, form)
    try:
        prepared = actions.report_prepare(actor=actor, year=form.cleaned_data["year"])
    except DomainError as refused:
        form.add_error(None, message_of(refused))
        return _workbench_page(request, actor, form)
    messages.success(
        request, _("The report for %(year)s is prepared. Another person must approve it.") % {"year": prepared.year}
    )
    return HttpResponseRedirect(reverse("disclosure:workbench_report", args=[prepared.pk]))


def workbench_report(request: HttpRequest, report_id: int) -> HttpResponseBase:
    actor = _staff(request)
    if not isinstance(actor, Actor):
        return actor
    try:
        found = access.report_for(actor, report_id)
    except NotFound:
        raise Http404 from None
    shown = presenting.shown_report(found)
    return render(
        request,
        "disclosure/workbench_report.html",
        {
            "actor": actor,
            "shown": shown,
            "charts": _charts(shown),
            "approval": presenting.approval_text(shown),
            "suppression": presenting.suppression_text(shown.minimum),
            "state_text": _(STATE_TEXT[ReportState(found.state)]),
            "may_approve": staff_may(actor, Permission.APPROVE_DISCLOSURE)
            and found.state == ReportState.PREPARED.value
            and found.prepared_by_id != actor.staff_id,
            "public": False,
        },
    )


@require_POST
def workbench_approve(request: HttpRequest, report_id: int) -> HttpResponseBase:
    actor = _staff(request)
    if not isinstance(actor, Actor):
        return actor
    try:
        approved = actions.report_approve(
            actor=actor, report_id=report_id, seen_prepared_at=request.POST.get("prepared_at", "")
        )
    except NotFound:
        raise Http404 from None
    except DomainError as refused:
        messages.error(request, message_of(refused))
        return HttpResponseRedirect(reverse("disclosure:workbench_report", args=[report_id]))
    messages.success(request, _("The report for %(year)s is approved and public.") % {"year": approved.year})
    return HttpResponseRedirect(reverse("disclosure:workbench_report", args=[approved.pk]))
