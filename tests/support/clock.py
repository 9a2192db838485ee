"""A clock tests can set and move: the application reads it through ``xiaobao.ops.clock``."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


class SettableClock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment

    def set(self, text: str) -> None:
        """``clock.set("2026-03-02 10:00")`` in Asia/Shanghai."""
        self.moment = datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)
