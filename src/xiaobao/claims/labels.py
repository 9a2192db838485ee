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
