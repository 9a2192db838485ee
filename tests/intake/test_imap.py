"""Email intake over IMAP against a real server (Dovecot, TLS): new mail becomes cases, replies thread,
messages are marked seen on the server and taken in once; a refused login is a clear error."""

from __future__ import annotations

from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tests.intake.conftest import message
from tests.portal.conftest import PDF
from tests.support.imap import ImapServer
from xiaobao.complaints.models import Attachment, Complaint

pytestmark = pytest.mark.django_db


def ingest(server: ImapServer, monkeypatch: Any, **overrides: str) -> str:
    for name, value in {**server.environment(), **overrides}.items():
        monkeypatch.setenv(name, value)
    out = StringIO()
    call_command("ingest_mail", imap=True, stdout=out)
    return out.getvalue()


def test_mail_in_the_mailbox_becomes_cases_and_is_marked_seen(
    imap_server: ImapServer,
    insurer_email: str,
    monkeypatch: Any,
) -> None:
    imap_server.deliver(
        message(insurer_email, "投诉：理赔被拒", "住院费用理赔被拒。", attachments=(("发票.pdf", PDF),)).as_bytes()
    )
    imap_server.deliver(message("someone@else.example", "广告", "x").as_bytes())

    assert ingest(imap_server, monkeypatch).startswith("created 1, appended 0, skipped 1")

    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.received_on) == ("email", date(2026, 2, 27))
    assert [a.content_type for a in Attachment.objects.filter(complaint=complaint)] == ["application/pdf"]
    assert imap_server.unseen() == 0
    assert ingest(imap_server, monkeypatch).startswith("created 0, appended 0, skipped 0")

    imap_server.deliver(message(insurer_email, f"Re: {complaint.reference}", "补充：合同第 5 条。").as_bytes())
    assert ingest(imap_server, monkeypatch).startswith("created 0, appended 1")
    assert Complaint.objects.count() == 1


def test_a_message_seen_again_is_kept_once(
    imap_server: ImapServer,
    insurer_email: str,
    monkeypatch: Any,
) -> None:
    """Marked unseen again on the server (a crash before the flag was stored): still one case."""
    mail = message(insurer_email, "投诉", "退保金额不对。").as_bytes()
    imap_server.deliver(mail)
    ingest(imap_server, monkeypatch)
    with imap_server.connect() as client:
        client.store("1", "-FLAGS", "(\\Seen)")
    assert "skipped 1" in ingest(imap_server, monkeypatch)
    assert Complaint.objects.count() == 1


def test_a_refused_login_or_an_untrusted_server_is_a_clear_error(
    imap_server: ImapServer,
    insurer_email: str,
    monkeypatch: Any,
) -> None:
    imap_server.deliver(message(insurer_email, "投诉", "退保金额不对。").as_bytes())
    with pytest.raises(CommandError, match="refused tousu"):
        ingest(imap_server, monkeypatch, XIAOBAO_IMAP_PASSWORD="wrong")
    with pytest.raises(CommandError, match="over TLS"):
        ingest(imap_server, monkeypatch, XIAOBAO_IMAP_CA_FILE="")  # its certificate is not in the system's trust
    assert not Complaint.objects.exists()
    assert imap_server.unseen() == 1
