"""The complaint statistics (CMP-S2), as SQL aggregates through the ORM.

Two halves:

- ``month_aggregates``: the counts of one month straight from the complaints, their statutory clocks
  (CMP-T1..T3), the claims' clocks and the call-backs — ``GROUP BY`` insurer and branch with conditional
  ``Count``s, one query per breakdown. ``reports.actions.figures_refresh`` writes them into ``MonthFigure``;
  ``live_statistics`` sums them for a period (the plain way, measured by ``bench/reports.py``).
- ``statistics``: what the dashboard reads — the summary's rows of the period, summed (``Sum``, ``GROUP BY``
  breakdown, value, insurer, branch) within the actor's scope (``reports.access``), folded here into the tables.

Every figure is a count: no row of a case leaves this module.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Max, Q, QuerySet, Sum

from xiaobao.callbacks import access as callback_access
from xiaobao.casework.clocks import StatutoryClock
from xiaobao.claims import access as claim_access
from xiaobao.claims.domain.clocks import ClaimClock
from xiaobao.complaints import access as complaint_access
from xiaobao.complaints.domain.decisions import Outcome, Remedy
from xiaobao.complaints.domain.lifecycle import State
from xiaobao.identity.domain.branches import BranchLevel
from xiaobao.kernel.actors import SYSTEM, Actor
from xiaobao.kernel.clock import STATUTORY_ZONE
from xiaobao.ops import clock
from xiaobao.reports import access
from xiaobao.reports.domain import disclosure
from xiaobao.reports.domain.periods import Granularity, Period
from xiaobao.reports.domain.rates import per_10k_policies, per_100m_premium, percentage

DECISION_RULES = {"CMP-T1": "within_15", "CMP-T2": "within_30", "CMP-T3": "within_60"}
"""The decision clock a complaint was decided under: 15 days, extended to 30 (complex), or 60 at most."""
BREAKDOWNS = ("product_line", "reason", "channel")
GROUPS = ("elderly", "disabled", "new_urban_resident")


@dataclass
class Figures:
    """The counts of one row of a table. ``in_time``/``paid_*`` are the claims' and call-backs' own."""

    received: int = 0
    accepted: int = 0
    decided: int = 0
    upheld: int = 0
    within_15: int = 0
    within_30: int = 0
    within_60: int = 0
    late: int = 0
    reviews: int = 0
    mediations: int = 0
    in_time: int = 0
    paid_in_time: int = 0
    paid_late: int = 0
    hidden: frozenset[str] = field(default=frozenset(), compare=False)
    """The counts hidden as too small to publish (``published``): each holds 0 and is written "<k"."""
    min_cell: int = field(default=0, compare=False)

    def add(self, other: Figures | dict[str, Any]) -> None:
        for name in COUNTS:
            value = getattr(other, name) if isinstance(other, Figures) else other.get(name) or 0
            setattr(self, name, getattr(self, name) + int(value))

    def published(self, min_cell: int) -> Figures:
        """The counts as the regulator may read them (``reports.domain.disclosure``): small ones hidden, the
        others rounded to a multiple of ``min_cell``."""
        out, hidden = Figures(min_cell=min_cell), set()
        for name in COUNTS:
            shown = disclosure.shown_count(getattr(self, name), min_cell)
            if shown is None:
                hidden.add(name)
            setattr(out, name, shown or 0)
        out.hidden = frozenset(hidden)
        return out

    def text(self, name: str) -> int | str:
        """A count as written in a table: the number, or "<5" when hidden."""
        return disclosure.shown_text(None, self.min_cell) if name in self.hidden else int(getattr(self, name))

    @property
    def shown(self) -> dict[str, int | str]:
        """Every count as written (``text``), for the templates."""
        return {name: self.text(name) for name in COUNTS}

    @property
    def upheld_rate(self) -> Decimal | None:
        """Upheld or partly upheld, of the complaints decided (per cent); none over a hidden count."""
        if self.hidden & {"upheld", "decided"}:
            return None
        return percentage(self.upheld, self.decided)

    @property
    def clocked(self) -> int:
        return self.within_15 + self.within_30 + self.within_60 + self.late

    @property
    def in_time_rate(self) -> Decimal | None:
        if self.hidden & {"within_15", "within_30", "within_60", "late"}:
            return None
        return percentage(self.within_15 + self.within_30 + self.within_60, self.clocked)


COUNTS = tuple(f.name for f in fields(Figures) if f.name not in {"hidden", "min_cell"})


# ----------------------------------------------------------------------------------------------- the aggregates


def _month_range(month: date) -> tuple[date, date]:
    following = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return month, following


def _complaint_counts() -> dict[str, Any]:
    return {
        "received": Count("pk"),
        "accepted": Count("pk", filter=~Q(state__in=[State.REGISTERED.value, State.DECLINED.value])),
        "decided": Count("pk", filter=~Q(outcome="")),
        "upheld": Count("pk", filter=Q(outcome__in=[Outcome.UPHELD.value, Outcome.PARTLY_UPHELD.value])),
        "reviews": Count("pk", filter=Q(review_requested_on__isnull=False)),
        "mediations": Count("pk", filter=Q(mediation_wanted_on__isnull=False) | Q(next_step=Remedy.MEDIATION.value)),
    }


def _clock_counts(today: date) -> dict[str, Any]:
    """The decision clock's end (CMP-T1..T3): met under which rule, or missed — and still open past its due
    date, which is late already. Superseded clocks (extended, restarted) count for nothing."""
    counts: dict[str, Any] = {
        name: Count("deadlines", filter=Q(deadlines__rule_id=rule, deadlines__state=StatutoryClock.MET))
        for rule, name in DECISION_RULES.items()
    }
    counts["late"] = Count(
        "deadlines",
        filter=Q(deadlines__rule_id__in=list(DECISION_RULES))
        & (Q(deadlines__state=StatutoryClock.MISSED) | Q(deadlines__active=True, deadlines__due__lt=today)),
    )
    return counts


def _grouped(rows: QuerySet[Any], by: tuple[str, ...], counts: dict[str, Any]) -> list[dict[str, Any]]:
    return list(rows.values(*by).order_by().annotate(**counts))


GRAIN = ("insurer_id", "handling_branch_id", *BREAKDOWNS, *GROUPS)
"""The finest cut of a month: two queries (the complaints, and their clocks) grouped by every breakdown at once,
folded here into the rows of each breakdown — a scan of the month instead of one per breakdown."""


def month_aggregates(month: date, *, today: date, now: datetime) -> list[dict[str, Any]]:
    """Every summary row of one month, for every insurer: ``insurer_id``, ``branch_id``, ``dimension``,
    ``value`` and the counts. Read as the system (the figures are the platform's, cut by scope when read)."""
    first, following = _month_range(month)
    complaints = complaint_access.complaints_for(SYSTEM).filter(received_on__gte=first, received_on__lt=following)
    clocked = complaints.exclude(state=State.DECLINED.value).filter(deadlines__rule_id__in=list(DECISION_RULES))
    fine = _grouped(complaints, GRAIN, _complaint_counts()) + _grouped(clocked, GRAIN, _clock_counts(today))
    out: list[dict[str, Any]] = []
    for row in fine:
        where = {"insurer_id": row["insurer_id"], "branch_id": row["handling_branch_id"]}
        counts = {name: row.get(name) or 0 for name in COUNTS}
        out.append({**where, "dimension": "all", "value": "", **counts})
        out.extend({**where, "dimension": name, "value": row[name], **counts} for name in BREAKDOWNS)
        out.extend({**where, "dimension": "group", "value": group, **counts} for group in GROUPS if row[group])
    out.extend(_claim_rows(first, following, today))
    out.extend(_callback_rows(first, following, now))
    return _merged(out)


def _claim_rows(first: date, following: date, today: date) -> list[dict[str, Any]]:
    """Claims received in the month: decided within their decision clock (CLM-T2..T4), paid within theirs."""

    def clock(which: ClaimClock, state: str) -> Q:
        return Q(deadlines__clock=which.value, deadlines__state=state)

    late_open = Q(deadlines__active=True, deadlines__due__lt=today)
    rows = _grouped(
        claim_access.claims_for(SYSTEM).filter(received_on__gte=first, received_on__lt=following),
        ("insurer_id", "handling_branch_id"),
        {
            "received": Count("pk", distinct=True),
            "in_time": Count("deadlines", filter=clock(ClaimClock.DECISION, StatutoryClock.MET)),
            "late": Count(
                "deadlines",
                filter=clock(ClaimClock.DECISION, StatutoryClock.MISSED)
                | (Q(deadlines__clock=ClaimClock.DECISION.value) & late_open),
            ),
            "paid_in_time": Count("deadlines", filter=clock(ClaimClock.PAYMENT, StatutoryClock.MET)),
            "paid_late": Count(
                "deadlines",
                filter=clock(ClaimClock.PAYMENT, StatutoryClock.MISSED)
                | (Q(deadlines__clock=ClaimClock.PAYMENT.value) & late_open),
            ),
        },
    )
    return [{**row, "branch_id": row.pop("handling_branch_id"), "dimension": "claims", "value": ""} for row in rows]


def _callback_rows(first: date, following: date, now: datetime) -> list[dict[str, Any]]:
    """Call-backs asked for in the month (Asia/Shanghai): the first call made by the time it was late after
    (INC-E3, ``callbacks.domain.timing``), or not."""
    start = datetime.combine(first, time(0), tzinfo=STATUTORY_ZONE)
    end = datetime.combine(following, time(0), tzinfo=STATUTORY_ZONE)
    rows = _grouped(
        callback_access.callback_requests_for(SYSTEM).filter(requested_at__gte=start, requested_at__lt=end),
        ("insurer_id",),
        {
            "received": Count("pk"),
            "in_time": Count("pk", filter=Q(first_attempt_at__lte=F("late_after"))),
            "late": Count(
                "pk",
                filter=Q(first_attempt_at__gt=F("late_after")) | Q(first_attempt_at__isnull=True, late_after__lt=now),
            ),
        },
    )
    return [{**row, "branch_id": None, "dimension": "callbacks", "value": ""} for row in rows]


def _merged(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per (insurer, branch, dimension, value): the complaint and clock halves added together."""
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        key = (row["insurer_id"], row["branch_id"], row["dimension"], row["value"])
        into = merged.setdefault(
            key,
            dict.fromkeys(COUNTS, 0) | dict(zip(("insurer_id", "branch_id", "dimension", "value"), key, strict=True)),
        )
        for name in COUNTS:
            into[name] += int(row.get(name) or 0)
    return list(merged.values())


# ----------------------------------------------------------------------------------------------- the statistics


@dataclass
class Row:
    key: str
    figures: Figures = field(default_factory=Figures)
    insurer_id: int | None = None
    per_10k: Decimal | None = None
    per_100m: Decimal | None = None


@dataclass
class Statistics:
    """A period's tables within a scope: ``tables[name]`` is a list of rows keyed by the breakdown's value
    (an insurer's or branch's id as text, a product line, a month ``2026-07``…)."""

    period: Period
    scope: access.Scope
    total: Figures = field(default_factory=Figures)
    tables: dict[str, list[Row]] = field(default_factory=dict)
    insurer_names: dict[int, str] = field(default_factory=dict)
    branch_names: dict[int, str] = field(default_factory=dict)
    refreshed_at: datetime | None = None
    min_cell: int = 0
    """The regulator's threshold when the counts are published rounded (``Figures.published``); 0: exact."""

    @property
    def received(self) -> int:
        return self.total.received


def _rows_of(sums: dict[str, Figures]) -> list[Row]:
    return [Row(key=key, figures=figures) for key, figures in sums.items()]


def _fold(period: Period, scope: access.Scope, rows: Iterable[dict[str, Any]], *, insurer_id: int | None) -> Statistics:
    branches = list(access.branches_in(scope))
    parent = {b.pk: b.parent_id for b in branches}
    level = {b.pk: b.level for b in branches}

    def region_of(branch_id: int) -> int:
        """The provincial branch above (or at) the branch: the region it serves; itself at the head office."""
        at = branch_id
        while level.get(at, 0) > BranchLevel.PROVINCIAL and parent.get(at) in level:
            at = parent[at]  # type: ignore[assignment]
        return at

    stats = Statistics(period=period, scope=scope)
    stats.insurer_names = {i.pk: i.name for i in access.insurers_in(scope)}
    stats.branch_names = {b.pk: b.name for b in branches}
    sums: dict[str, dict[str, Figures]] = defaultdict(lambda: defaultdict(Figures))
    for row in rows:
        if insurer_id is not None and row["insurer_id"] != insurer_id:
            continue
        dimension, insurer = row["dimension"], str(row["insurer_id"])
        if dimension == "all":
            stats.total.add(row)
            sums["insurer"][insurer].add(row)
            sums["branch"][str(row["branch_id"])].add(row)
            sums["region"][str(region_of(row["branch_id"]))].add(row)
        elif dimension in {"claims", "callbacks"}:
            sums[dimension][insurer].add(row)
        else:
            sums[dimension][row["value"]].add(row)
    for name, by_key in sums.items():
        stats.tables[name] = _rows_of(by_key)
    return stats


def _with_rates(stats: Statistics) -> None:
    """Per 10,000 policies and per 100 million yuan, where the insurer supplied them for this very period."""
    denominators = {d.insurer_id: d for d in access.denominators_for(stats.scope).filter(period=stats.period.key())}
    for row in stats.tables.get("insurer", []):
        denominator = denominators.get(int(row.key))
        if denominator is not None and "received" not in row.figures.hidden:
            row.per_10k = per_10k_policies(row.figures.received, denominator.policies_in_force)
            row.per_100m = per_100m_premium(row.figures.received, denominator.premium_yuan)


def statistics(actor: Actor, period: Period, *, insurer_id: int | None = None) -> Statistics:
    """The period's statistics as the dashboard shows them, read from the monthly summary within the actor's
    scope (``NotFound`` for anyone without one). ``insurer_id`` narrows the regulator's view to one insurer."""
    scope = access.scope_of(actor)
    figures = access.figures_for(scope).filter(month__in=period.months())
    sums = {name: Sum(name) for name in COUNTS}
    rows = list(figures.values("insurer_id", "branch_id", "dimension", "value").order_by().annotate(**sums))
    stats = _fold(period, scope, rows, insurer_id=insurer_id)
    stats.refreshed_at = figures.aggregate(at=Max("refreshed_at"))["at"]
    stats.tables["month"] = _trend(scope, period, insurer_id)
    if scope.regulator:
        _published(stats, settings.XIAOBAO_REPORT_MIN_CELL)
    _with_rates(stats)
    return stats


def _published(stats: Statistics, min_cell: int) -> None:
    """The regulator reads every insurer's counts with small groups hidden and the rest rounded (ADR 0019,
    addendum): each row and the total, so that no total minus the rows beside it gives back a hidden count."""
    stats.min_cell = min_cell
    stats.total = stats.total.published(min_cell)
    for rows in stats.tables.values():
        for row in rows:
            row.figures = row.figures.published(min_cell)


def _trend(scope: access.Scope, period: Period, insurer_id: int | None) -> list[Row]:
    """Complaints received month by month through the period (the line chart)."""
    figures = access.figures_for(scope).filter(month__in=period.months(), dimension="all")
    if insurer_id is not None:
        figures = figures.filter(insurer_id=insurer_id)
    by_month = {
        row["month"]: row for row in figures.values("month").order_by().annotate(**{name: Sum(name) for name in COUNTS})
    }
    trend = []
    for month in period.months():
        row = Row(key=Period(Granularity.MONTH, month.year, month.month).key())
        if month in by_month:
            row.figures.add(by_month[month])
        trend.append(row)
    return trend


def live_statistics(actor: Actor, period: Period, *, today: date | None = None) -> Statistics:
    """The same statistics computed straight from the complaints and their clocks, month by month (no summary):
    what ``bench/reports.py`` compares the summary with, and the tests check the summary against."""
    scope = access.scope_of(actor)
    today, now = today or clock.today(), clock.now()
    rows: list[dict[str, Any]] = []
    allowed = None if scope.branch_ids is None else scope.branch_ids
    for month in period.months():
        for row in month_aggregates(month, today=today, now=now):
            if scope.insurer_ids is not None and row["insurer_id"] not in scope.insurer_ids:
                continue
            if allowed is not None and row["branch_id"] not in allowed:
                continue
            rows.append(row)
    return _fold(period, scope, rows, insurer_id=None)


def latest_refresh() -> datetime | None:
    at: datetime | None = access.figures_for(access.Scope(None, None, regulator=True)).aggregate(
        at=Max("refreshed_at")
    )["at"]
    return at
