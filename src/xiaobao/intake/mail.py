"""Complaints by email (CHN-1): RFC 5322 messages from a Maildir folder, or IMAP when configured.

A message to an insurer's published complaint address becomes a complaint of
that insurer, or — when its subject carries a reference like LN-2026-000123 of
that insurer's complaint from the same sender — a further message on it.
Attachments of accepted types are kept; each Message-ID is taken in once.
"""

from __future__ import annotations

import email
import email.policy
import imaplib
import mailbox
import os
import re
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import parseaddr, parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError

from xiaobao.complaints.actions import Upload
from xiaobao.complaints.domain.files import content_type_of
from xiaobao.identity.models import Insurer
from xiaobao.intake.actions import Mail, intake_take_mail
from xiaobao.kernel.actors import channel_actor
from xiaobao.kernel.errors import DomainError
from xiaobao.ops import clock

IMAPS_PORT = 993
REFERENCE = re.compile(r"\bLN-\d{4}-\d{6}\b", re.IGNORECASE)
MAILBOX = channel_actor("email")


@dataclass
class Outcome:
    created: list[str] = field(default_factory=list)
    appended: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    text = str(part.get_content())
    if part.get_content_type() == "text/html":
        parser = _Text()
        parser.feed(text)
        text = " ".join(parser.parts)
    return text.strip()


def _uploads(message: EmailMessage) -> tuple[list[Upload], list[str]]:
    """Attachments of accepted types, recognised from their content; the names of the others."""
    kept: list[Upload] = []
    refused: list[str] = []
    for part in message.iter_attachments():
        content = part.get_payload(decode=True)
        name = part.get_filename() or "attachment"
        if isinstance(content, bytes) and content_type_of(content[:16]):
            kept.append(Upload(name=name, content=content))
        else:
            refused.append(name)
    return kept, refused


def _received_at(message: EmailMessage) -> datetime:
    now = clock.now()
    try:
        sent = parsedate_to_datetime(str(message["Date"]))
    except (TypeError, ValueError):
        return now
    if sent.tzinfo is None:
        return now
    return min(sent, now)  # a clock ahead of ours is not a date in the future


class Skip(Exception):
    """A message that is not taken in, with the reason (reported by the command)."""


def _route(message: EmailMessage) -> tuple[str, Insurer, str, str]:
    """Message-ID, the insurer addressed, the sender's name and address — or Skip."""
    message_id = str(message["Message-ID"] or "").strip()
    if not message_id:
        raise Skip("no Message-ID")
    recipients = [parseaddr(a)[1].lower() for a in message.get_all("To", []) + message.get_all("Cc", [])]
    insurer = Insurer.objects.filter(complaint_email__in=recipients).first()
    if insurer is None:
        raise Skip(f"{message_id}: no insurer's complaint address among {recipients}")
    name, sender = parseaddr(str(message["From"] or ""))
    if not sender:
        raise Skip(f"{message_id}: no sender")
    return message_id, insurer, name, sender.lower()


def take_in(raw: bytes) -> tuple[str, str]:
    """One message: ("created" | "appended" | "skipped", reference or reason)."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    try:
        message_id, insurer, name, sender = _route(message)
    except Skip as skipped:
        return "skipped", str(skipped)
    text, subject = _body(message), str(message["Subject"] or "")
    uploads, refused = _uploads(message)
    if refused:
        text += "\n\n[" + ", ".join(refused) + ": not kept (type not accepted)]"
    mail = Mail(
        message_id=message_id,
        insurer=insurer,
        sender_name=name,
        sender_address=sender,
        subject=subject,
        text=text,
        received_at=_received_at(message),
        references=REFERENCE.findall(subject),
        uploads=uploads,
    )
    try:
        taken = intake_take_mail(actor=MAILBOX, mail=mail)
    except IntegrityError:
        return "skipped", f"{message_id} taken in by another worker"
    except DomainError as refused_message:
        return "skipped", f"{message_id}: {refused_message}"
    if taken is None:
        return "skipped", f"{message_id} already taken in"
    complaint, outcome = taken
    return outcome, str(complaint.reference)


def ingest_maildir(path: Path) -> Outcome:
    """Take in every new message of a Maildir; each processed message moves to cur/ and is marked seen."""
    box = mailbox.Maildir(str(path), create=False)
    outcome = Outcome()
    for key in list(box.iterkeys()):
        message = box.get_message(key)
        if "S" in message.get_flags():
            continue
        kind, detail = take_in(bytes(message))
        getattr(outcome, {"created": "created", "appended": "appended"}.get(kind, "skipped")).append(detail)
        message.set_subdir("cur")
        message.add_flag("S")
        box[key] = message
    return outcome


def ingest_imap(
    host: str,
    user: str,
    password: str,
    *,
    port: int = IMAPS_PORT,
    folder: str = "INBOX",
    ssl_context: ssl.SSLContext | None = None,
) -> Outcome:
    """The same over IMAP, always over TLS: unseen messages are taken in, then marked seen on the server.

    A message is marked seen only after it was taken in (or skipped with its reason), so a crash
    part-way leaves the rest unseen for the next run; one taken in twice is still kept once
    (its Message-ID is remembered).
    """
    outcome = Outcome()
    with imaplib.IMAP4_SSL(host, port, ssl_context=ssl_context or ssl.create_default_context()) as client:
        client.login(user, password)
        client.select(folder)
        _, numbers = client.uid("SEARCH", "UNSEEN")
        for number in numbers[0].split():
            _, data = client.uid("FETCH", number, "(BODY.PEEK[])")
            raw = data[0][1] if data and isinstance(data[0], tuple) else b""
            kind, detail = take_in(raw)
            getattr(outcome, {"created": "created", "appended": "appended"}.get(kind, "skipped")).append(detail)
            client.uid("STORE", number, "+FLAGS", "(\\Seen)")
    return outcome


@dataclass(frozen=True)
class ImapMailbox:
    """The complaint mailbox on an IMAP server (always over TLS), from XIAOBAO_IMAP_*."""

    host: str
    user: str
    password: str
    port: int = IMAPS_PORT
    ca_file: str | None = None

    def arguments(self) -> dict[str, Any]:
        return {
            "host": self.host,
            "user": self.user,
            "password": self.password,
            "port": self.port,
            "ssl_context": ssl.create_default_context(cafile=self.ca_file),
        }


def imap_settings(environ: Mapping[str, str] | None = None) -> ImapMailbox | None:
    """The configured IMAP mailbox, or None when XIAOBAO_IMAP_HOST is not set."""
    env = os.environ if environ is None else environ
    if not env.get("XIAOBAO_IMAP_HOST"):
        return None
    missing = [name for name in ("XIAOBAO_IMAP_USER", "XIAOBAO_IMAP_PASSWORD") if not env.get(name)]
    if missing:
        raise ImproperlyConfigured(f"{', '.join(missing)} not set: needed to read the IMAP mailbox.")
    return ImapMailbox(
        host=env["XIAOBAO_IMAP_HOST"],
        user=env["XIAOBAO_IMAP_USER"],
        password=env["XIAOBAO_IMAP_PASSWORD"],
        port=int(env.get("XIAOBAO_IMAP_PORT") or IMAPS_PORT),
        ca_file=env.get("XIAOBAO_IMAP_CA_FILE") or None,
    )
