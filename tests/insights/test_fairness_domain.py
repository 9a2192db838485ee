"""INC-4 fairness tests on plain numbers: a planted disparity is flagged, a fair set is not (false positives stay
within alpha across seeds), and the statistics equal values computed by hand."""

from __future__ import annotations

import math
import random

import pytest

from xiaobao.insights.domain.fairness import Case, Measure, compare, fisher_less, holm, mann_whitney_greater

DIMENSIONS: dict[str, list[str] | None] = {
    "age": None,
    "disability": ["yes"],
    "language": None,
    "new_urban_resident": ["yes"],
    "region": None,
}


def cases(seed: int, *, n: int = 600, late_group: tuple[str, str] | None = None, late_by: float = 5.0,
          low_upheld: tuple[str, str] | None = None) -> list[Case]:  # fmt: skip
    """Complaints decided in about 12 days (gamma noise, sd ≈ 5), upheld 40 % of the time; consumer groups drawn
    independently of both — except the planted group, decided ``late_by`` days later or upheld half as often."""
    rng = random.Random(seed)
    made = []
    for _ in range(n):
        groups = {
            "age": rng.choice(["under_40", "40_59", "60_plus"]),
            "disability": "yes" if rng.random() < 0.15 else "no",
            "language": rng.choices(["zh-hans", "ko", "mn-mong"], weights=[8, 1, 1])[0],
            "new_urban_resident": "yes" if rng.random() < 0.2 else "no",
            "region": rng.choice(["Shenyang", "Dalian", "Anshan"]),
        }
        days = rng.gammavariate(6.0, 2.0)
        upheld_chance = 0.4
        if late_group and groups[late_group[0]] == late_group[1]:
            days += late_by
        if low_upheld and groups[low_upheld[0]] == low_upheld[1]:
            upheld_chance = 0.2
        made.append(Case(days=days, upheld=rng.random() < upheld_chance, groups=groups))
    return made


def flagged(tests: list) -> set[tuple[str, str, Measure]]:
    return {(t.dimension, t.group, t.measure) for t in tests if t.flagged}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_group_decided_five_days_later_is_flagged_and_nothing_else_is(seed: int) -> None:
    # given complaints of people with disabilities decided 5 days later on average
    data = cases(seed, late_group=("disability", "yes"))
    # when compared
    tests = compare(data, dimensions=DIMENSIONS, min_size=20, alpha=0.05)
    # then exactly that group's times are flagged, with high confidence
    assert flagged(tests) == {("disability", "yes", Measure.TIME)}
    hit = next(t for t in tests if t.flagged)
    assert hit.confidence is not None
    assert hit.confidence > 0.99
    assert hit.value is not None
    assert hit.rest_value is not None
    assert 3.5 < hit.value - hit.rest_value < 6.5


def test_a_language_group_upheld_half_as_often_is_flagged() -> None:
    data = cases(7, n=1500, low_upheld=("language", "ko"))
    assert flagged(compare(data, dimensions=DIMENSIONS, min_size=20, alpha=0.05)) == {
        ("language", "ko", Measure.OUTCOME)
    }


def test_fair_data_is_flagged_no_more_often_than_alpha_across_seeds() -> None:
    # given 60 fair data sets (no group treated differently)
    runs = [compare(cases(seed), dimensions=DIMENSIONS, min_size=20, alpha=0.05) for seed in range(100, 160)]
    # then the share of data sets with any group flagged stays within the family-wise alpha (Holm), with slack
    # for sampling: at most 6 of 60 (the expected number is at most 3)
    with_a_flag = sum(bool(flagged(tests)) for tests in runs)
    assert with_a_flag <= 6


def test_a_fair_data_set_is_not_flagged() -> None:
    assert flagged(compare(cases(2026), dimensions=DIMENSIONS, min_size=20, alpha=0.05)) == set()


def test_a_group_smaller_than_the_minimum_is_not_tested() -> None:
    data = [Case(10.0 + i, True, {"disability": "yes" if i < 5 else "no"}) for i in range(60)]
    (time_test, outcome_test) = compare(data, dimensions={"disability": ["yes"]}, min_size=20, alpha=0.05)
    assert (time_test.tested, outcome_test.tested, time_test.n) == (False, False, 5)
    assert not time_test.flagged


def test_mann_whitney_u_equals_the_hand_computed_value() -> None:
    # group [5, 7, 9] against rest [1, 2, 6, 8]: pairs where the group's value is larger —
    # 5 beats 1, 2 (2); 7 beats 1, 2, 6 (3); 9 beats all four (4): U = 9 of 12 pairs.
    # Exact one-sided p: the share of the C(7,3) = 35 rank sets with U ≥ 9. U counts ≥ 9 for rank sums ≥ 6 + 9 = 15
    # (U = rank sum − 6): rank sets of 3 from 1..7 with sum ≥ 15 — {7,6,5}=18, {7,6,4}=17, {7,6,3}=16, {7,5,4}=16,
    # {7,6,2}=15, {7,5,3}=15, {6,5,4}=15 — 7 sets: p = 7/35 = 0.2.
    u, p = mann_whitney_greater([5, 7, 9], [1, 2, 6, 8])
    assert u == 9
    assert p == pytest.approx(7 / 35)


def test_fishers_exact_p_equals_the_hypergeometric_sum() -> None:
    # group: 1 upheld of 5; rest: 6 upheld of 8. 7 upheld in 13; P(X ≤ 1) with X ~ Hypergeom(13, 7, 5)
    p_hand = sum(math.comb(7, k) * math.comb(6, 5 - k) for k in (0, 1)) / math.comb(13, 5)
    odds, p = fisher_less(1, 4, 6, 2)
    assert p == pytest.approx(p_hand)  # (6 + 105) / 1287
    assert odds == pytest.approx((1 * 2) / (4 * 6))


def test_holm_adjusts_by_rank_and_keeps_the_order() -> None:
    # sorted 0.01, 0.02, 0.04 of 3 → 0.03, 0.04, max(0.04, 0.04) — returned in the order given
    assert holm([0.04, 0.01, 0.02]) == pytest.approx([0.04, 0.03, 0.04])
    assert holm([0.5, 0.6]) == pytest.approx([1.0, 1.0])
