"""The statistics pages (CMP-S2): ``/workbench/reports/`` for compliance and senior managers, ``/regulator/``
for the regulator (every insurer side by side). Thin: parse the GET filters, call one selector or action,
render. Anyone else gets the 404 of a page that is not there (anonymous visitors: the sign-in page).

An export reveals data, so it is a POST form carrying the CSRF token (a GET — a followed link, another site's
image tag, a prefetch — answers 405 and exports nothing)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xiaobao.identity.actors import actor_for_request
from xiaobao.identity.domain.permissions import Permission, staff_may
from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.kernel.errors import DomainError, NotFound
from xiaobao.ops import clock
from xiaobao.ops.i18n import message_of
from xiaobao.reports import actions, presenting, selectors
from xiaobao.reports.domain.periods import Granularity, parse_period, period_of, recent_periods

PERIODS_OFFERED = {Granularity.MONTH: 24, Granularity.QUARTER: 12, Granularity.YEAR: 5}
GRANULARITY_TEXT = {
    Granularity.MONTH: gettext_lazy("Month"),
    Granularity.QUARTER: gettext_lazy("Quarter"),
    Granularity.YEAR: gettext_lazy("Year"),
}


class DenominatorForm(forms.Form):
    period = forms.CharField(
        label=gettext_lazy("Period"), max_length=8, help_text=gettext_lazy("As 2026-Q3, 2026-07 or 2026.")
    )
    policies_in_force = forms.IntegerField(label=gettext_lazy("Policies in force"), min_value=1)
    premium_yuan = forms.DecimalField(
        label=gettext_lazy("Premium income (yuan)"), min_value=Decimal("0.01"), max_digits=18, decimal_places=2
    )


def _actor(request: HttpRequest, kind: ActorKind, *, back: str = "") -> Actor | HttpResponseBase:
    actor = actor_for_request(request)
    if actor.kind is kind:
        return actor
    if request.user.is_authenticated:
        raise Http404
    return redirect_to_login(back or request.get_full_path())


def _filters(params: QueryDict) -> tuple[Granularity, str, int | None, str]:
    """The period asked for (the latest of its kind when it is missing or of another kind), the regulator's
    insurer, and what to tell the reader when the period given is not one (else ""). Unknown filters are
    ignored; anything longer than a period or an insurer's number can be is not parsed at all."""
    today = clock.today()
    try:
        granularity = Granularity(params.get("granularity", Granularity.QUARTER.value)[:16])
    except ValueError:
        granularity = Granularity.QUARTER
    given = params.get("period", "")
    period = parse_period(given)
    refused = ""
    if period is None or period.granularity is not granularity:
        period = period_of(granularity, today)
        if given and parse_period(given) is None:
            refused = _("“%(given)s” is not a period: give it as 2026-Q3, 2026-07 or 2026. Showing %(shown)s.") % {
                "given": given[:20] + ("…" if len(given) > 20 else ""),
                "shown": period.key(),
            }
    insurer = params.get("insurer", "")[:12]
    return granularity, period.key(), int(insurer) if insurer.isascii() and insurer.isdigit() else None, refused


def _page(request: HttpRequest, actor: Actor, *, regulator: bool, form: DenominatorForm | None = None) -> HttpResponse:
    granularity, period_key, insurer_id, refused = _filters(request.GET)
    period = parse_period(period_key)
    assert period is not None
    try:
        stats = selectors.statistics(actor, period, insurer_id=insurer_id if regulator else None)
    except NotFound:
        raise Http404 from None
    shown = presenting.tables(stats)
    query = {"granularity": granularity.value, "period": period.key()}
    if regulator and insurer_id is not None:
        query["insurer"] = str(insurer_id)
    export_url = reverse("reports:regulator_export" if regulator else "reports:export")
    export_fields = list(query.items())
    return render(
        request,
        "reports/dashboard.html",
        {
            "actor": actor,
            "regulator": regulator,
            "stats": stats,
            "tables": [(table, mark_safe(table.chart)) for table in shown],  # noqa: S308  (escaped in charts)
            "export_url": export_url,
            "export_fields": export_fields,
            "timeliness_chart": mark_safe(presenting.timeliness_chart(stats.total)),  # noqa: S308  (escaped in charts)
            "small_cells_note": presenting.small_cells_note(stats.min_cell) if stats.min_cell > 1 else "",
            "granularities": [(g.value, GRANULARITY_TEXT[g]) for g in Granularity],
            "granularity": granularity.value,
            "periods": [p.key() for p in recent_periods(granularity, clock.today(), PERIODS_OFFERED[granularity])],
            "period": period.key(),
            "insurers": sorted(stats.insurer_names.items()) if regulator else [],
            "insurer_id": insurer_id,
            "may_record": staff_may(actor, Permission.RECORD_REPORT_DENOMINATORS),
            "form": form or DenominatorForm(initial={"period": period.key()}),
            "refused": refused,
        },
        status=400 if form is not None or refused else 200,
    )


def dashboard(request: HttpRequest) -> HttpResponseBase:
    actor = _actor(request, ActorKind.STAFF)
    if not isinstance(actor, Actor):
        return actor
    return _page(request, actor, regulator=False)


def regulator_dashboard(request: HttpRequest) -> HttpResponseBase:
    actor = _actor(request, ActorKind.REGULATOR)
    if not isinstance(actor, Actor):
        return actor
    return _page(request, actor, regulator=True)


def _export(request: HttpRequest, actor: Actor, *, regulator: bool) -> HttpResponseBase:
    granularity, period_key, insurer_id, refused = _filters(request.POST)
    name, file_format = request.POST.get("table", "")[:20], request.POST.get("format", "")[:8]
    back = reverse("reports:regulator" if regulator else "reports:dashboard")
    if refused:  # nothing exported for a period that is not one (not the latest one in its place)
        messages.error(request, refused)
        return HttpResponseRedirect(f"{back}?{urlencode({'granularity': granularity.value, 'period': period_key})}")
    try:
        exported = actions.statistics_export(
            actor=actor,
            period_key=period_key,
            table=name,
            file_format=file_format,
            insurer_id=insurer_id if regulator else None,
        )
    except NotFound:
        raise Http404 from None
    except DomainError as problem:
        messages.error(request, message_of(problem))
        return HttpResponseRedirect(f"{back}?{urlencode({'granularity': granularity.value, 'period': period_key})}")
    shown = presenting.table(name, exported.statistics)
    made_at = clock.now()
    filename = f"complaint-statistics-{period_key}-{name}.{file_format}"
    if file_format == "csv":
        response = HttpResponse(presenting.as_csv(shown), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            presenting.as_xlsx(shown, stats=exported.statistics, made_at=made_at),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def export(request: HttpRequest) -> HttpResponseBase:
    actor = _actor(request, ActorKind.STAFF, back=reverse("reports:dashboard"))
    if not isinstance(actor, Actor):
        return actor
    return _export(request, actor, regulator=False)


@require_POST
def regulator_export(request: HttpRequest) -> HttpResponseBase:
    actor = _actor(request, ActorKind.REGULATOR, back=reverse("reports:regulator"))
    if not isinstance(actor, Actor):
        return actor
    return _export(request, actor, regulator=True)


@require_POST
def denominator(request: HttpRequest) -> HttpResponseBase:
    """Compliance records the insurer's policies in force and premium for a period; audited."""
    actor = _actor(request, ActorKind.STAFF)
    if not isinstance(actor, Actor):
        return actor
    if not staff_may(actor, Permission.RECORD_REPORT_DENOMINATORS):
        raise Http404
    form = DenominatorForm(request.POST)
    if not form.is_valid():
        return _page(request, actor, regulator=False, form=form)
    try:
        recorded = actions.denominator_record(
            actor=actor,
            period_key=form.cleaned_data["period"],
            policies_in_force=form.cleaned_data["policies_in_force"],
            premium_yuan=form.cleaned_data["premium_yuan"],
        )
    except (DomainError, InvalidOperation) as refused:
        form.add_error(None, message_of(refused) if isinstance(refused, DomainError) else _("Check the figures."))
        return _page(request, actor, regulator=False, form=form)
    messages.success(request, _("The figures for %(period)s are recorded.") % {"period": recorded.period})
    period = parse_period(recorded.period)
    query = {"granularity": period.granularity.value, "period": recorded.period} if period else {}
    return HttpResponseRedirect(f"{reverse('reports:dashboard')}?{urlencode(query)}")
