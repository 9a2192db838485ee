"""The matrix tests' row count (tests/support/matrix.py): every model's default manager counted in one query,
the same numbers as ``.count()`` on each, and a new row shows."""

from __future__ import annotations

import pytest
from django.apps import apps

from tests.conftest import World
from tests.support.matrix import NOT_CASE_DATA, row_counts

pytestmark = pytest.mark.django_db


def test_row_counts_are_each_default_managers_count(world: World) -> None:
    world.ours.consumer()
    world.ours.staff()
    counted = row_counts()
    assert counted == {
        model.__name__: model._default_manager.count()
        for model in apps.get_models()
        if model.__module__.startswith("xiaobao.") and model.__name__ not in NOT_CASE_DATA
    }
    assert counted["Insurer"] == 2
    assert "RateLimitHit" not in counted


def test_a_new_row_changes_the_counts(world: World) -> None:
    before = row_counts()
    world.ours.consumer()
    after = row_counts()
    assert after != before
    assert after["Consumer"] == before["Consumer"] + 1
