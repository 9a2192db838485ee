"""The options guide (DSP-2, CMP-N1) and the complainant's choice after a decision.

``/disputes/options/`` explains review, mediation, arbitration and court in plain words, for anyone, in the
page's language and read aloud. On their own tracking page a complainant whose decision was sent chooses one;
the choice is recorded (``complaint_choose_next_step``) and acted on: review and mediation start here, arbitration
and court are taken up elsewhere and the page says what to bring and where to go.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from xiaobao.complaints.domain.decisions import Remedy
from xiaobao.complaints.domain.lifecycle import State
from xiaobao.complaints.domain.remedies import AFTER_DECISION, GUIDE, PREPARATION, OptionGuide
from xiaobao.complaints.models import Complaint
from xiaobao.complaints.remedies import review_day_line, review_window
from xiaobao.identity.models import Insurer
from xiaobao.ops import clock
from xiaobao.portal.forms import ReviewForm


@dataclass(frozen=True)
class ShownOption:
    """One option translated for a page: its name, its summary, its parts (label, text) and all of it as one
    text to read aloud."""

    option: str
    title: str
    summary: str
    parts: list[tuple[str, str]]
    spoken: str


def _shown(guide: OptionGuide) -> ShownOption:
    parts = [
        (_("How it works"), _(guide.how)),
        (_("What it costs"), _(guide.cost)),
        (_("How long it takes"), _(guide.time)),
        (_("What you need"), _(guide.needs)),
        (_("When it fits"), _(guide.fits)),
        (_("The rules behind it"), _(guide.basis)),
    ]
    title, summary = _(guide.title), _(guide.summary)
    spoken = "\n".join([title, summary, *(f"{label}: {text}" for label, text in parts[:-1])])
    return ShownOption(guide.option.value, title, summary, parts, spoken)


def dispute_options(request: HttpRequest) -> HttpResponse:
    """The guide, open to everyone; reached from every insurer's page (``?insurer=<code>`` names it and links
    back) and from a complaint's tracking page."""
    company = Insurer.objects.filter(code=request.GET.get("insurer", "")).first()
    return render(request, "portal/dispute_options.html", {"options": [_shown(g) for g in GUIDE], "insurer": company})


def mediation_next_page(complaint: Complaint) -> str:
    """Where a complainant who chose mediation goes next: the page asking their consent to share the file
    (DSP-1: no referral without it)."""
    return reverse("portal:mediation_consent", args=[complaint.reference])


def _mediation_page(complaint: Complaint) -> str:
    """The mediation step to offer as a button: the consent page."""
    return mediation_next_page(complaint)


def next_steps(complaint: Complaint, review_form: ReviewForm | None = None) -> dict[str, object] | None:
    """The "what you can do next" part of a tracking page, once the decision was sent; None before."""
    if complaint.notified_at is None or State(complaint.state) not in AFTER_DECISION:
        return None
    window = review_window(complaint)
    chosen = Remedy(complaint.next_step) if complaint.next_step else None
    preparation = PREPARATION.get(chosen) if chosen else None
    return {
        "options": [_shown(g) for g in GUIDE],
        "chosen": chosen.value if chosen else "",
        "chosen_title": next((_(g.title) for g in GUIDE if g.option is chosen), ""),
        "chosen_on": complaint.next_step_chosen_on,
        "review_day": review_day_line(window) if window else "",
        "review_asked": complaint.review_requested_on is not None,
        "review_open": window is not None and (window.provisional or clock.today() <= window.last_day),
        "review_form": review_form or ReviewForm(),
        "bring": [_(text) for text in preparation.bring] if preparation else [],
        "where": [_(text) for text in preparation.where] if preparation else [],
        "review_decided": bool(complaint.review_outcome),
        "mediation_page": _mediation_page(complaint) if chosen is Remedy.MEDIATION else "",
    }
