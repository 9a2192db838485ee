"""``manage.py ingest_mail --maildir PATH``, or ``--imap`` with XIAOBAO_IMAP_HOST/USER/PASSWORD
(and XIAOBAO_IMAP_PORT, XIAOBAO_IMAP_CA_FILE when the server needs them)."""

from __future__ import annotations

import imaplib
import ssl
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from xiaobao.intake.mail import Outcome, imap_settings, ingest_imap, ingest_maildir


class Command(BaseCommand):
    help = "Take in complaint emails from a Maildir folder or an IMAP mailbox."

    def add_arguments(self, parser: CommandParser) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--maildir", type=Path)
        source.add_argument("--imap", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["imap"]:
            outcome = self._from_imap()
        else:
            outcome = ingest_maildir(options["maildir"])
        self.stdout.write(
            f"created {len(outcome.created)}, appended {len(outcome.appended)}, skipped {len(outcome.skipped)}"
        )
        for detail in outcome.skipped:
            self.stdout.write(f"  skipped: {detail}")

    def _from_imap(self) -> Outcome:
        try:
            imap = imap_settings()
        except ImproperlyConfigured as missing:
            raise CommandError(str(missing)) from None
        if imap is None:
            raise CommandError("XIAOBAO_IMAP_HOST is not set: it is needed to read the IMAP mailbox.")
        host, port, user = imap.host, imap.port, imap.user
        try:
            return ingest_imap(**imap.arguments())
        except imaplib.IMAP4.error as refused:
            raise CommandError(f"The IMAP server {host}:{port} refused {user}: {refused}") from None
        except (OSError, ssl.SSLError) as unreachable:
            raise CommandError(f"Cannot reach the IMAP server {host}:{port} over TLS: {unreachable}") from None
