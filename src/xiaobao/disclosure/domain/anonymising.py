"""The anonymisation rule of the open complaint data set (issue #18 item 4; docs/adr/0021-open-data-anonymisation.md).

A complaint enters the data set only while its complainant's consent stands. What it contributes is chosen
field by field from the *categories* of the case, never from anything a person typed:

- kept: the insurer (a public name), the month received (not the day), the channel, the product line, the
  reason, the state, the outcome, how the decision met its time limit, whether a review or mediation was asked;
- dropped: the name, ID number, phone, email and address of anyone; the reference and the access code (they
  open the case on the portal); the branch (with the month it narrows to a handful of people); the consumer
  groups (age, disability, residence: sensitive personal information under PIPL Art.28); every free text —
  the description, the outcome asked for, the findings, reasons, remedy, messages and file names. Free text is
  *dropped*, not scrubbed: a Chinese name has no marker a scrubber can rely on, and a missed one is a
  disclosure that cannot be taken back.

Each row gets a number within its publication only, so rows cannot be followed from one publication to the
next (a withdrawn consent leaves no trace that a row went away).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

FIELDS = (
    "row",
    "insurer",
    "received_month",
    "channel",
    "product_line",
    "reason",
    "state",
    "outcome",
    "decided",
    "review_asked",
    "mediation_asked",
)
"""The columns of the data set, in order. Anything not named here never leaves the database."""

TIMELINESS = {"CMP-T1": "within_15_days", "CMP-T2": "within_30_days", "CMP-T3": "within_60_days"}


def decided_text(rule_met: str | None, missed: bool) -> str:
    """How the decision met its clock: within 15/30/60 days, late, or not yet decided."""
    if missed:
        return "late"
    return TIMELINESS.get(rule_met or "", "not_decided")


def open_data_rows(cases: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The published rows: each case's categorical values under ``FIELDS``, sorted by those values and numbered
    1… — so the order tells nothing the columns do not (not the day received, nor which case came first); rows
    alike in every column are interchangeable."""
    rows = [
        {
            "insurer": str(case["insurer"]),
            "received_month": f"{case['received_on'].year:04d}-{case['received_on'].month:02d}",
            "channel": str(case["channel"]),
            "product_line": str(case["product_line"]),
            "reason": str(case["reason"]),
            "state": str(case["state"]),
            "outcome": str(case["outcome"] or ""),
            "decided": decided_text(case.get("rule_met"), bool(case.get("missed"))),
            "review_asked": bool(case["review_asked"]),
            "mediation_asked": bool(case["mediation_asked"]),
        }
        for case in cases
    ]
    rows.sort(key=lambda row: tuple(str(row[name]) for name in FIELDS[1:]))
    return [{"row": n, **row} for n, row in enumerate(rows, start=1)]
