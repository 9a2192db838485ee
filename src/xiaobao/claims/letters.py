"""The written refusal notice of a claim (CLM-T4: in writing, with its reasons) as PDF, in the claimant's
language: the claim as we took it, the reasons and their basis, and what the claimant may do — complain to
us, mediation, arbitration, court. Dated the day of the refusal (Asia/Shanghai); staff open it from the
claim page, the claimant downloads it from their own claim page on the portal.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext

from xiaobao.casework.letters import Letter, Section, letter_date, letter_pdf
from xiaobao.claims.labels import CLAIM_TYPE_TEXT, region_name
from xiaobao.claims.selectors import Refusal
from xiaobao.complaints import remedies
from xiaobao.complaints.domain.decisions import REMEDY_TEXT, Remedy
from xiaobao.kernel.i18n import _

COMPLAIN_FIRST = _("complain to us, at the contacts below: we register every complaint and answer it in writing")
REFUSAL_OPTIONS = (
    COMPLAIN_FIRST,
    REMEDY_TEXT[Remedy.MEDIATION],
    REMEDY_TEXT[Remedy.ARBITRATION],
    REMEDY_TEXT[Remedy.COURT],
)
"""What a claimant who disagrees may do (CLM-T4 with CMP-N1's remedies); a review by the higher-level office
(CMP-N2) follows a complaint's decision, not a refusal, so the complaint comes first. The letter prints
mediation, arbitration and court with the options guide's summary (DSP-2)."""


def refusal_letter(refusal: Refusal) -> Letter:
    """The refusal letter, its words in the language active when called (the claimant's)."""
    claim = refusal.claim
    kind = CLAIM_TYPE_TEXT.get((claim.product_line, claim.claim_type))
    facts = [
        (gettext("What the claim is for"), str(kind) if kind else f"{claim.product_line} / {claim.claim_type}"),
        (gettext("Incident"), f"{letter_date(claim.incident_date)} ({region_name(claim.incident_region)})"),
        (gettext("Amount claimed"), f"¥{claim.amount_claimed:,.2f}"),  # as a bank writes it, in every language
        (gettext("Received"), letter_date(claim.received_on)),
    ]
    return Letter(
        insurer=claim.insurer,
        title=gettext("Notice of refusal of your claim %(reference)s") % {"reference": claim.reference},
        reference=claim.reference or "",
        day=refusal.refused_on,
        addressee=claim.claimant.name,
        headline=gettext("We cannot pay this claim."),
        sections=[
            Section(gettext("The claim"), rows=facts),
            Section(gettext("Reasons"), claim.refusal_reasons),
            Section(gettext("Basis"), claim.refusal_basis),
        ],
        options_heading=gettext("If you disagree, you may:"),
        options=[gettext(COMPLAIN_FIRST), *remedies.options_without_review()],
        options_note=remedies.links(),
        office=claim.handling_branch.name,
    )


def refusal_letter_pdf(refusal: Refusal) -> bytes:
    with translation.override(refusal.claim.claimant.preferred_language):
        return letter_pdf(refusal_letter(refusal))


def refusal_letter_name(refusal: Refusal) -> str:
    return f"{refusal.claim.reference}-refusal.pdf"
