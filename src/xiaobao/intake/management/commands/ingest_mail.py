"""``manage.py ingest_mail --maildir PATH`` (or ``--imap`` with XIAOBAO_IMAP_HOST/USER/PASSWORD)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xiaobao.intake.mail import ingest_imap, ingest_maildir


class Command(BaseCommand):
    help = "Take in complaint emails from a Maildir folder or an IMAP mailbox."

    def add_arguments(self, parser: CommandParser) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--maildir", type=Path)
        source.add_argument("--imap", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["imap"]:
            try:
                outcome = ingest_imap(
                    os.environ["XIAOBAO_IMAP_HOST"],
                    os.environ["XIAOBAO_IMAP_USER"],
                    os.environ["XIAOBAO_IMAP_PASSWORD"],
                )
            except KeyError as missing:
                raise CommandError(f"{missing.args[0]} is not set: it is needed to read the IMAP mailbox.") from None
        else:
            outcome = ingest_maildir(options["maildir"])
        self.stdout.write(
            f"created {len(outcome.created)}, appended {len(outcome.appended)}, skipped {len(outcome.skipped)}"
        )
        for detail in outcome.skipped:
            self.stdout.write(f"  skipped: {detail}")
