"""Every figure of the statistics (CMP-S2) equals a count made here, in plain Python, over the generated
objects themselves — no code shared with ``reports.selectors``."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

import pytest

from tests.conftest import World
from tests.reports.generated import NOW, TODAY, Generated
from xiaobao.kernel.actors import Role
from xiaobao.reports import actions, selectors
from xiaobao.reports.domain.periods import Granularity, Period

Q3 = Period(Granularity.QUARTER, 2026, 3)
MEASURES = ("received", "accepted", "decided", "upheld", "within_15", "within_30", "within_60", "late")
MEASURES += ("reviews", "mediations")


def in_q3(day: date) -> bool:
    return date(2026, 7, 1) <= day <= date(2026, 9, 30)


def expected(made: Generated, insurer_ids: set[int], key=lambda c: "all") -> dict[str, Counter[str]]:  # type: ignore[no-untyped-def]
    """``{key: Counter(measure → count)}`` of the complaints received in Q3 by these insurers."""
    counts: dict[str, Counter[str]] = {}
    chosen = {c.pk: c for c in made.complaints if c.insurer_id in insurer_ids and in_q3(c.received_on)}
    for complaint in chosen.values():
        for k in key(complaint) if isinstance(key(complaint), list) else [key(complaint)]:
            tally = counts.setdefault(str(k), Counter())
            tally["received"] += 1
            tally["accepted"] += complaint.state not in {"registered", "declined"}
            tally["decided"] += complaint.outcome != ""
            tally["upheld"] += complaint.outcome in {"upheld", "partly_upheld"}
            tally["reviews"] += complaint.review_requested_on is not None
            tally["mediations"] += complaint.mediation_wanted_on is not None or complaint.next_step == "mediation"
    names = {"CMP-T1": "within_15", "CMP-T2": "within_30", "CMP-T3": "within_60"}
    for deadline in made.deadlines:
        complaint = chosen.get(deadline.complaint_id)
        if complaint is None or complaint.state == "declined" or deadline.rule_id not in names:
            continue
        for k in key(complaint) if isinstance(key(complaint), list) else [key(complaint)]:
            tally = counts[str(k)]
            if deadline.state == "met":
                tally[names[deadline.rule_id]] += 1
            if deadline.state == "missed" or (deadline.active and deadline.due < TODAY):
                tally["late"] += 1
    return counts


def as_counter(figures: selectors.Figures) -> Counter[str]:
    return Counter({m: getattr(figures, m) for m in MEASURES if getattr(figures, m)})


def test_every_total_of_the_quarter_equals_an_independent_count(world: World, generated: Generated) -> None:
    # given the generated complaints of both insurers, and our compliance officer
    _staff, compliance = world.ours.staff(Role.COMPLIANCE_OFFICER)
    # when the quarter's statistics are read
    stats = selectors.statistics(compliance, Q3)
    # then each total is our insurer's own count, and nothing of theirs
    assert as_counter(stats.total) == +expected(generated, {world.ours.insurer.pk})["all"]
    assert stats.total.received > 0


@pytest.mark.parametrize("table", ["product_line", "reason", "channel"])
def test_each_breakdown_equals_an_independent_count(world: World, generated: Generated, table: str) -> None:
    _staff, compliance = world.ours.staff(Role.COMPLIANCE_OFFICER)
    stats = selectors.statistics(compliance, Q3)
    want = expected(generated, {world.ours.insurer.pk}, key=lambda c: getattr(c, table))
    assert {row.key: as_counter(row.figures) for row in stats.tables[table]} == {k: +v for k, v in want.items()}


def test_consumer_groups_equal_an_independent_count(world: World, generated: Generated) -> None:
    _staff, compliance = world.ours.staff(Role.COMPLIANCE_OFFICER)
    stats = selectors.statistics(compliance, Q3)
    want = expected(
        generated,
        {world.ours.insurer.pk},
        key=lambda c: [g for g in ("elderly", "disabled", "new_urban_resident") if getattr(c, g)],
    )
    assert {row.key: as_counter(row.figures) for row in stats.tables["group"]} == {k: +v for k, v in want.items()}


def test_branches_and_regions_equal_an_independent_count(world: World, generated: Generated) -> None:
    ours = world.ours
    _staff, compliance = ours.staff(Role.COMPLIANCE_OFFICER)
    stats = selectors.statistics(compliance, Q3)
    by_branch = expected(generated, {ours.insurer.pk}, key=lambda c: c.handling_branch_id)
    region = {
        ours.head_office.pk: ours.head_office.pk,
        ours.province.pk: ours.province.pk,
        ours.city.pk: ours.province.pk,
    }
    by_region = expected(generated, {ours.insurer.pk}, key=lambda c: region[c.handling_branch_id])
    assert {row.key: as_counter(row.figures) for row in stats.tables["branch"]} == {k: +v for k, v in by_branch.items()}
    assert {row.key: as_counter(row.figures) for row in stats.tables["region"]} == {k: +v for k, v in by_region.items()}


def test_claims_and_call_backs_equal_an_independent_count(world: World, generated: Generated) -> None:
    _staff, compliance = world.ours.staff(Role.COMPLIANCE_OFFICER)
    stats = selectors.statistics(compliance, Q3)
    ours = world.ours.insurer.pk
    claims = {c.pk: c for c in generated.claims if c.insurer_id == ours and in_q3(c.received_on)}
    want = Counter({"received": len(claims)})
    for clock in generated.claim_deadlines:
        if clock.claim_id not in claims:
            continue
        late = clock.state == "missed" or (clock.active and clock.due < TODAY)
        if clock.clock == "decision":
            want["in_time"] += clock.state == "met"
            want["late"] += late
        else:
            want["paid_in_time"] += clock.state == "met"
            want["paid_late"] += late
    [row] = stats.tables["claims"]
    got = row.figures
    assert (
        Counter(
            {
                "received": got.received,
                "in_time": got.in_time,
                "late": got.late,
                "paid_in_time": got.paid_in_time,
                "paid_late": got.paid_late,
            }
        )
        == want
    )
    calls = [
        c for c in generated.callbacks if c.insurer_id == ours and in_q3(c.requested_at.astimezone(NOW.tzinfo).date())
    ]
    [call_row] = stats.tables["callbacks"]
    assert call_row.figures.received == len(calls)
    assert call_row.figures.in_time == sum(
        1 for c in calls if c.first_attempt_at and c.first_attempt_at <= c.late_after
    )
    assert call_row.figures.late == sum(
        1
        for c in calls
        if (c.first_attempt_at and c.first_attempt_at > c.late_after)
        or (c.first_attempt_at is None and c.late_after < NOW)
    )


def test_the_months_of_the_quarter_equal_an_independent_count(world: World, generated: Generated) -> None:
    _staff, compliance = world.ours.staff(Role.COMPLIANCE_OFFICER)
    stats = selectors.statistics(compliance, Q3)
    want = Counter(
        f"{c.received_on:%Y-%m}"
        for c in generated.complaints
        if c.insurer_id == world.ours.insurer.pk and in_q3(c.received_on)
    )
    assert {row.key: row.figures.received for row in stats.tables["month"]} == dict(want)


def regulator_sees(counts: Counter[str], min_cell: int = 5) -> tuple[Counter[str], set[str]]:
    """The counts as the regulator reads them, worked out here on their own (ADR 0019, addendum): below the
    threshold hidden, the rest to the nearest multiple of it, halves up."""
    shown = Counter({m: min_cell * int(n / min_cell + 0.5) for m, n in counts.items() if n >= min_cell})
    return shown, {m for m, n in counts.items() if 0 < n < min_cell}


def test_the_regulator_sees_every_insurer_side_by_side(world: World, generated: Generated, regulator) -> None:  # type: ignore[no-untyped-def]
    _made, actor = regulator
    stats = selectors.statistics(actor, Q3)
    want = Counter(str(c.insurer_id) for c in generated.complaints if in_q3(c.received_on))
    assert {row.key: row.figures.received for row in stats.tables["insurer"]} == dict(regulator_sees(want)[0])
    assert set(stats.insurer_names) == {world.ours.insurer.pk, world.theirs.insurer.pk}
    shown, hidden = regulator_sees(expected(generated, {world.ours.insurer.pk, world.theirs.insurer.pk})["all"])
    assert (as_counter(stats.total), set(stats.total.hidden)) == (shown, hidden)


def test_the_regulator_may_look_at_one_insurer(world: World, generated: Generated, regulator) -> None:  # type: ignore[no-untyped-def]
    _made, actor = regulator
    stats = selectors.statistics(actor, Q3, insurer_id=world.theirs.insurer.pk)
    shown, hidden = regulator_sees(expected(generated, {world.theirs.insurer.pk})["all"])
    assert (as_counter(stats.total), set(stats.total.hidden)) == (shown, hidden)


def test_compliance_of_one_insurer_sees_none_of_the_others_figures(world: World, generated: Generated) -> None:
    # given the other insurer's compliance officer
    _staff, theirs = world.theirs.staff(Role.COMPLIANCE_OFFICER)
    # when they read the quarter
    stats = selectors.statistics(theirs, Q3)
    # then they see their own figures, and no row, name or branch of ours
    assert as_counter(stats.total) == +expected(generated, {world.theirs.insurer.pk})["all"]
    assert set(stats.insurer_names) == {world.theirs.insurer.pk}
    assert {row.key for row in stats.tables["insurer"]} == {str(world.theirs.insurer.pk)}
    ours_branches = {str(b.pk) for b in (world.ours.head_office, world.ours.province, world.ours.city)}
    assert not ours_branches & {row.key for row in stats.tables["branch"]}


def test_a_branch_manager_sees_their_branch_and_the_branches_below(world: World, generated: Generated) -> None:
    ours = world.ours
    _staff, manager = ours.staff(Role.SENIOR_MANAGER, branch=ours.province)
    stats = selectors.statistics(manager, Q3)
    below = {ours.province.pk, ours.city.pk}
    want = expected(generated, {ours.insurer.pk}, key=lambda c: "all" if c.handling_branch_id in below else "other")
    assert as_counter(stats.total) == +want["all"]
    assert {row.key for row in stats.tables["branch"]} <= {str(pk) for pk in below}


def test_a_head_office_manager_sees_the_whole_insurer(world: World, generated: Generated) -> None:
    _staff, manager = world.ours.staff(Role.SENIOR_MANAGER, branch=world.ours.head_office)
    stats = selectors.statistics(manager, Q3)
    assert as_counter(stats.total) == +expected(generated, {world.ours.insurer.pk})["all"]


def test_the_summary_equals_the_live_count(world: World, generated: Generated, regulator, settings) -> None:  # type: ignore[no-untyped-def]
    settings.XIAOBAO_REPORT_MIN_CELL = 1  # exact counts: the summary against the count, not the rounding
    _made, actor = regulator
    summary, live = selectors.statistics(actor, Q3), selectors.live_statistics(actor, Q3, today=TODAY)
    assert as_counter(summary.total) == as_counter(live.total)
    for table in ("product_line", "branch", "group"):
        assert {r.key: as_counter(r.figures) for r in summary.tables[table]} == {
            r.key: as_counter(r.figures) for r in live.tables[table]
        }


def test_rates_per_10000_policies_and_per_100_million_yuan_use_the_recorded_denominators(
    world: World, generated: Generated
) -> None:
    _staff, compliance = world.ours.staff(Role.COMPLIANCE_OFFICER)
    actions.denominator_record(
        actor=compliance, period_key="2026-Q3", policies_in_force=200_000, premium_yuan=Decimal("500000000")
    )
    stats = selectors.statistics(compliance, Q3)
    [row] = stats.tables["insurer"]
    received = sum(1 for c in generated.complaints if c.insurer_id == world.ours.insurer.pk and in_q3(c.received_on))
    assert row.per_10k == (Decimal(received) * 10_000 / 200_000).quantize(Decimal("0.01"))
    assert row.per_100m == (Decimal(received) / 5).quantize(Decimal("0.01"))


def test_no_rate_is_shown_without_a_denominator_for_that_period(world: World, generated: Generated) -> None:
    _staff, compliance = world.ours.staff(Role.COMPLIANCE_OFFICER)
    actions.denominator_record(
        actor=compliance, period_key="2026-Q2", policies_in_force=200_000, premium_yuan=Decimal("500000000")
    )
    [row] = selectors.statistics(compliance, Q3).tables["insurer"]
    assert row.per_10k is None
    assert row.per_100m is None
