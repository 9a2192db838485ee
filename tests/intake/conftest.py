"""Real RFC 5322 messages for the mail intake tests, to the insurer's published complaint address."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest

from tests.conftest import World
from tests.support.clock import SHANGHAI, SettableClock


def message(
    to: str,
    subject: str,
    body: str,
    *,
    sender: str = "李明 <liming@example.com>",
    sent: str = "2026-02-27 20:15",
    attachments: tuple[tuple[str, bytes], ...] = (),
) -> EmailMessage:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = sender, to, subject
    mail["Message-ID"] = make_msgid(domain="example.com")
    mail["Date"] = format_datetime(datetime.fromisoformat(sent).replace(tzinfo=SHANGHAI))
    mail.set_content(body)
    for name, content in attachments:
        mail.add_attachment(content, maintype="application", subtype="octet-stream", filename=name)
    return mail


@pytest.fixture
def insurer_email(world: World, clock: SettableClock) -> str:
    world.ours.insurer.complaint_email = "tousu@ours.example"
    world.ours.insurer.save()
    return "tousu@ours.example"
