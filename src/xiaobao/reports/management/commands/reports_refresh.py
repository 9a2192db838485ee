"""``manage.py reports_refresh [--months N]``: recount the statistics' summary of the last N months now (CMP-S2)
— after a bulk import, or to recount every month once (the worker keeps only the recent ones current)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xiaobao.kernel.actors import SYSTEM
from xiaobao.ops import clock
from xiaobao.reports.actions import figures_refresh
from xiaobao.reports.domain.periods import months_before


class Command(BaseCommand):
    help = "Recount the complaint statistics' monthly summary of the last N months."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--months", type=int, default=12)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        rows = figures_refresh(actor=SYSTEM, months=months_before(clock.today(), options["months"]))
        self.stdout.write(
            f"{rows:,} summary rows for {options['months']} months in {time.perf_counter() - started:.1f} s"
        )
