"""``manage.py ingest_mail --maildir PATH``, or ``--imap`` with XIAOBAO_IMAP_HOST/USER/PASSWORD
(and XIAOBAO_IMAP_PORT, XIAOBAO_IMAP_CA_FILE when the server needs them)."""

from __future__ import annotations

import imaplib
import os
import ssl
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xiaobao.intake.mail import IMAPS_PORT, Outcome, ingest_imap, ingest_maildir


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
            host, user, password = (os.environ[f"XIAOBAO_IMAP_{name}"] for name in ("HOST", "USER", "PASSWORD"))
        except KeyError as missing:
            raise CommandError(f"{missing.args[0]} is not set: it is needed to read the IMAP mailbox.") from None
        port = int(os.environ.get("XIAOBAO_IMAP_PORT") or IMAPS_PORT)
        ca_file = os.environ.get("XIAOBAO_IMAP_CA_FILE") or None
        try:
            return ingest_imap(host, user, password, port=port, ssl_context=ssl.create_default_context(cafile=ca_file))
        except imaplib.IMAP4.error as refused:
            raise CommandError(f"The IMAP server {host}:{port} refused {user}: {refused}") from None
        except (OSError, ssl.SSLError) as unreachable:
            raise CommandError(f"Cannot reach the IMAP server {host}:{port} over TLS: {unreachable}") from None
