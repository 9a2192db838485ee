"""The application's clock: actions ask it for "now" and "today" (Asia/Shanghai statutory date).

Tests set a fixed clock through ``using`` instead of patching datetime.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

from xiaobao.kernel.clock import Clock, SystemClock, statutory_date

_clock: Clock = SystemClock()


def now() -> datetime:
    return _clock.now()


def today() -> date:
    return statutory_date(_clock.now())


def statutory_date_of(moment: datetime) -> date:
    return statutory_date(moment)


@contextmanager
def using(clock: Clock) -> Iterator[None]:
    global _clock  # noqa: PLW0603  (one process-wide clock, swapped only by tests and replays)
    previous, _clock = _clock, clock
    try:
        yield
    finally:
        _clock = previous
