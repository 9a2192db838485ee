"""The yearly complaint-handling report an insurer publishes (issue #18 item 4): its states, the four-eyes rule,
the commitments it shows as kept, and the small counts it never shows. Pure: numbers in, decisions out.

A report is *prepared* by compliance (its figures frozen at that moment) and *approved* by another person before
it is public; only an approved report is ever shown outside the insurer. Preparing it again before approval
replaces the figures; an approved report is final (a correction is a new year's note, not a silent change).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from xiaobao.kernel.errors import InvalidInput, PermissionDenied, TransitionNotAllowed
from xiaobao.kernel.i18n import _


class ReportState(StrEnum):
    PREPARED = "prepared"
    APPROVED = "approved"


STATE_TEXT = {ReportState.PREPARED: _("prepared, waiting for approval"), ReportState.APPROVED: _("approved and public")}


class ApproverMustDiffer(PermissionDenied):
    """Four eyes: the person who prepared a report never approves it."""

    code = "approver_must_differ"
    default_message = _("Another person must approve the report you prepared.")


class ReportAlreadyPublic(TransitionNotAllowed):
    code = "report_already_public"
    default_message = _("This year's report is approved and public already.")


def check_year(year: int, today: date) -> None:
    """Only a year that has ended is reported (Asia/Shanghai calendar years): a year still running is not a
    year's figures."""
    if year < 2000 or year >= today.year:
        raise InvalidInput(_("Choose a year that has ended."))


def check_prepare(state: ReportState | None) -> None:
    if state is ReportState.APPROVED:
        raise ReportAlreadyPublic()


def check_approve(state: ReportState, *, prepared_by: int, approver: int) -> None:
    if state is ReportState.APPROVED:
        raise ReportAlreadyPublic()
    if prepared_by == approver:
        raise ApproverMustDiffer()


def years_to_prepare(today: date, count: int = 5) -> list[int]:
    """The ended years offered on the workbench, latest first."""
    return [today.year - n for n in range(1, count + 1)]


# --------------------------------------------------------------------------------------------- small counts


@dataclass(frozen=True)
class Shown:
    """A figure as the public sees it: ``value`` is None when it is withheld (a count of 1 to ``minimum - 1``
    could point at a person)."""

    value: int | None
    minimum: int

    @property
    def suppressed(self) -> bool:
        return self.value is None


def shown_count(value: int, minimum: int) -> Shown:
    """Counts from 1 to ``minimum - 1`` are withheld (``XIAOBAO_DISCLOSURE_MIN_COUNT``); 0 and larger counts show."""
    return Shown(None if 0 < value < minimum else value, minimum)


def shown_rate(part: int, whole: int, minimum: int) -> Decimal | None:
    """``part`` of ``whole`` in per cent to one decimal, or None when there is no whole or it is below
    ``minimum`` (a rate of a handful of cases tells about the cases)."""
    if whole <= 0 or whole < minimum:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------------------------- commitments


@dataclass(frozen=True)
class Commitment:
    """One promise of the commitment measured for the year: how many of the cases it covers kept it."""

    key: str
    text: str
    kept: int
    total: int


COMMITMENT_TEXT = {
    "complaints_in_time": _("Complaints decided within their time limit (15 days; 30 or 60 when extended)"),
    "claims_in_time": _("Claims decided within their time limit"),
    "payments_in_time": _("Claim payments made within their time limit"),
    "callbacks_in_time": _("Call-backs made in time"),
}


def commitments(figures: Mapping[str, Mapping[str, int]]) -> list[Commitment]:
    """The commitments kept (CMP-T1..T3, CLM-T2..T4, INC-E3) from a report's frozen figures: ``total``, ``claims``
    and ``callbacks``, each the counts of ``reports.selectors.Figures``."""
    total, claims, callbacks = figures["total"], figures["claims"], figures["callbacks"]
    kept_complaints = total["within_15"] + total["within_30"] + total["within_60"]
    return [
        Commitment(
            "complaints_in_time",
            COMMITMENT_TEXT["complaints_in_time"],
            kept_complaints,
            kept_complaints + total["late"],
        ),
        Commitment(
            "claims_in_time", COMMITMENT_TEXT["claims_in_time"], claims["in_time"], claims["in_time"] + claims["late"]
        ),
        Commitment(
            "payments_in_time",
            COMMITMENT_TEXT["payments_in_time"],
            claims["paid_in_time"],
            claims["paid_in_time"] + claims["paid_late"],
        ),
        Commitment(
            "callbacks_in_time",
            COMMITMENT_TEXT["callbacks_in_time"],
            callbacks["in_time"],
            callbacks["in_time"] + callbacks["late"],
        ),
    ]
