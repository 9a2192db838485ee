"""What the disclosure pages and actions read (issue #18 item 4).

The figures are the complaint statistics' own (``reports.selectors.statistics``, CMP-S2): this module only picks
the insurer's year out of them and freezes them in a report; it counts nothing itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import F

from xiaobao.complaints import access as complaint_access
from xiaobao.complaints.models import Deadline
from xiaobao.disclosure import access
from xiaobao.disclosure.domain.anonymising import open_data_rows
from xiaobao.disclosure.models import DisclosureReport
from xiaobao.identity.models import Insurer
from xiaobao.kernel.actors import SYSTEM, Actor
from xiaobao.reports import selectors as report_selectors
from xiaobao.reports.domain.periods import Granularity, Period

BREAKDOWNS = ("product_line", "reason", "channel")


def report_figures(actor: Actor, year: int) -> dict[str, Any]:
    """The insurer's figures of the year as the statistics count them, within the actor's scope (compliance:
    the whole insurer): the totals, the claims' and call-backs' counts, complaints month by month and by
    product line, reason and channel. Counts only."""
    stats = report_selectors.statistics(actor, Period(Granularity.YEAR, year, 1))

    def summed(table: str) -> dict[str, int]:
        total = report_selectors.Figures()
        for row in stats.tables.get(table, []):
            total.add(row.figures)
        return {name: getattr(total, name) for name in report_selectors.COUNTS}

    return {
        "total": {name: getattr(stats.total, name) for name in report_selectors.COUNTS},
        "claims": summed("claims"),
        "callbacks": summed("callbacks"),
        "months": [[row.key, row.figures.received] for row in stats.tables.get("month", [])],
        **{
            name: sorted(
                ([row.key, row.figures.received] for row in stats.tables.get(name, [])), key=lambda kv: (-kv[1], kv[0])
            )
            for name in BREAKDOWNS
        },
    }


@dataclass
class PublicInsurer:
    insurer: Insurer
    reports: list[DisclosureReport] = field(default_factory=list)

    @property
    def latest(self) -> DisclosureReport:
        return self.reports[0]


def public_index() -> list[PublicInsurer]:
    """The insurers with an approved report, each with its reports, latest year first."""
    by_insurer: dict[int, PublicInsurer] = {}
    for report in access.approved_reports().order_by("insurer__name", "insurer_id", "-year"):
        by_insurer.setdefault(report.insurer_id, PublicInsurer(report.insurer)).reports.append(report)
    return list(by_insurer.values())


def open_data_consented(complaint_id: int) -> bool:
    """Whether the complaint (already opened by its caller) is in the open data set by its complainant's wish."""
    consent = access.consent_of(complaint_id)
    return consent is not None and consent.withdrawn_at is None


DECISION_RULES = tuple(report_selectors.DECISION_RULES)


def open_data_cases() -> list[dict[str, Any]]:
    """The anonymised rows of every complaint whose consent stands (``disclosure.domain.anonymising``): read as
    the system, and only from the complaints' category columns — no encrypted field is even fetched."""
    consented = access.standing_consents().values("complaint_id")
    complaints = complaint_access.complaints_for(SYSTEM).filter(pk__in=consented)
    cases = list(
        complaints.order_by("received_on", "insurer__name", "product_line", "reason", "channel", "pk").values(
            "pk",
            "received_on",
            "channel",
            "product_line",
            "reason",
            "state",
            "outcome",
            "review_requested_on",
            "mediation_wanted_on",
            "next_step",
            insurer_name=F("insurer__name"),
        )
    )
    clocks: dict[int, tuple[str | None, bool]] = {}
    ends = complaints.filter(
        deadlines__rule_id__in=DECISION_RULES, deadlines__state__in=[Deadline.MET, Deadline.MISSED]
    ).values_list("pk", "deadlines__rule_id", "deadlines__state")
    for pk, rule, state in ends:
        met, missed = clocks.get(pk, (None, False))
        clocks[pk] = (rule if state == Deadline.MET else met, missed or state == Deadline.MISSED)
    return open_data_rows(
        {
            "insurer": case["insurer_name"],
            "received_on": case["received_on"],
            "channel": case["channel"],
            "product_line": case["product_line"],
            "reason": case["reason"],
            "state": case["state"],
            "outcome": case["outcome"],
            "rule_met": clocks.get(case["pk"], (None, False))[0],
            "missed": clocks.get(case["pk"], (None, False))[1],
            "review_asked": case["review_requested_on"] is not None,
            "mediation_asked": case["mediation_wanted_on"] is not None or case["next_step"] == "mediation",
        }
        for case in cases
    )
