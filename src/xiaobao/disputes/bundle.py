"""The file for the court (DSP-3): a joint application for judicial confirmation of a mediation agreement, with
the agreement and the parties' identities, laid out by the letters' machinery (fonts embedded, ADR 0010).

The complainant's name and ID number are decrypted only into this PDF; the pages show them masked. Called by
``actions.confirmation_bundle_make``, which records that it was made.
"""

from __future__ import annotations

from django.utils.translation import gettext

from xiaobao.casework.letters import Letter, Section, letter_date, letter_pdf
from xiaobao.disputes.domain.mediation import JUDICIAL_CONFIRMATION
from xiaobao.disputes.models import Confirmation, Referral
from xiaobao.identity.domain.documents import ID_KIND_TEXT, IdKind
from xiaobao.ops import clock


def confirmation_bundle_pdf(referral: Referral, confirmation: Confirmation) -> bytes:
    complaint, insurer, consumer = referral.complaint, referral.insurer, referral.complaint.complainant
    mediator = referral.outcome_by.display_name if referral.outcome_by else ""
    id_kind = gettext(ID_KIND_TEXT.get(IdKind(consumer.id_kind), consumer.id_kind)) if consumer.id_kind else ""
    applicant = [
        (gettext("Name"), consumer.name or ""),
        (id_kind or gettext("ID number"), consumer.resident_id or ""),
        (gettext("Phone"), consumer.phone or ""),
    ]
    respondent = [
        (gettext("Name"), insurer.name),
        (gettext("Unified social credit code"), insurer.uscc or gettext("(to be filled in)")),
        (gettext("Address"), insurer.complaint_address or ""),
    ]
    mediation = [
        (gettext("Mediation organisation"), referral.organisation.name),
        (gettext("Mediator"), mediator),
        (gettext("Complaint"), complaint.reference or ""),
        (gettext("Referred on"), letter_date(referral.referred_on)),
        (gettext("Agreement takes effect on"), letter_date(referral.effective_on) if referral.effective_on else ""),
        (gettext("Apply to the court by"), letter_date(confirmation.window_ends)),
    ]
    agreement = [(gettext("Amount"), f"{referral.amount:,.2f}" if referral.amount is not None else "")]
    letter = Letter(
        insurer=insurer,
        title=gettext("Joint application for judicial confirmation of a mediation agreement"),
        reference=complaint.reference or "",
        day=clock.today(),
        addressee=confirmation.court or gettext("The people's court"),
        headline=gettext(
            "The parties below jointly apply for confirmation of the mediation agreement reached on %(day)s, "
            "within 30 days of its taking effect (%(source)s)."
        )
        % {
            "day": letter_date(referral.effective_on) if referral.effective_on else "",
            "source": JUDICIAL_CONFIRMATION.source,
        },
        sections=[
            Section(gettext("Applicant: the consumer"), rows=applicant),
            Section(gettext("Applicant: the insurer"), rows=respondent),
            Section(gettext("The mediation"), rows=mediation),
            Section(gettext("The mediation agreement"), text=referral.terms, rows=agreement),
            Section(
                gettext("What the parties ask"),
                text=gettext("That the court confirm the mediation agreement above as valid."),
            ),
        ],
        options_heading=gettext("The parties declare"),
        options=[
            gettext("The agreement was reached voluntarily, and states their true intention."),
            gettext("It harms no interest of the state, of the public or of anyone else."),
            gettext("Signature of the consumer: ____________    Date: ____________"),
        ],
        office=gettext("(seal of the insurer)"),
    )
    return letter_pdf(letter)
