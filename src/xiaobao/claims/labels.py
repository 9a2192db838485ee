"""Words people read for a claim's states, clocks, steps and green-channel reasons."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

CLAIM_STATE_TEXT = {
    "reported": _("received"),
    "documents_requested": _("waiting for documents from you"),
    "documents_complete": _("documents complete, waiting for assessment"),
    "assessing": _("being assessed"),
    "paused": _("waiting for an appraisal"),
    "amount_agreed": _("amount agreed, payment on its way"),
    "paid": _("paid"),
    "refused": _("refused, with reasons"),
}

CLAIM_CLOCK_TEXT = {
    "documents_notice": _("We will tell you every document still needed by"),
    "decision": _("We will tell you our decision by"),
    "payment": _("We will pay by"),
    "refusal_notice": _("The written refusal notice is due by"),
    "advance_payment": _("If the amount is not fixed, we will pay the part already certain by"),
}

CLAIM_STEP_TEXT = {
    "request_documents": _("Ask for the missing documents"),
    "assess": _("Start the assessment"),
    "pause": _("Pause for an appraisal"),
    "resume": _("Resume the assessment"),
    "agree_amount": _("Agree the amount"),
    "pay": _("Record the payment"),
    "refuse": _("Refuse, with reasons"),
    "advance_payment": _("Pay an advance"),
    "receive_document": _("Record a document received at the counter"),
    "home_visit": _("Book a home visit"),
}

GREEN_TEXT = {
    "elderly": _("elderly claimant"),
    "disabled": _("claimant with a disability"),
    "major_emergency": _("declared major emergency"),
}

CLAIM_TYPE_TEXT = {
    ("medical", "hospitalisation"): _("Health: hospital stay"),
    ("motor", "vehicle_damage"): _("Motor: damage to the vehicle"),
    ("accident", "injury"): _("Accident: injury"),
    ("ordinary_life", "death"): _("Life: death of the insured"),
}


LIAONING_CITIES = [
    ("210100", _("Shenyang")),
    ("210200", _("Dalian")),
    ("210300", _("Anshan")),
    ("210400", _("Fushun")),
    ("210500", _("Benxi")),
    ("210600", _("Dandong")),
    ("210700", _("Jinzhou")),
    ("210800", _("Yingkou")),
    ("210900", _("Fuxin")),
    ("211000", _("Liaoyang")),
    ("211100", _("Panjin")),
    ("211200", _("Tieling")),
    ("211300", _("Chaoyang")),
    ("211400", _("Huludao")),
]
"""The prefecture-level cities of Liaoning by their area code: where a claim's incident happened."""

REGION_TEXT = dict(LIAONING_CITIES)

CLAIM_STATE_STAFF_TEXT = {**CLAIM_STATE_TEXT, "documents_requested": _("waiting for the claimant's documents")}
"""The states as staff read them (the claimant's page says "from you")."""


def region_name(code: str) -> str:
    """The city of a six-digit area code (a district's code names its city: 210102 is in 210100, Shenyang)."""
    return str(REGION_TEXT.get(f"{code[:4]}00", code))


# The stages of the claimant's road (claims.domain.journey), and what happens while each is current.
CLAIM_STAGE_TEXT = {
    "reported": _("We received your claim"),
    "documents": _("We have every document"),
    "assessed": _("We assess the claim"),
    "agreed": _("We agree the amount with you"),
    "paid": _("We pay"),
    "refused": _("We cannot pay this claim"),
}
CLAIM_STAGE_NOW_TEXT = {
    "documents": _("Send the documents listed below; we asked for all of them at once."),
    "assessed": _("We check the documents and the policy, and decide."),
    "paid": _("We pay within 10 days of agreeing the amount."),
}
