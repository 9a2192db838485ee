"""The decision letter (CMP-N1) as PDF, in the complainant's language: the facts found, the basis and
reasons, the outcome and what the insurer will do, and the complainant's remedies — review by the
higher-level office within 30 days (CMP-N2, its last day computed for this notice), mediation, arbitration,
court — each with the options guide's summary and the links to the full guide and to the choice (DSP-2).

The same letter is opened by staff (workbench, API) and downloaded by the complainant from the tracking
page once it was sent; its date is the day of the decision in Asia/Shanghai.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext

from xiaobao.casework.letters import Letter, Section, letter_pdf
from xiaobao.complaints import remedies
from xiaobao.complaints.actions import OUTCOME_TEXT
from xiaobao.complaints.domain.decisions import Outcome
from xiaobao.complaints.models import Complaint
from xiaobao.kernel.errors import NotFound
from xiaobao.ops.clock import statutory_date_of


def _labelled(label: str, value: str) -> str:
    """ "Outcome: upheld", "处理结果：支持" — a full-width colon needs no space after it."""
    return f"{label}{'' if label.endswith('：') else ' '}{value}"


def decision_letter(complaint: Complaint) -> Letter:
    """The letter of a decided complaint, its words in the complainant's language (call inside that language)."""
    if not complaint.outcome or complaint.decided_at is None:
        raise NotFound()
    sections = [
        Section(gettext("What we found"), complaint.findings),
        Section(gettext("Basis"), complaint.basis),
        Section(gettext("Reasons"), complaint.reasons),
    ]
    if complaint.remedy.strip():
        sections.append(Section(gettext("What we will do"), complaint.remedy))
    return Letter(
        insurer=complaint.insurer,
        title=gettext("Decision on your complaint %(reference)s") % {"reference": complaint.reference},
        reference=complaint.reference or "",
        day=statutory_date_of(complaint.decided_at),
        addressee=complaint.complainant.name,
        headline=_labelled(gettext("Outcome:"), gettext(OUTCOME_TEXT[Outcome(complaint.outcome)])),
        sections=sections,
        options_heading=gettext("If you do not accept this decision, you may:"),
        options=remedies.decision_options(complaint),
        options_note=remedies.links(complaint),
        office=complaint.handling_branch.name,
    )


def decision_letter_pdf(complaint: Complaint, *, sent_only: bool = False) -> bytes:
    """The PDF in the complainant's preferred language; NotFound before the decision (or, for the
    complainant, ``sent_only``, before the notice went out: they never read a decision not yet sent)."""
    if sent_only and complaint.notified_at is None:
        raise NotFound()
    with translation.override(complaint.complainant.preferred_language):
        return letter_pdf(decision_letter(complaint))


def decision_letter_name(complaint: Complaint) -> str:
    return f"{complaint.reference}.pdf"
