"""``manage.py audit_verify``: exit 0 when every chain holds, 1 naming the first break."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xiaobao.audit.verification import verify


class Command(BaseCommand):
    help = "Verify the hash chains of the audit log; exit non-zero naming the first broken event."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="report every broken chain, not only the first")

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify(stop_at_first=not options["all"])
        if report.ok:
            self.stdout.write(f"audit log intact: {report.chains} chains, {report.events} events")
            return
        for found in report.breaks:
            self.stderr.write(f"BROKEN {found.describe()}")
        raise CommandError(f"audit log broken: first at {report.breaks[0].describe()}", returncode=1)
