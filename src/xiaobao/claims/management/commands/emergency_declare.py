"""Declare a major emergency: open claims inside its area and dates join the green channel at once (CLM-2).

manage.py emergency_declare --name "2026年7月大连暴雨" --regions 2102,210381 --from 2026-07-20 --to 2026-07-23
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xiaobao.claims.actions import emergency_declare
from xiaobao.kernel.actors import SYSTEM
from xiaobao.kernel.errors import DomainError
from xiaobao.ops.i18n import message_of


class Command(BaseCommand):
    help = "Declare a major emergency (area codes and dates); its claims go to the green channel."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--regions", required=True, help="comma-separated area-code prefixes, e.g. 2102,210381")
        parser.add_argument("--from", dest="first_day", required=True, type=date.fromisoformat)
        parser.add_argument("--to", dest="last_day", required=True, type=date.fromisoformat)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            emergency = emergency_declare(
                actor=SYSTEM,
                name=options["name"],
                region_prefixes=[p.strip() for p in options["regions"].split(",") if p.strip()],
                first_day=options["first_day"],
                last_day=options["last_day"],
            )
        except DomainError as refused:
            raise CommandError(message_of(refused)) from refused
        self.stdout.write(
            f"declared {emergency.name} ({emergency.first_day} to {emergency.last_day}, "
            f"areas {', '.join(emergency.region_prefixes)}): its open claims are in the green channel"
        )
