from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from tests.conftest import World
from tests.reports.generated import NOW, Generated, generate
from tests.support.clock import SettableClock
from tests.support.world import make_consumer
from xiaobao.identity import actions as identity_actions
from xiaobao.identity.actors import actor_for_user
from xiaobao.identity.models import Regulator
from xiaobao.kernel.actors import SYSTEM, Actor
from xiaobao.ops import clock as app_clock
from xiaobao.reports import actions


@pytest.fixture
def report_clock() -> Iterator[SettableClock]:
    settable = SettableClock(NOW)
    with app_clock.using(settable):
        yield settable


@pytest.fixture
def generated(world: World, report_clock: SettableClock) -> Generated:
    """The generated volume, its summary computed for June to October 2026 (the worker's refresh)."""
    made = generate(world, make_consumer(insurer_ids=[world.ours.insurer.pk, world.theirs.insurer.pk]))
    actions.figures_refresh(actor=SYSTEM, months=[date(2026, m, 1) for m in range(6, 11)])
    return made


@pytest.fixture
def regulator(db: None) -> tuple[Regulator, Actor]:
    made = identity_actions.regulator_create(
        actor=SYSTEM, username="regulator-1", display_name="Regulator", password="correct-horse-battery-staple"
    )
    return made, actor_for_user(made.user)
