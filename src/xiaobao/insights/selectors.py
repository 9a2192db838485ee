"""What the root-cause and fairness pages show (CMP-S1, INC-4), read through ``insights.access``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext, gettext_lazy

from xiaobao.complaints.domain.decisions import Outcome
from xiaobao.identity.models import Staff
from xiaobao.insights import access
from xiaobao.insights.domain import fairness, remediation
from xiaobao.insights.models import GroupingRun, RemediationAction, RootCauseGroup
from xiaobao.kernel.actors import Actor
from xiaobao.ops import clock

BEIJING = ZoneInfo("Asia/Shanghai")
UPHELD = frozenset({Outcome.UPHELD.value, Outcome.PARTLY_UPHELD.value})
"""A complaint counts as upheld when it was upheld in full or in part."""

DIMENSIONS: dict[str, list[str] | None] = {
    "age": None,
    "disability": ["yes"],
    "language": None,
    "new_urban_resident": ["yes"],
    "region": None,
}
"""The consumer groups compared (INC-4): a yes/no dimension tests its "yes" group against everyone else."""

DIMENSION_TEXT = {
    "age": gettext_lazy("Age band"),
    "disability": gettext_lazy("Disability"),
    "language": gettext_lazy("Language"),
    "new_urban_resident": gettext_lazy("New urban residents"),
    "region": gettext_lazy("Region (handling branch)"),
}
AGE_TEXT = {
    "under_40": gettext_lazy("under 40"),
    "40_59": gettext_lazy("40 to 59"),
    "60_plus": gettext_lazy("60 and over"),
}
YES_TEXT = {
    "disability": gettext_lazy("people with disabilities"),
    "new_urban_resident": gettext_lazy("new urban residents"),
}


@dataclass(frozen=True)
class GroupRow:
    group: RootCauseGroup
    size: int
    open_actions: int


@dataclass(frozen=True)
class RootCauses:
    run: GroupingRun | None
    groups: list[GroupRow]
    followed: list[GroupRow]
    """Groups of earlier runs that have remediation actions: still followed, their new complaints joining them."""


def _rows(actor: Actor, groups: list[RootCauseGroup]) -> list[GroupRow]:
    sizes = Counter(
        access.members_of_many(groups).values_list("group_id", flat=True)  # one query for every group
    )
    open_actions = Counter(
        access.actions_for(actor)
        .filter(group__in=groups, state=RemediationAction.OPEN)
        .values_list("group_id", flat=True)
    )
    return [GroupRow(g, sizes[g.pk], open_actions[g.pk]) for g in groups]


def root_causes(actor: Actor) -> RootCauses:
    run = access.runs_for(actor).first()
    latest = list(access.groups_for(actor).filter(run=run).order_by("number")) if run else []
    followed = list(
        access.groups_for(actor).filter(actions__isnull=False).exclude(run=run).distinct().order_by("-run_id", "number")
    )
    return RootCauses(run, _rows(actor, latest), _rows(actor, followed))


@dataclass(frozen=True)
class Effect:
    windows: remediation.Windows | None
    before: int = 0
    after: int = 0

    @property
    def change(self) -> float | None:
        return remediation.change(self.before, self.after)


@dataclass(frozen=True)
class ActionRow:
    action: RemediationAction
    effect: Effect | None
    """Measured once the action is complete."""


@dataclass(frozen=True)
class GroupView:
    group: RootCauseGroup
    size: int
    followed: int
    examples: list[tuple[int, str]]
    """(complaint id, reference) of a few members, newest first: links to cases compliance may open."""
    trend: list[tuple[str, int]]
    """Complaints of the group by month received (Beijing time), oldest first."""
    actions: list[ActionRow] = field(default_factory=list)


def _month(moment: datetime) -> str:
    return f"{clock.statutory_date_of(moment):%Y-%m}"


def group_view(actor: Actor, group_id: int) -> GroupView:
    group = access.group_for(actor, group_id)
    members = access.members_of(group)
    received = list(members.values_list("received_at", "by_centroid"))
    trend = sorted(Counter(_month(at) for at, _ in received).items())
    examples = list(members.order_by("-received_at", "-pk").values_list("complaint_id", "complaint__reference")[:5])
    days = [clock.statutory_date_of(at) for at, _ in received]
    rows = []
    for action in access.actions_for(actor).filter(group=group).order_by("due_on", "pk"):
        effect = None
        if action.completed_on is not None:
            windows = remediation.effect_windows(
                completed_on=action.completed_on, today=clock.today(), longest=settings.XIAOBAO_REMEDIATION_EFFECT_DAYS
            )
            if windows is None:
                effect = Effect(None)
            else:
                before = sum(windows.before_start <= d < windows.completed_on for d in days)
                after = sum(windows.completed_on <= d < windows.after_end for d in days)
                effect = Effect(windows, before, after)
        rows.append(ActionRow(action, effect))
    followed = sum(1 for _, by_centroid in received if by_centroid)
    return GroupView(group, len(received), followed, [(pk, ref or "") for pk, ref in examples], trend, rows)


def group_of_action(actor: Actor, action_id: int) -> int:
    """The group an action the actor may change belongs to (``NotFound`` otherwise)."""
    return access.action_for(actor, action_id).group_id


def owners(actor: Actor) -> list[Staff]:
    return list(access.owners_for(actor))


# --- fairness (INC-4) -------------------------------------------------------------------------------------------


def previous_month(today: date) -> date:
    first = today.replace(day=1)
    return first.replace(year=first.year - 1, month=12) if first.month == 1 else first.replace(month=first.month - 1)


def _next_month(month: date) -> date:
    return month.replace(year=month.year + 1, month=1) if month.month == 12 else month.replace(month=month.month + 1)


def _age_band(birth_year: int | None, elderly: bool, year: int) -> str:
    if birth_year is None:
        return "60_plus" if elderly else ""
    age = year - birth_year
    return "under_40" if age < 40 else "40_59" if age < 60 else "60_plus"


def _case(row: access.Decided) -> fairness.Case:
    return fairness.Case(
        days=row.days,
        upheld=row.outcome in UPHELD,
        groups={
            "age": _age_band(row.birth_year, row.elderly, clock.statutory_date_of(row.decided_at).year),
            "disability": "yes" if row.disabled else "no",
            "language": row.language,
            "new_urban_resident": "yes" if row.new_urban_resident else "no",
            "region": row.region,
        },
    )


@dataclass(frozen=True)
class FairnessReport:
    month: date
    cases: int
    tests: list[fairness.Test]
    min_size: int
    alpha: float

    @property
    def flagged(self) -> int:
        return sum(t.flagged for t in self.tests)


def fairness_report(actor: Actor, insurer_id: int, month: date) -> FairnessReport:
    """The insurer's complaints decided in the month compared across consumer groups (``insights.domain.fairness``)."""
    start = datetime.combine(month, time(), tzinfo=BEIJING)
    end = datetime.combine(_next_month(month), time(), tzinfo=BEIJING)
    cases = [_case(row) for row in access.decided_in(actor, insurer_id, start, end)]
    min_size, alpha = settings.XIAOBAO_FAIRNESS_MIN_GROUP, settings.XIAOBAO_FAIRNESS_ALPHA
    tests = fairness.compare(cases, dimensions=DIMENSIONS, min_size=min_size, alpha=alpha)
    return FairnessReport(month, len(cases), tests, min_size, alpha)


def group_text(dimension: str, group: str) -> str:
    if dimension == "age":
        return str(AGE_TEXT.get(group, group))
    if dimension in YES_TEXT:
        return str(YES_TEXT[dimension])
    if dimension == "language":
        names = {code.lower(): name for code, name in settings.LANGUAGES}
        return str(names.get(group.lower(), group))
    return group


def fairness_summary(report: FairnessReport) -> str:
    """The inbox message: how many decided, and each group flagged with its confidence (no case, no person)."""
    lines = [
        gettext("Fairness across consumer groups, %(month)s: %(cases)s complaints decided.")
        % {"month": f"{report.month:%Y-%m}", "cases": report.cases}
    ]
    flagged = [t for t in report.tests if t.flagged]
    if not flagged:
        lines.append(gettext("No group was treated worse than the rest with statistical confidence."))
    for test in flagged:
        template = (
            gettext(
                "%(dimension)s — %(group)s: decided later than the rest (%(value).1f against %(rest).1f days on average; confidence %(confidence).1f%%)."
            )
            if test.measure is fairness.Measure.TIME
            else gettext(
                "%(dimension)s — %(group)s: upheld less often than the rest (%(value).0f%% against %(rest).0f%%; confidence %(confidence).1f%%)."
            )
        )
        scale = 1 if test.measure is fairness.Measure.TIME else 100
        lines.append(
            template
            % {
                "dimension": DIMENSION_TEXT[test.dimension],
                "group": group_text(test.dimension, test.group),
                "value": (test.value or 0) * scale,
                "rest": (test.rest_value or 0) * scale,
                "confidence": (test.confidence or 0) * 100,
            }
        )
    return "\n".join(lines)
