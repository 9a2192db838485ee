"""Email intake from a Maildir: real RFC 5322 messages become cases; replies thread; nothing is taken twice."""

from __future__ import annotations

import mailbox
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.conftest import World
from tests.intake.conftest import message
from tests.portal.conftest import EXECUTABLE, PDF
from xiaobao.audit.models import AuditEvent
from xiaobao.complaints.models import Attachment, Complaint

pytestmark = pytest.mark.django_db


@pytest.fixture
def maildir(tmp_path: Path) -> mailbox.Maildir:
    return mailbox.Maildir(str(tmp_path / "complaints"), create=True)


def ingest(maildir: mailbox.Maildir) -> None:
    call_command("ingest_mail", maildir=Path(maildir._path), stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_an_email_becomes_a_case_counted_from_the_day_it_was_sent(maildir: mailbox.Maildir, insurer_email: str) -> None:
    maildir.add(
        message(
            insurer_email,
            "投诉：理赔被拒",
            "住院费用理赔被拒，请复查。",
            attachments=(("发票.pdf", PDF), ("查看.pdf", EXECUTABLE)),
        )
    )

    ingest(maildir)

    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.received_on) == ("email", date(2026, 2, 27))  # read on Monday, sent Friday
    assert "住院费用理赔被拒" in complaint.description
    assert "查看.pdf" in complaint.description  # the refused file is named, not silently lost
    assert [a.content_type for a in Attachment.objects.filter(complaint=complaint)] == ["application/pdf"]
    assert complaint.complainant.email == "liming@example.com"
    registered = AuditEvent.objects.get(subject_id=str(complaint.pk), event_type="complaint.registered")
    assert registered.actor_id == "system:channel:email"  # the mailbox took it in, not an unnamed system


def test_the_same_message_is_taken_in_once(maildir: mailbox.Maildir, insurer_email: str) -> None:
    mail = message(insurer_email, "投诉", "退保金额不对。")
    maildir.add(mail)
    ingest(maildir)
    maildir.add(mail)  # delivered twice by the mail server
    ingest(maildir)
    assert Complaint.objects.count() == 1


def test_a_reply_naming_the_reference_goes_to_that_case(maildir: mailbox.Maildir, insurer_email: str) -> None:
    maildir.add(message(insurer_email, "投诉", "退保金额不对。"))
    ingest(maildir)
    complaint = Complaint.objects.get()

    maildir.add(
        message(
            insurer_email,
            f"Re: 您的投诉 {complaint.reference}",
            "补充：合同第 5 条写的是全额退还。",
            attachments=(("合同.pdf", PDF),),
        )
    )
    ingest(maildir)

    assert Complaint.objects.count() == 1
    assert AuditEvent.objects.filter(subject_id=str(complaint.pk), event_type="complaint.message_received").count() == 1
    assert Attachment.objects.filter(complaint=complaint).count() == 1


def test_a_reference_of_someone_elses_case_does_not_thread(maildir: mailbox.Maildir, insurer_email: str) -> None:
    maildir.add(message(insurer_email, "投诉", "退保金额不对。"))
    ingest(maildir)
    first = Complaint.objects.get()
    maildir.add(
        message(insurer_email, f"关于 {first.reference}", "我也有同样问题。", sender="王五 <wangwu@example.com>")
    )
    ingest(maildir)
    assert Complaint.objects.count() == 2


def test_mail_to_an_unknown_address_is_skipped(maildir: mailbox.Maildir, insurer_email: str) -> None:
    maildir.add(message("someone@else.example", "投诉", "x"))
    ingest(maildir)
    assert not Complaint.objects.exists()


def test_an_address_typed_on_someone_elses_record_does_not_capture_their_mail(
    maildir: mailbox.Maildir, insurer_email: str, world: World
) -> None:
    """Before: a portal record that typed victim@ as its email received the victim's emailed complaints —
    with their access code sent to the typist's phone. A typed address proves nothing."""
    typist = world.ours.consumer(name="李四", phone="13900139002", email="liming@example.com")

    maildir.add(message(insurer_email, "投诉：理赔被拒", "住院费用理赔被拒。"))
    ingest(maildir)

    complaint = Complaint.objects.get()
    assert complaint.complainant_id != typist.pk
    assert complaint.complainant.phone is None


def test_a_message_id_of_any_length_is_taken_in(maildir: mailbox.Maildir, insurer_email: str) -> None:
    """Before: the Message-ID went into a 128-character idempotency key; a longer one was skipped and lost."""
    mail = message(insurer_email, "投诉", "退保金额不对。")
    del mail["Message-ID"]
    mail["Message-ID"] = f"<{'x' * 200}@mail.example.com>"
    maildir.add(mail)

    ingest(maildir)

    assert Complaint.objects.count() == 1
