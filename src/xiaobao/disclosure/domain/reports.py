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
from xiaobao.reports.domain.disclosure import shown_count as published_count


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
    """A figure as the public sees it: ``value`` is None when it is withheld, else rounded."""

    value: int | None
    minimum: int

    @property
    def suppressed(self) -> bool:
        return self.value is None


def shown_count(value: int, minimum: int) -> Shown:
    """The regulator's rule for small counts (``reports.domain.disclosure``, ADR 0019 addendum) with the public
    threshold ``XIAOBAO_DISCLOSURE_MIN_COUNT``: 0 shows, 1 to ``minimum - 1`` is withheld, every other count is
    rounded to a multiple of ``minimum`` — so a total less the rows beside it never gives back a withheld count."""
    return Shown(published_count(value, minimum), minimum)


def shown_rate(part: int, whole: int, minimum: int) -> Decimal | None:
    """``part`` of ``whole`` in per cent to one decimal, worked out from the counts as shown; None when either is
    withheld or there is no whole (a rate of a handful of cases tells about the cases)."""
    shown_part, shown_whole = published_count(part, minimum), published_count(whole, minimum)
    if shown_part is None or shown_whole is None or shown_whole <= 0:
        return None
    return (Decimal(100) * shown_part / shown_whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


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
