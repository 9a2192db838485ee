"""Mediation on the staff side (DSP-1, DSP-3; issue #17): a complaint's mediation page — the complainant's
consent, the referral under a data-sharing agreement, the complaint's clock stopped and started again, the
outcome, and after an agreement the file for the court, the 30-day window, the court's ruling and the
insurer's performance — the organisations with their caseload and the agreements with them, and the figures
by organisation for compliance. Staff of the complaint's insurer only (404 for anyone else)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from xiaobao.complaints.actions import OUTCOME_TEXT, Upload
from xiaobao.disputes import actions, selectors
from xiaobao.disputes.domain.mediation import SHARED_TEXT, STATE_TEXT, CourtResult, ReferralState, Shared
from xiaobao.identity.domain.permissions import Permission, staff_may
from xiaobao.kernel.actors import Actor
from xiaobao.kernel.errors import DomainError, NotFound
from xiaobao.ops import clock
from xiaobao.ops.i18n import message_of
from xiaobao.workbench.files import stored_file
from xiaobao.workbench.staff import staff_only

__all__ = ["OUTCOME_TEXT", "FiguresForm", "figures_context", "state_text"]

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
COURT_RESULT_TEXT = {
    CourtResult.CONFIRMED: gettext_lazy("confirmed: the agreement is enforceable"),
    CourtResult.REFUSED: gettext_lazy("refused"),
}


def state_text(state: str) -> str:
    return gettext(STATE_TEXT[ReferralState(state)])


def _shared_choices() -> list[tuple[str, str]]:
    return [(item.value, gettext(SHARED_TEXT[item])) for item in Shared]


class ReferForm(forms.Form):
    organisation = forms.TypedChoiceField(label=gettext_lazy("Mediation organisation"), coerce=int, choices=())
    shared = forms.MultipleChoiceField(
        label=gettext_lazy("What the organisation receives"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        choices=(),
        help_text=gettext_lazy("No more than the complainant agreed to share."),
    )
    documents = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Files"), widget=forms.CheckboxSelectMultiple, required=False, coerce=int, choices=()
    )
    note = forms.CharField(label=gettext_lazy("Note to the organisation"), required=False, max_length=500)

    def __init__(
        self,
        *args: Any,
        organisations: Sequence[tuple[int, str]],
        shared: Sequence[tuple[str, str]],
        files: Sequence[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = list(organisations)  # type: ignore[attr-defined]
        self.fields["shared"].choices = list(shared)  # type: ignore[attr-defined]
        self.fields["documents"].choices = list(files)  # type: ignore[attr-defined]


def _refer_form(data: Any, view: selectors.CaseMediation) -> ReferForm:
    """Offers no more than the consent allows: its organisation (or those in scope), its items, its files; all
    ticked to begin with."""
    consent = view.consent
    consented = set(consent.shared) if consent else set()
    files = set(consent.documents) if consent else set()
    organisations = [o for o in view.organisations if consent is None or consent.organisation_id in {None, o.pk}]
    return ReferForm(
        data,
        prefix="refer",
        initial={
            "shared": sorted(consented),
            "documents": sorted(files),
            "organisation": consent.organisation_id if consent and consent.organisation_id else None,
        },
        organisations=[(o.pk, _organisation_label(o, view)) for o in organisations],
        shared=[(v, t) for v, t in _shared_choices() if v in consented],
        files=[(a.pk, a.original_name) for a in view.attachments if a.pk in files],
    )


def _organisation_label(organisation: Any, view: selectors.CaseMediation) -> str:
    label = gettext("%(name)s — %(count)s open cases") % {
        "name": organisation.name,
        "count": organisation.open_referrals,
    }
    if organisation.pk not in view.agreements:
        label += " — " + gettext("no data-sharing agreement")
    return label


class ApplicationForm(forms.Form):
    applied_on = forms.DateField(label=gettext_lazy("Day the application was made"), widget=DATE)
    court = forms.CharField(label=gettext_lazy("Court"), max_length=200)


class ResultForm(forms.Form):
    result = forms.ChoiceField(
        label=gettext_lazy("The court's result"), widget=forms.RadioSelect, choices=list(COURT_RESULT_TEXT.items())
    )
    ruled_on = forms.DateField(label=gettext_lazy("Date of the ruling"), widget=DATE)
    ruling_number = forms.CharField(label=gettext_lazy("Ruling number"), max_length=100)


class PerformanceForm(forms.Form):
    what = forms.CharField(label=gettext_lazy("What the insurer must do"), max_length=500)
    due = forms.DateField(label=gettext_lazy("By when"), widget=DATE)


class PerformedForm(forms.Form):
    performed_on = forms.DateField(label=gettext_lazy("Day it was done"), widget=DATE)
    evidence = forms.FileField(
        label=gettext_lazy("Evidence (PDF or image)"), help_text=gettext_lazy("A transfer receipt, a signed letter…")
    )
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=500)


class AgreementForm(forms.Form):
    organisation = forms.TypedChoiceField(label=gettext_lazy("Mediation organisation"), coerce=int, choices=())
    reference = forms.CharField(label=gettext_lazy("Agreement reference"), max_length=64)
    valid_from = forms.DateField(label=gettext_lazy("In force from"), widget=DATE)
    valid_until = forms.DateField(label=gettext_lazy("In force until"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [  # type: ignore[attr-defined]
            (o.pk, o.name) for o in selectors.directory()
        ]


class FiguresForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("Referred from"), widget=DATE, required=False)
    end = forms.DateField(label=gettext_lazy("Referred until"), widget=DATE, required=False)


def figures_context(actor: Actor, form: FiguresForm) -> dict[str, Any]:
    """The period asked for (by default this year to today) and the figures of each organisation in it."""
    today = clock.today()
    start, end = date(today.year, 1, 1), today
    if form.is_bound and form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
    rows = selectors.mediation_figures(actor, start=start, end=end)
    return {
        "form": form if form.is_bound else FiguresForm(initial={"start": start, "end": end}),
        "start": start,
        "end": end,
        "rows": [
            {
                "row": row,
                "rate": None if row.figures.agreement_rate is None else round(row.figures.agreement_rate * 100),
            }
            for row in rows
        ],
    }


# -- the complaint's mediation page -----------------------------------------------------------------------


def _page(
    request: HttpRequest,
    actor: Actor,
    complaint_id: int,
    *,
    error: str = "",
    bound: dict[str, forms.Form] | None = None,
    **named: forms.Form,
) -> HttpResponse:
    bound = {**(bound or {}), **named}
    try:
        view = selectors.case_mediation(actor, complaint_id)
    except NotFound:
        raise Http404 from None
    consent = view.consent
    referrals = [
        {
            "facts": facts,
            "referral": facts.referral,
            "state_text": state_text(facts.referral.state),
            "shared": [gettext(SHARED_TEXT[Shared(s)]) for s in facts.referral.shared],
            "result_text": str(COURT_RESULT_TEXT[CourtResult(facts.confirmation.result)])
            if facts.confirmation and facts.confirmation.result
            else "",
            "agreement": facts.referral.state == ReferralState.AGREEMENT,
        }
        for facts in view.referrals
    ]
    open_referral = any(facts.referral.state in {"referred", "accepted"} for facts in view.referrals)
    context = {
        "actor": actor,
        "view": view,
        "complaint": view.complaint,
        "consent": consent,
        "consent_shared": [gettext(SHARED_TEXT[Shared(s)]) for s in consent.shared] if consent else [],
        "consent_files": [a.original_name for a in view.attachments if consent and a.pk in consent.documents],
        "referrals": referrals,
        "may_refer": view.may_refer and consent is not None and not open_referral,
        "refer_form": bound.get("refer_form") or _refer_form(None, view),
        "application_form": bound.get("application_form") or ApplicationForm(prefix="apply"),
        "result_form": bound.get("result_form") or ResultForm(prefix="court"),
        "performance_form": bound.get("performance_form") or PerformanceForm(prefix="owe"),
        "performed_forms": {
            p.pk: bound.get(f"done-{p.pk}") or PerformedForm(prefix=f"done-{p.pk}")
            for facts in view.referrals
            for p in facts.performances
            if p.performed_on is None
        },
        "error": error,
        "today": clock.today(),
    }
    failed = error or any(form.errors for form in bound.values())
    return render(request, "workbench/mediation/case.html", context, status=400 if failed else 200)


@never_cache
@staff_only
def case(request: HttpRequest, actor: Actor, complaint_id: int) -> HttpResponse:
    return _page(request, actor, complaint_id)


def _back(complaint_id: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("workbench:mediation", args=[complaint_id]))


@require_POST
@staff_only
def refer(request: HttpRequest, actor: Actor, complaint_id: int) -> HttpResponse:
    try:
        view = selectors.case_mediation(actor, complaint_id)
    except NotFound:
        raise Http404 from None
    form = _refer_form(request.POST, view)
    if not form.is_valid():
        return _page(request, actor, complaint_id, refer_form=form)
    data = form.cleaned_data
    try:
        actions.referral_make(
            actor=actor,
            complaint_id=complaint_id,
            organisation_id=data["organisation"],
            shared=data["shared"],
            documents=data["documents"],
            note=data["note"],
        )
    except NotFound:
        raise Http404 from None
    except DomainError as refused:
        form.add_error(None, message_of(refused))
        return _page(request, actor, complaint_id, refer_form=form)
    messages.success(request, gettext("Referred. The organisation is told; the complaint's clock stands still."))
    return _back(complaint_id)


def _referral_complaint(actor: Actor, referral_id: int) -> int:
    try:
        return selectors.referral_facts(actor, referral_id).referral.complaint_id
    except NotFound:
        raise Http404 from None


def _step(
    request: HttpRequest,
    actor: Actor,
    referral_id: int,
    *,
    form: forms.Form,
    name: str,
    run: Any,
    done: str,
) -> HttpResponse:
    complaint_id = _referral_complaint(actor, referral_id)
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except NotFound:
            raise Http404 from None
        except DomainError as refused:
            form.add_error(None, message_of(refused))
        else:
            messages.success(request, done)
            return _back(complaint_id)
    return _page(request, actor, complaint_id, bound={name: form})


@require_POST
@staff_only
def application(request: HttpRequest, actor: Actor, referral_id: int) -> HttpResponse:
    return _step(
        request,
        actor,
        referral_id,
        form=ApplicationForm(request.POST, prefix="apply"),
        name="application_form",
        run=lambda data: actions.confirmation_record_application(
            actor=actor, referral_id=referral_id, applied_on=data["applied_on"], court=data["court"]
        ),
        done=gettext("The application to the court is recorded."),
    )


@require_POST
@staff_only
def result(request: HttpRequest, actor: Actor, referral_id: int) -> HttpResponse:
    return _step(
        request,
        actor,
        referral_id,
        form=ResultForm(request.POST, prefix="court"),
        name="result_form",
        run=lambda data: actions.confirmation_record_result(
            actor=actor,
            referral_id=referral_id,
            result=data["result"],
            ruled_on=data["ruled_on"],
            ruling_number=data["ruling_number"],
        ),
        done=gettext("The court's result is recorded."),
    )


@require_POST
@staff_only
def performance(request: HttpRequest, actor: Actor, referral_id: int) -> HttpResponse:
    return _step(
        request,
        actor,
        referral_id,
        form=PerformanceForm(request.POST, prefix="owe"),
        name="performance_form",
        run=lambda data: actions.performance_record(
            actor=actor, referral_id=referral_id, what=data["what"], due=data["due"]
        ),
        done=gettext("Recorded: you will be reminded until it is done."),
    )


@require_POST
@staff_only
def performed(request: HttpRequest, actor: Actor, referral_id: int, performance_id: int) -> HttpResponse:
    def run(data: dict[str, Any]) -> object:
        upload = data["evidence"]
        return actions.performance_done(
            actor=actor,
            performance_id=performance_id,
            performed_on=data["performed_on"],
            evidence=Upload(name=upload.name or "evidence", content=upload),
            note=data["note"],
        )

    return _step(
        request,
        actor,
        referral_id,
        form=PerformedForm(request.POST, request.FILES, prefix=f"done-{performance_id}"),
        name=f"done-{performance_id}",
        run=run,
        done=gettext("Recorded as done, with its evidence."),
    )


@require_POST
@staff_only
def bundle(request: HttpRequest, actor: Actor, referral_id: int) -> HttpResponse:
    """The file for the court, made now (and recorded: it holds the complainant's full name and ID number)."""
    complaint_id = _referral_complaint(actor, referral_id)
    try:
        pdf = actions.confirmation_bundle_make(actor=actor, referral_id=referral_id)
    except NotFound:
        raise Http404 from None
    except DomainError as refused:
        return _page(request, actor, complaint_id, error=message_of(refused))
    answer = HttpResponse(pdf, content_type="application/pdf")
    answer["Content-Disposition"] = f'attachment; filename="judicial-confirmation-{referral_id}.pdf"'
    answer["Cache-Control"] = "private, no-store"
    return answer


@never_cache
@staff_only
def evidence(request: HttpRequest, actor: Actor, performance_id: int) -> HttpResponseBase:
    try:
        kept = selectors.performance_evidence(actor, performance_id)
    except NotFound:
        raise Http404 from None
    return stored_file(
        kept.evidence, kept.evidence_type, kept.evidence_name, fallback=f"evidence-{kept.pk}", download=True
    )


# -- organisations, agreements and figures ----------------------------------------------------------------


def _organisations_page(request: HttpRequest, actor: Actor, form: AgreementForm | None = None) -> HttpResponse:
    return render(
        request,
        "workbench/mediation/organisations.html",
        {
            "actor": actor,
            "organisations": list(selectors.directory()),
            "agreements": list(selectors.sharing_agreements(actor)),
            "may_record": staff_may(actor, Permission.MANAGE_PARTNERS),
            "may_see_figures": staff_may(actor, Permission.VIEW_MEDIATION_STATISTICS),
            "form": form or AgreementForm(),
        },
        status=400 if form is not None and form.errors else 200,
    )


@never_cache
@staff_only
def organisations(request: HttpRequest, actor: Actor) -> HttpResponse:
    if not staff_may(actor, Permission.VIEW_PARTNERS):  # those who refer, and those who record agreements
        raise Http404
    return _organisations_page(request, actor)


@require_POST
@staff_only
def agreement(request: HttpRequest, actor: Actor) -> HttpResponse:
    if not staff_may(actor, Permission.MANAGE_PARTNERS):
        raise Http404
    form = AgreementForm(request.POST)
    if form.is_valid():
        try:
            actions.sharing_agreement_record(
                actor=actor,
                organisation_id=form.cleaned_data["organisation"],
                reference=form.cleaned_data["reference"],
                valid_from=form.cleaned_data["valid_from"],
                valid_until=form.cleaned_data["valid_until"],
            )
        except DomainError as refused:
            form.add_error(None, message_of(refused))
        else:
            messages.success(request, gettext("The data-sharing agreement is recorded."))
            return HttpResponseRedirect(reverse("workbench:mediation_organisations"))
    return _organisations_page(request, actor, form)


@never_cache
@staff_only
def statistics(request: HttpRequest, actor: Actor) -> HttpResponse:
    if not staff_may(actor, Permission.VIEW_MEDIATION_STATISTICS):
        raise Http404
    form = FiguresForm(request.GET or None)
    return render(request, "workbench/mediation/statistics.html", {"actor": actor, **figures_context(actor, form)})
