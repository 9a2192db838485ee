"""``manage.py calendar_load``: add a year's working-day schedule without a release.

manage.py calendar_load --file 2027.json          # from the State Council notice
manage.py calendar_load --from-package            # every year the chinesecalendar package knows
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xiaobao.calendars.actions import calendar_year_load
from xiaobao.calendars.models import CalendarYear
from xiaobao.calendars.schedule_files import read_schedule
from xiaobao.kernel.actors import SYSTEM
from xiaobao.kernel.errors import DomainError
from xiaobao.kernel.state_council import published_years, year_schedule
from xiaobao.ops.i18n import message_of


class Command(BaseCommand):
    help = "Load a year's State Council holiday and adjusted-working-day schedule."

    def add_arguments(self, parser: CommandParser) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--file", type=Path, help="a JSON schedule file")
        source.add_argument("--from-package", action="store_true", help="years published in chinesecalendar")
        parser.add_argument("--replace", action="store_true", help="replace a year already loaded")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["file"]:
                schedules = [read_schedule(options["file"])]
            else:
                loaded = set(CalendarYear.objects.values_list("year", flat=True))
                schedules = [year_schedule(y) for y in published_years() if options["replace"] or y not in loaded]
                schedules.sort(key=lambda s: -s.year if loaded and s.year < min(loaded) else s.year)
            for schedule in schedules:
                calendar_year_load(actor=SYSTEM, schedule=schedule, replace=options["replace"])
                self.stdout.write(
                    f"{schedule.year}: {len(schedule.holidays)} holidays, "
                    f"{len(schedule.adjusted_working_days)} adjusted working days ({schedule.source})"
                )
        except DomainError as error:
            raise CommandError(message_of(error), returncode=2) from error
        if not schedules:
            self.stdout.write("every published year is already loaded")
