"""A case page that reads like a story (issue #15): the stages of the road with where the case is now, and the
outcome as a headline. The stages come from each domain; the words from its labels."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from xiaobao.claims.domain.journey import claim_journey
from xiaobao.claims.domain.lifecycle import ClaimState
from xiaobao.claims.labels import CLAIM_STAGE_NOW_TEXT, CLAIM_STAGE_TEXT
from xiaobao.claims.models import Claim
from xiaobao.complaints.actions import OUTCOME_TEXT
from xiaobao.complaints.domain.decisions import Outcome
from xiaobao.complaints.domain.journey import journey
from xiaobao.complaints.domain.lifecycle import State
from xiaobao.complaints.labels import STAGE_NOW_TEXT, STAGE_TEXT
from xiaobao.complaints.models import Complaint


@dataclass(frozen=True)
class ShownStep:
    progress: str
    text: str
    now: str


def complaint_story(complaint: Complaint) -> list[ShownStep]:
    steps = journey(State(complaint.state), reviewed=complaint.review_requested_on is not None)
    return [
        ShownStep(
            s.progress.value,
            str(STAGE_TEXT[s.stage.value]),
            str(STAGE_NOW_TEXT.get(s.stage.value, "")) if s.progress.value == "current" else "",
        )
        for s in steps
    ]


def complaint_headline(complaint: Complaint) -> str:
    """ "Our decision: upheld" once decided; the review's outcome once reviewed; else nothing."""
    outcome = complaint.review_outcome or complaint.outcome
    if not outcome or complaint.state == State.DECIDED:  # decided but not yet sent: told first in the letter
        return ""
    return _("Our decision: %(outcome)s") % {"outcome": OUTCOME_TEXT[Outcome(outcome)]}


def claim_story(claim: Claim) -> list[ShownStep]:
    return [
        ShownStep(
            s.progress.value,
            str(CLAIM_STAGE_TEXT[s.stage.value]),
            str(CLAIM_STAGE_NOW_TEXT.get(s.stage.value, "")) if s.progress.value == "current" else "",
        )
        for s in claim_journey(ClaimState(claim.state))
    ]


def claim_headline(claim: Claim) -> str:
    if claim.state == ClaimState.PAID:
        return _("Paid: %(amount)s yuan") % {"amount": claim.paid_amount}
    if claim.state == ClaimState.AMOUNT_AGREED:
        return _("We pay %(amount)s yuan") % {"amount": claim.agreed_amount}
    if claim.state == ClaimState.REFUSED:
        return _("We cannot pay this claim")
    return ""
