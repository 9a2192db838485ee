"""The pure parts of the statistics: periods, rates, charts (CMP-S2)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from xiaobao.reports.domain.charts import Bar, bar_chart, line_chart, nice_maximum
from xiaobao.reports.domain.periods import Granularity, Period, months_before, parse_period, period_of
from xiaobao.reports.domain.rates import per_10k_policies, per_100m_premium, percentage


def test_a_quarter_runs_from_its_first_to_its_last_day() -> None:
    quarter = Period(Granularity.QUARTER, 2026, 4)
    assert (quarter.first_day, quarter.last_day) == (date(2026, 10, 1), date(2026, 12, 31))
    assert quarter.months() == [date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)]


def test_periods_are_read_from_their_keys_and_nothing_else() -> None:
    assert parse_period("2026-Q3") == Period(Granularity.QUARTER, 2026, 3)
    assert parse_period("2026-07") == Period(Granularity.MONTH, 2026, 7)
    assert parse_period("2026") == Period(Granularity.YEAR, 2026, 1)
    assert [parse_period(t) for t in ("2026-Q5", "2026-13", "26", "1800", "x")] == [None] * 5


@given(st.dates(min_value=date(2001, 1, 1), max_value=date(2099, 12, 31)), st.sampled_from(list(Granularity)))
def test_every_day_lies_in_its_period_and_the_periods_follow_each_other(day: date, granularity: Granularity) -> None:
    period = period_of(granularity, day)
    assert period.contains(day)
    assert period.next().first_day == period.last_day + timedelta(days=1)
    assert period.next().previous() == period
    assert parse_period(period.key()) == period


def test_the_months_before_today_end_with_todays_month() -> None:
    assert months_before(date(2026, 2, 14), 3) == [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]


def test_rates_are_per_10000_policies_and_per_100_million_yuan() -> None:
    assert per_10k_policies(25, 500_000) == Decimal("0.50")
    assert per_100m_premium(30, Decimal("1500000000")) == Decimal("2.00")
    assert percentage(1, 3) == Decimal("33.3")


def test_no_rate_without_a_denominator() -> None:
    assert per_10k_policies(5, None) is None
    assert per_10k_policies(5, 0) is None
    assert per_100m_premium(5, None) is None
    assert percentage(1, 0) is None


def test_the_axis_ends_at_a_round_number_at_least_the_largest_value() -> None:
    assert [nice_maximum(v) for v in (0, 7, 12, 230, 1000)] == [1.0, 10.0, 20.0, 250.0, 1000.0]


def test_a_bar_chart_is_an_image_with_its_title_description_and_escaped_labels() -> None:
    svg = bar_chart(
        chart_id="c",
        title="By <reason>",
        description="claims: 3",
        axis_label="complaints",
        bars=[Bar("claims & sales", 3, "3"), Bar("other", 1, "1")],
    )
    assert svg.startswith("<svg")
    assert 'role="img"' in svg
    assert 'aria-labelledby="c-title c-desc"' in svg
    assert '<title id="c-title">By &lt;reason&gt;</title>' in svg
    assert '<desc id="c-desc">claims: 3</desc>' in svg
    assert "claims &amp; sales" in svg
    assert svg.count("<rect") == 2


def test_a_longer_bar_stands_for_a_larger_value() -> None:
    svg = bar_chart(
        chart_id="c", title="t", description="d", axis_label="a", bars=[Bar("a", 10, "10"), Bar("b", 5, "5")]
    )
    widths = [float(part.split('width="')[1].split('"')[0]) for part in svg.split("<rect")[1:]]
    assert widths[0] == 2 * widths[1]


def test_a_line_chart_has_a_point_per_period() -> None:
    svg = line_chart(
        chart_id="m",
        title="t",
        description="d",
        axis_label="a",
        points=[Bar("2026-07", 3, "3"), Bar("2026-08", 4, "4")],
    )
    assert svg.count("<circle") == 2
    assert "<polyline" in svg
    assert 'role="img"' in svg


def test_a_long_label_is_shortened_to_fit_beside_its_bar() -> None:
    svg = bar_chart(
        chart_id="c",
        title="t",
        description="d",
        axis_label="a",
        bars=[Bar("participating / universal life insurance, and much more besides", 1, "1")],
    )
    assert "…</text>" in svg
    assert "much more besides" not in svg
