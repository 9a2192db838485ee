from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from tests.conftest import World
from tests.reports.generated import Generated, generate
from tests.support.clock import SHANGHAI, SettableClock
from tests.support.world import make_consumer
from xiaobao.ops import clock as app_clock

AFTER_THE_YEAR = datetime(2027, 1, 10, 10, 0, tzinfo=SHANGHAI)
"""The generated complaints were received in 2026; its report is prepared once the year has ended."""


@pytest.fixture
def disclosure_clock() -> Iterator[SettableClock]:
    settable = SettableClock(AFTER_THE_YEAR)
    with app_clock.using(settable):
        yield settable


@pytest.fixture
def generated(world: World, disclosure_clock: SettableClock) -> Generated:
    """Complaints, clocks, claims and call-backs of both insurers received in 2026 (``tests.reports.generated``)."""
    return generate(world, make_consumer(insurer_ids=[world.ours.insurer.pk, world.theirs.insurer.pk]))
