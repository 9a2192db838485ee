"""Complaint mail is taken in by the worker on its own, on a schedule (CHN-1), and /healthz says when the
mailbox was last read and what waits in it. Before: mail waited until someone typed `ingest_mail`."""

from __future__ import annotations

import mailbox
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client

from tests.intake.conftest import message
from tests.support.processes import running_worker, until
from xiaobao.complaints.models import Complaint
from xiaobao.intake.tasks import take_in_mail
from xiaobao.ops.periodic import enqueue_due_periodic_tasks

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture
def configured_maildir(tmp_path: Path, settings: object) -> mailbox.Maildir:
    settings.XIAOBAO_MAILDIR = str(tmp_path / "mail")  # type: ignore[attr-defined]
    return mailbox.Maildir(str(tmp_path / "mail"), create=True)


@pytest.mark.django_db
def test_the_scheduled_task_takes_the_mail_in_and_healthz_says_so(
    configured_maildir: mailbox.Maildir, insurer_email: str
) -> None:
    configured_maildir.add(message(insurer_email, "投诉：理赔被拒", "住院费用理赔被拒。"))

    taken = take_in_mail.call()

    assert taken == {"created": 1, "appended": 0, "skipped": 0}
    assert Complaint.objects.get().channel == "email"
    mail = Client().get("/healthz").json()["mail"]
    (poll,) = mail.values()
    assert poll["waiting"] == 0
    assert poll["last_poll_seconds_ago"] >= 0
    assert take_in_mail.call() == {"created": 0, "appended": 0, "skipped": 0}  # each message once


@pytest.mark.django_db
def test_the_worker_schedules_the_mailbox_reading() -> None:
    assert "intake.take_in_mail" in enqueue_due_periodic_tasks()


@pytest.fixture
def worker_reading_mail(transactional_db: None, seeded_calendar: None, tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "mail"
    with running_worker(tmp_path / "worker.log", XIAOBAO_MAILDIR=str(folder), XIAOBAO_MAIL_POLL_SECONDS="1"):
        yield folder


@pytest.mark.postgres_only
def test_mail_arriving_while_xiaobao_runs_becomes_a_case_without_a_command(
    worker_reading_mail: Path, insurer_email: str
) -> None:
    mailbox.Maildir(str(worker_reading_mail), create=True).add(message(insurer_email, "投诉", "退保金额不对。"))

    # a worker starting on a loaded machine may take a while; it then reads the mailbox every second
    taken = until(Complaint.objects.exists, 120)
    log = (worker_reading_mail.parent / "worker.log").read_text(errors="replace")
    assert taken, f"the running worker did not take the mail in; its log:\n{log[-3000:]}"
    assert Complaint.objects.get().channel == "email"
