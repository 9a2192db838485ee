"""Mediation of a complaint by an outside organisation, and the judicial confirmation of its agreement
(issue #17: DSP-1, DSP-3). RULES.md holds no DSP rows yet; the numbers here cite their own sources.

A referral needs the consumer's recorded consent, and shares only what both the consent and the referral name
(DSP-1). It runs referred → accepted → agreement / no agreement / withdrawn. After an agreement the parties may
apply to a court to confirm it within 30 days of its taking effect (DSP-3; Civil Procedure Law of the PRC, 2023
amendment, Art.205). The insurer's performance of the agreement is followed until done.

Pure: the caller gives dates and the calendar; nothing here reads a clock or a database.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from statistics import mean, median

from xiaobao.deadlines.rules import Rule, Unit
from xiaobao.kernel.errors import InvalidInput, PermissionDenied, TransitionNotAllowed
from xiaobao.kernel.i18n import _


class Shared(StrEnum):
    """What of the complaint a mediation organisation may receive (DSP-1)."""

    DECISION = "decision"
    TIMELINE = "timeline"
    DOCUMENTS = "documents"
    CONTACT = "contact"


SHARED_TEXT: dict[Shared, str] = {
    Shared.DECISION: _("The insurer's decision: what it found, the basis, the reasons and the remedy"),
    Shared.TIMELINE: _("The timeline of the complaint as you see it"),
    Shared.DOCUMENTS: _("The files you chose"),
    Shared.CONTACT: _("Your name and phone number, so that the organisation can call you"),
}


class ReferralState(StrEnum):
    REFERRED = "referred"
    ACCEPTED = "accepted"
    AGREEMENT = "agreement"
    NO_AGREEMENT = "no_agreement"
    WITHDRAWN = "withdrawn"


STATE_TEXT: dict[ReferralState, str] = {
    ReferralState.REFERRED: _("referred, waiting for the organisation"),
    ReferralState.ACCEPTED: _("accepted by the organisation, in mediation"),
    ReferralState.AGREEMENT: _("mediation agreement reached"),
    ReferralState.NO_AGREEMENT: _("mediation ended without agreement"),
    ReferralState.WITHDRAWN: _("mediation withdrawn"),
}

OUTCOMES = frozenset({ReferralState.AGREEMENT, ReferralState.NO_AGREEMENT, ReferralState.WITHDRAWN})
OPEN = frozenset({ReferralState.REFERRED, ReferralState.ACCEPTED})


class Step(StrEnum):
    ACCEPT = "accept"
    RECORD_OUTCOME = "record_outcome"


STEPS: dict[Step, frozenset[ReferralState]] = {
    Step.ACCEPT: frozenset({ReferralState.REFERRED}),
    Step.RECORD_OUTCOME: OPEN,
}
"""DSP-1: the states each step of the mediator may start from."""


class ReferralStepNotAllowed(TransitionNotAllowed):
    code = "referral_step_not_allowed"
    default_message = _("This mediation is %(state)s: that step is no longer open.")


def check_step(state: ReferralState, step: Step) -> None:
    if state not in STEPS[step]:
        raise ReferralStepNotAllowed(state=state.value)


class NoConsent(PermissionDenied):
    code = "mediation_no_consent"
    default_message = _("The complainant has not consented to mediation: a case is referred only with their consent.")


class BeyondConsent(PermissionDenied):
    code = "mediation_beyond_consent"
    default_message = _("The referral may share only what the complainant agreed to share.")


class OutsideScope(InvalidInput):
    code = "mediation_outside_scope"
    default_message = _("This organisation does not mediate this kind of insurance.")


class NoSharingAgreement(PermissionDenied):
    code = "mediation_no_sharing_agreement"
    default_message = _(
        "There is no data-sharing agreement in force with this organisation: record one before referring."
    )


class OutcomeIncomplete(InvalidInput):
    code = "mediation_outcome_incomplete"
    default_message = _("An agreement needs its terms, the day it takes effect, and an amount of zero or more.")


def check_shared(consented: Collection[str], asked: Collection[str]) -> frozenset[Shared]:
    """DSP-1: the referral shares only what the consent names (and at least the fact of the referral)."""
    asked_set = frozenset(Shared(item) for item in asked)
    if not asked_set <= frozenset(Shared(item) for item in consented):
        raise BeyondConsent()
    return asked_set


def check_documents(consented: Collection[int], asked: Collection[int]) -> frozenset[int]:
    """Only files the consumer chose may go with the referral."""
    if not set(asked) <= set(consented):
        raise BeyondConsent()
    return frozenset(asked)


def in_scope(*, product_lines: Collection[str], product_line: str) -> bool:
    """DSP-1: an organisation mediates the lines of insurance it lists; one that lists none takes every line.
    (Its regions are shown to the consumer and the insurer, who choose; a complaint records no region.)"""
    return not product_lines or product_line in product_lines


def check_outcome(outcome: ReferralState, *, terms: str, effective_on: date | None, amount: int | None) -> None:
    if outcome not in OUTCOMES:
        raise InvalidInput()
    if outcome is ReferralState.AGREEMENT and (
        not terms.strip() or effective_on is None or amount is None or amount < 0
    ):
        raise OutcomeIncomplete()


def mediation_rule(days: int) -> Rule:
    """The mediation's own period (DSP-1): ``days`` calendar days from the day the organisation accepts —
    the length is the setting XIAOBAO_MEDIATION_DAYS (*unverified*: organisations' own rules vary, many say
    30 days)."""
    return Rule(
        "DSP-1-MEDIATION",
        days,
        Unit.CALENDAR_DAYS,
        _("the day the organisation accepted the case"),
        _("conclude the mediation"),
        _("the mediation organisation's rules (length unverified: XIAOBAO_MEDIATION_DAYS)"),
    )


JUDICIAL_CONFIRMATION_DAYS = 30

JUDICIAL_CONFIRMATION = Rule(
    "DSP-3-APPLY",
    JUDICIAL_CONFIRMATION_DAYS,
    Unit.CALENDAR_DAYS,
    _("the day the mediation agreement takes effect"),
    _("apply jointly to the court for judicial confirmation of the mediation agreement"),
    "Civil Procedure Law of the PRC (2023) Art.205: 自调解协议生效之日起三十日内; counting Art.85",
)
"""DSP-3: the parties apply jointly within 30 days of the agreement taking effect (Civil Procedure Law Art.205).
Counted as the Civil Procedure Law counts periods (Art.85): the start day is not counted, and a last day that is
a statutory holiday moves to the first working day after it (``roll_forward``)."""


def performance_rule(days: int) -> Rule:
    """The insurer's performance of the agreement by the day the agreement names (DSP-3)."""
    return Rule(
        "DSP-3-PERFORM",
        days,
        Unit.CALENDAR_DAYS,
        _("the day the performance was recorded as owed"),
        _("perform the mediation agreement"),
        _("the mediation agreement"),
        roll_forward=False,
    )


class CourtResult(StrEnum):
    CONFIRMED = "confirmed"
    REFUSED = "refused"


class ResultIncomplete(InvalidInput):
    code = "court_result_incomplete"
    default_message = _("Give the court's result, the date of the ruling and its number.")


def check_court_result(result: str, *, ruled_on: date | None, ruling_number: str, applied_on: date | None) -> None:
    if result not in set(CourtResult) or ruled_on is None or not ruling_number.strip():
        raise ResultIncomplete()
    if applied_on is not None and ruled_on < applied_on:
        raise InvalidInput(_("The court cannot rule before the application was made."))


@dataclass(frozen=True)
class Closed:
    """One referral as the statistics take it."""

    organisation_id: int
    referred_on: date
    state: ReferralState
    outcome_on: date | None


@dataclass(frozen=True)
class OrganisationFigures:
    """DSP statistics of one organisation over a period: referrals made in it, their outcomes, the share of
    outcomes that are agreements, and the days from referral to outcome."""

    organisation_id: int
    referrals: int
    open: int
    agreements: int
    no_agreements: int
    withdrawn: int
    agreement_rate: float | None
    """Agreements among referrals that have an outcome (None when none has)."""
    median_days: float | None
    mean_days: float | None


def figures(rows: Iterable[Closed]) -> dict[int, OrganisationFigures]:
    """Per organisation, from the referrals made in the period (the caller filters by ``referred_on``)."""
    by_org: dict[int, list[Closed]] = {}
    for row in rows:
        by_org.setdefault(row.organisation_id, []).append(row)
    result = {}
    for org_id, items in by_org.items():
        count = {state: sum(1 for r in items if r.state is state) for state in ReferralState}
        ended = [r for r in items if r.state in OUTCOMES and r.outcome_on is not None]
        days = [(r.outcome_on - r.referred_on).days for r in ended if r.outcome_on is not None]
        result[org_id] = OrganisationFigures(
            organisation_id=org_id,
            referrals=len(items),
            open=count[ReferralState.REFERRED] + count[ReferralState.ACCEPTED],
            agreements=count[ReferralState.AGREEMENT],
            no_agreements=count[ReferralState.NO_AGREEMENT],
            withdrawn=count[ReferralState.WITHDRAWN],
            agreement_rate=(count[ReferralState.AGREEMENT] / len(ended)) if ended else None,
            median_days=float(median(days)) if days else None,
            mean_days=float(mean(days)) if days else None,
        )
    return result
