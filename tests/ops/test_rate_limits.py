"""The shared rate-limit table is pruned (issue #19): attempts older than every window are deleted, the ones a
limit still counts are kept, and no limit may count further back than attempts are kept."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support.clock import SettableClock
from xiaobao.ops import clock, ratelimit
from xiaobao.ops.models import RateLimitHit
from xiaobao.ops.tasks import prune_rate_limit_hits

pytestmark = pytest.mark.django_db


def test_pruning_deletes_only_attempts_no_window_counts_any_more() -> None:
    settable = SettableClock(clock.now())
    with clock.using(settable):
        ratelimit.hit("track-ref:LN-2026-000001")
        settable.advance(days=1, hours=23)
        ratelimit.hit("track-ref:LN-2026-000001")
        settable.advance(hours=2)  # the first is now older than two days
        assert prune_rate_limit_hits.call() == 1
        assert RateLimitHit.objects.count() == 1
        with pytest.raises(ratelimit.TooManyAttempts):
            ratelimit.check("track-ref:LN-2026-000001", limit=1, window=timedelta(days=1))


def test_a_limit_counting_further_back_than_attempts_are_kept_is_refused() -> None:
    with pytest.raises(ValueError, match="longer than attempts are kept"):
        ratelimit.check("x", limit=1, window=ratelimit.KEPT_FOR + timedelta(seconds=1))
