"""Mail taken in by the worker on its own (CHN-1): complaints by email no longer wait for someone to type a
command. Each configured mailbox is read every ``XIAOBAO_MAIL_POLL_SECONDS``; each message is taken in once
(``intake_take_mail``), and the poll is noted for /healthz."""

from __future__ import annotations

import imaplib
import mailbox
import ssl
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django_tasks import task

from xiaobao.intake.actions import drafts_forget_expired, intake_mailbox_polled
from xiaobao.intake.mail import Outcome, imap_settings, ingest_imap, ingest_maildir
from xiaobao.kernel.actors import SYSTEM


@task()
def take_in_mail() -> dict[str, int]:
    """Run by the periodic scheduler (settings.XIAOBAO_PERIODIC_TASKS): every configured mailbox, once."""
    taken = {"created": 0, "appended": 0, "skipped": 0}
    for source, read in _sources():
        outcome, error = Outcome(), ""
        try:
            outcome = read()
        except (OSError, ssl.SSLError, imaplib.IMAP4.error, mailbox.Error) as failed:
            error = f"{failed.__class__.__name__}: {failed}"
        intake_mailbox_polled(
            source=source,
            created=len(outcome.created),
            appended=len(outcome.appended),
            skipped=len(outcome.skipped),
            waiting=_waiting(source),
            error=error,
        )
        for kind in taken:
            taken[kind] += len(getattr(outcome, kind))
    return taken


def _sources() -> list[tuple[str, Callable[[], Outcome]]]:
    sources: list[tuple[str, Callable[[], Outcome]]] = []
    if settings.XIAOBAO_MAILDIR:
        folder = Path(settings.XIAOBAO_MAILDIR)
        mailbox.Maildir(str(folder), create=True)  # so a message dropped into new/ is found the first time
        sources.append((f"maildir:{folder}", lambda: ingest_maildir(folder)))
    imap = imap_settings()
    if imap is not None:
        sources.append((f"imap:{imap.user}@{imap.host}:{imap.port}", lambda: ingest_imap(**imap.arguments())))
    return sources


def _waiting(source: str) -> int:
    if not source.startswith("maildir:"):
        return 0  # an IMAP poll takes in every unseen message; what failed stays unseen for the next one
    # a message taken in moves from new/ to cur/: what is still in new/ waits (counted, not read)
    return sum(1 for entry in (Path(source.removeprefix("maildir:")) / "new").iterdir() if entry.is_file())


@task()
def forget_expired_drafts() -> int:
    """Run by the periodic scheduler: drafts a day old are deleted (PI-1, kept no longer than promised)."""
    return drafts_forget_expired(actor=SYSTEM)
