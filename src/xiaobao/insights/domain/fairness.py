"""Fairness across consumer groups (INC-4: "no discriminatory difference in treatment: measured, not assumed").

Given the complaints decided in a period as plain numbers — days from receipt to decision, whether it was
upheld, and the consumer group each belongs to along each dimension (age band, disability, language, new urban
resident, region) — each group is compared with the rest of the cases:

- times: the Mann–Whitney U test, one-sided (the group's times are stochastically longer than the rest's);
- outcomes: Fisher's exact test, one-sided (the group's cases are upheld less often than the rest's).

A group smaller than ``min_size`` (or whose rest is) is not tested: it is shown as too small to tell. The p-values
of all the tests of one report are adjusted together by Holm's method (family-wise error at most ``alpha``); a
test whose adjusted p-value is below ``alpha`` flags the group, with confidence 1 − adjusted p.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from statistics import fmean


class Measure(StrEnum):
    TIME = "time"
    OUTCOME = "outcome"


@dataclass(frozen=True)
class Case:
    days: float
    """Days from receipt to decision."""
    upheld: bool
    """Upheld in full or in part."""
    groups: Mapping[str, str]
    """Dimension → the consumer's group along it; "" where unknown (the case then counts on neither side)."""


@dataclass(frozen=True)
class Test:
    dimension: str
    group: str
    measure: Measure
    n: int
    rest_n: int
    value: float | None
    """The group's mean days, or its upheld rate."""
    rest_value: float | None
    statistic: float | None = None
    """Mann–Whitney U of the group, or Fisher's sample odds ratio."""
    p: float | None = None
    p_adjusted: float | None = None
    flagged: bool = False

    @property
    def tested(self) -> bool:
        return self.p is not None

    @property
    def confidence(self) -> float | None:
        return None if self.p_adjusted is None else 1.0 - self.p_adjusted


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjustment: the i-th smallest of m p-values becomes max over j ≤ i of (m − j)·p_(j),
    capped at 1 (j counted from 0). Returned in the order given."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted


def mann_whitney_greater(group: Sequence[float], rest: Sequence[float]) -> tuple[float, float]:
    """U of ``group`` and the one-sided p-value that its values are stochastically greater than ``rest``'s
    (exact for small samples without ties, normal approximation with tie correction otherwise: SciPy's choice)."""
    from scipy import stats  # imported when a test runs, not when a page that never tests loads

    result = stats.mannwhitneyu(group, rest, alternative="greater")
    return float(result.statistic), float(result.pvalue)


def fisher_less(upheld: int, not_upheld: int, rest_upheld: int, rest_not_upheld: int) -> tuple[float, float]:
    """Sample odds ratio and the one-sided p-value that the group is upheld less often than the rest."""
    from scipy import stats

    result = stats.fisher_exact([[upheld, not_upheld], [rest_upheld, rest_not_upheld]], alternative="less")
    return float(result.statistic), float(result.pvalue)


def _time_test(dimension: str, label: str, group: list[Case], rest: list[Case], min_size: int) -> Test:
    days, rest_days = [c.days for c in group], [c.days for c in rest]
    test = Test(dimension, label, Measure.TIME, len(group), len(rest),
                fmean(days) if days else None, fmean(rest_days) if rest_days else None)  # fmt: skip
    if len(group) < min_size or len(rest) < min_size:
        return test
    u, p = mann_whitney_greater(days, rest_days)
    return replace(test, statistic=u, p=p)


def _outcome_test(dimension: str, label: str, group: list[Case], rest: list[Case], min_size: int) -> Test:
    up, rest_up = sum(c.upheld for c in group), sum(c.upheld for c in rest)
    test = Test(dimension, label, Measure.OUTCOME, len(group), len(rest),
                up / len(group) if group else None, rest_up / len(rest) if rest else None)  # fmt: skip
    if len(group) < min_size or len(rest) < min_size:
        return test
    odds, p = fisher_less(up, len(group) - up, rest_up, len(rest) - rest_up)
    return replace(test, statistic=odds, p=p)


def compare(
    cases: Sequence[Case],
    *,
    dimensions: Mapping[str, Sequence[str] | None],
    min_size: int,
    alpha: float,
) -> list[Test]:
    """Every group of every dimension against the rest, times and outcomes (see the module's docstring).

    ``dimensions`` maps each dimension to the groups to test, or None for every group seen (a yes/no dimension
    names only its "yes" group: its "no" group is the rest)."""
    tests: list[Test] = []
    for dimension, wanted in dimensions.items():
        known = [c for c in cases if c.groups.get(dimension, "")]
        labels = list(wanted) if wanted is not None else sorted({c.groups[dimension] for c in known})
        for label in labels:
            group = [c for c in known if c.groups[dimension] == label]
            rest = [c for c in known if c.groups[dimension] != label]
            tests.append(_time_test(dimension, label, group, rest, min_size))
            tests.append(_outcome_test(dimension, label, group, rest, min_size))
    tested = [i for i, t in enumerate(tests) if t.p is not None]
    adjusted = holm([tests[i].p for i in tested])  # type: ignore[misc]
    for i, p_adjusted in zip(tested, adjusted, strict=True):
        tests[i] = replace(tests[i], p_adjusted=p_adjusted, flagged=p_adjusted < alpha)
    return tests
