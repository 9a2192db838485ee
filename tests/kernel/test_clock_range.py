"""Dates outside 1900–2099 are refused with a clear error, never an OverflowError."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from xiaobao.kernel.clock import DateOutOfRange, date_in_range, moment_in_range, statutory_date


@pytest.mark.parametrize(
    "moment",
    [
        datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=8))),  # converting to UTC would overflow
        datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-12))),
        datetime(1899, 12, 31, 12, tzinfo=UTC),
        datetime(2100, 1, 1, 12, tzinfo=UTC),
    ],
)
def test_a_moment_outside_the_range_is_refused(moment: datetime) -> None:
    assert not moment_in_range(moment)
    with pytest.raises(DateOutOfRange) as refused:
        statutory_date(moment)
    assert refused.value.code == "date_out_of_range"
    assert refused.value.params == {"earliest": "1900-01-01", "latest": "2099-12-31"}


def test_a_moment_inside_the_range_gives_its_shanghai_date() -> None:
    assert statutory_date(datetime(2026, 3, 1, 17, tzinfo=UTC)) == date(2026, 3, 2)
    assert date_in_range(date(1900, 1, 1))
    assert date_in_range(date(2099, 12, 31))
    assert not date_in_range(date(1, 1, 1))
