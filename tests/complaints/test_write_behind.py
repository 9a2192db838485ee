"""Write-behind intake (issue #20, ADR 0023): the request keeps a receipt and answers; the worker registers it,
exactly once, through the same actions — across crashes between the halves, retries and other callers."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.support.clock import SettableClock
from tests.support.desk import Desk
from xiaobao.audit.models import AuditEvent
from xiaobao.complaints import actions
from xiaobao.complaints.actions import _registration
from xiaobao.complaints.domain.receipts import MAX_ATTEMPTS, ReceiptState
from xiaobao.complaints.management.commands.run_intake import IntakeWorker
from xiaobao.complaints.models import Complaint, Deadline, Receipt
from xiaobao.identity.actions import staff_key_issue
from xiaobao.identity.models import Consumer, Staff
from xiaobao.kernel.actors import Actor
from xiaobao.notifications.actions import notification_deliver
from xiaobao.notifications.models import Notification, RecordedSms

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _deferred(settings: Any) -> None:
    """Write-behind as deployed: the request does not register (the suite's default registers at once)."""
    settings.XIAOBAO_INTAKE_IMMEDIATE = False
    settings.XIAOBAO_INTAKE_LEASE_SECONDS = 60


def login(actor: Actor) -> Client:
    client = Client()
    client.force_login(Staff.objects.get(pk=actor.staff_id).user)
    return client


def body(desk: Desk, **overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "handling_branch_id": desk.world.ours.city.pk,
        "channel": "hotline",
        "product_line": "medical",
        "reason": "claims",
        "description": "住院医疗费用理赔被拒。",
        "complainant": {"name": "赵敏", "phone": "13800138005", "resident_id": None},
    }
    values.update(overrides)
    return values


def post(client: Client, payload: dict[str, object], key: str | None = None) -> Any:
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post("/api/v1/complaints", payload, content_type="application/json", **headers)


def worker() -> IntakeWorker:
    return IntakeWorker(worker_id="test-intake", batch=5, interval=0)


def written() -> tuple[int, int, int, int]:
    return Receipt.objects.count(), Complaint.objects.count(), AuditEvent.objects.count(), Notification.objects.count()


class Killed(BaseException):
    """Stands for kill -9 in the middle of a registration: nothing after it runs, its transaction rolls back."""


def test_the_request_keeps_one_receipt_and_answers_202_before_anything_is_registered(desk: Desk) -> None:
    # given a supervisor of the insurer, and nothing written yet
    api = login(desk.supervisor)
    before = written()

    # when they post a complaint
    answer = post(api, body(desk), key="k-1")

    # then it is acknowledged with a receipt, and only the receipt exists: no case, no audit event, no notice
    assert answer.status_code == 202, answer.json()
    receipt = answer.json()
    assert re.fullmatch(r"LN-2026-W\d{6}", receipt["reference"])
    assert receipt["state"] == "received"
    assert receipt["complaint_reference"] is None
    assert receipt["location"] == f"/api/v1/receipts/{receipt['reference']}"
    assert written() == (before[0] + 1, *before[1:])
    shown = api.get(receipt["location"]).json()
    assert (shown["state"], shown["status"]) == ("received", "已收到，正在登记。")


def test_the_worker_registers_the_receipt_once_and_the_receipt_then_names_the_case(desk: Desk) -> None:
    # given a receipt
    api = login(desk.supervisor)
    reference = post(api, body(desk)).json()["reference"]

    # when the intake worker runs, twice over
    assert worker().drain() == 1
    assert worker().drain() == 0

    # then there is one case, registered through the actions (audit event naming the receipt), and the receipt
    # names it
    complaint = Complaint.objects.get()
    registered = AuditEvent.objects.get(event_type="complaint.registered")
    assert registered.new_values["receipt"] == reference
    shown = api.get(f"/api/v1/receipts/{reference}").json()
    assert shown["state"] == "registered"
    assert (shown["complaint_id"], shown["complaint_reference"]) == (complaint.pk, complaint.reference)
    assert Receipt.objects.get().state == ReceiptState.DONE


def test_a_crash_between_the_halves_resumes_and_registers_once(
    desk: Desk, clock: SettableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given an acknowledged complaint, and a worker killed in the middle of registering it (the notice stage)
    api = login(desk.supervisor)
    reference = post(api, body(desk), key="crash-1").json()["reference"]
    before = written()

    def killed(**_: object) -> None:
        raise Killed

    monkeypatch.setattr(_registration, "tell_complainant", killed)
    with pytest.raises(Killed):
        worker().run_once()
    monkeypatch.undo()

    # then nothing of the registration survived; the receipt is still owed, claimed by the dead worker
    assert written() == before
    assert Receipt.objects.get().state == ReceiptState.CLAIMED
    assert api.get(f"/api/v1/receipts/{reference}").json()["state"] == "received"
    assert worker().drain() == 0  # no other worker takes a claimed receipt while its lease runs

    # when the lease runs out and the sweep hands it back, and a worker runs again
    clock.advance(seconds=61)
    assert actions.receipts_sweep() == actions.ReceiptSweep(requeued=1, failed=0)
    assert worker().drain() == 1

    # then it is registered once, with one notice
    complaint = Complaint.objects.get()
    assert Notification.objects.filter(consumer_id=complaint.complainant_id).count() == 1
    assert AuditEvent.objects.filter(event_type="complaint.registered").count() == 1
    receipt = Receipt.objects.get()
    assert (receipt.state, receipt.attempts, receipt.complaint_id) == (ReceiptState.DONE, 2, complaint.pk)


def test_a_receipt_registered_by_a_late_worker_is_not_registered_again(desk: Desk, clock: SettableClock) -> None:
    # given a receipt claimed by a worker thought dead, handed back by the sweep and registered by another
    api = login(desk.supervisor)
    post(api, body(desk))
    slow = actions.receipts_claim(worker_id="slow", limit=5)
    clock.advance(seconds=61)
    actions.receipts_sweep()
    assert worker().drain() == 1

    # when the slow worker gets to it after all
    actions.receipt_register(receipt_id=slow[0])

    # then nothing more is registered
    assert Complaint.objects.count() == 1
    assert AuditEvent.objects.filter(event_type="complaint.registered").count() == 1


def test_a_receipt_that_keeps_killing_its_workers_is_failed_not_handed_on_for_ever(
    desk: Desk, clock: SettableClock
) -> None:
    api = login(desk.supervisor)
    post(api, body(desk))
    for _ in range(MAX_ATTEMPTS):
        assert actions.receipts_claim(worker_id="doomed", limit=1)
        clock.advance(seconds=61)
        actions.receipts_sweep()
    receipt = Receipt.objects.get()
    assert receipt.state == ReceiptState.FAILED
    assert login(desk.supervisor).get(f"/api/v1/receipts/{receipt.reference}").json()["state"] == "received"
    # and the acknowledged complaint left unregistered is in the audit log (review finding: it was not)
    failed = AuditEvent.objects.get(event_type="complaint.receipt_failed")
    assert (failed.subject_type, failed.subject_id) == ("complaints.receipt", str(receipt.pk))
    assert failed.new_values["receipt"] == receipt.reference
    assert failed.new_values["attempts"] == MAX_ATTEMPTS


def test_a_failing_registration_keeps_only_the_kind_of_failure_and_is_audited_when_given_up(desk: Desk) -> None:
    """The receipt's columns are not encrypted: an exception's message (which could quote the complaint) is not
    kept, only its class; the receipt given up after ``MAX_ATTEMPTS`` is an audit event."""
    api = login(desk.supervisor)
    post(api, body(desk, description="张三的手机13800138000被拒赔。"))
    receipt = Receipt.objects.get()
    for _ in range(MAX_ATTEMPTS):
        assert actions.receipts_claim(worker_id="w", limit=1)
        actions.receipt_failed_attempt(receipt_id=receipt.pk, error="ValueError")
    receipt.refresh_from_db()
    assert receipt.state == ReceiptState.FAILED
    assert receipt.error == {"failure": "ValueError"}
    event = AuditEvent.objects.get(event_type="complaint.receipt_failed")
    assert event.new_values["failure"] == "ValueError"
    assert "13800138000" not in str(event.new_values)


def test_the_same_idempotency_key_gives_the_same_receipt_and_one_case(desk: Desk) -> None:
    # given a complaint posted with a key
    api = login(desk.supervisor)
    first = post(api, body(desk), key="same-key").json()

    # when the client retries it, before and after the worker has registered it
    again = post(api, body(desk), key="same-key")
    worker().drain()
    after = post(api, body(desk), key="same-key")
    worker().drain()

    # then every answer is the same receipt, and there is one case
    assert again.status_code == after.status_code == 202
    assert again.json()["reference"] == after.json()["reference"] == first["reference"]
    assert after.json()["state"] == "registered"
    assert (Receipt.objects.count(), Complaint.objects.count()) == (1, 1)


def test_the_same_key_with_a_different_complaint_is_refused_and_nothing_is_kept(desk: Desk) -> None:
    api = login(desk.supervisor)
    post(api, body(desk), key="reused")
    before = written()
    refused = post(api, body(desk, description="另一件事。"), key="reused")
    assert refused.status_code == 422
    assert refused.json()["code"] == "idempotency_key_reused"
    assert written() == before


def test_keys_are_each_callers_own(desk: Desk) -> None:
    post(login(desk.supervisor), body(desk), key="shared")
    other = post(login(desk.handler), body(desk), key="shared")
    assert other.status_code == 202
    assert Receipt.objects.count() == 2


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"unknown_field": 1}, 422, "invalid_input"),
        ({"received_at": "2026-03-09T10:00:00+08:00"}, 422, "received_in_the_future"),
        ({"description": "   "}, 422, "description_missing"),
        ({"channel": "pigeon"}, 422, "invalid_input"),
    ],
)
def test_bad_input_is_refused_in_the_request_and_nothing_is_kept(
    desk: Desk, change: dict[str, object], status: int, code: str
) -> None:
    api = login(desk.supervisor)
    before = written()
    answer = post(api, body(desk, **change), key="bad")
    assert (answer.status_code, answer.json()["code"]) == (status, code)
    assert written() == before


def test_staff_without_the_right_to_register_are_refused_and_nothing_is_kept(desk: Desk) -> None:
    before = written()
    answer = post(login(desk.senior_manager), body(desk))
    assert answer.status_code == 403
    assert written() == before


def test_what_only_the_registration_can_check_refuses_the_receipt_with_the_reason(desk: Desk) -> None:
    # given a complaint naming another insurer's branch (the request does not read the database to check it)
    api = login(desk.supervisor)
    reference = post(api, body(desk, handling_branch_id=desk.world.theirs.city.pk)).json()["reference"]

    # when the worker registers it
    worker().drain()

    # then no case is made, and the caller reads why
    shown = api.get(f"/api/v1/receipts/{reference}", HTTP_ACCEPT_LANGUAGE="en").json()
    assert shown["state"] == "refused"
    assert shown["error"]["code"] == "not_found"
    assert Complaint.objects.count() == 0
    assert Receipt.objects.get().state == ReceiptState.REFUSED
    # and the refusal of an acknowledged complaint is in the audit log, by the caller (review finding: it was not)
    refused = AuditEvent.objects.get(event_type="complaint.receipt_refused")
    assert refused.new_values == {
        "receipt": reference,
        "code": "not_found",
        "received_at": Receipt.objects.get().received_at.isoformat(),
    }
    assert refused.actor_id == desk.supervisor.audit_id


@pytest.mark.parametrize("who", ["anonymous", "consumer", "other insurer", "same insurer, other staff"])
def test_only_the_caller_that_posted_it_reads_a_receipt(desk: Desk, who: str) -> None:
    # given a receipt of the supervisor's
    reference = post(login(desk.supervisor), body(desk)).json()["reference"]
    worker().drain()
    client = Client()
    if who == "consumer":  # the complainant themself: the receipt is the caller's, not the complainant's
        account = get_user_model().objects.create_user(username="complainant", password="x" * 12)
        Consumer.objects.filter(pk=desk.complainant.pk).update(user=account)
        client.force_login(account)
    elif who == "other insurer":
        _, theirs = desk.world.theirs.staff()
        client = login(theirs)
    elif who == "same insurer, other staff":
        client = login(desk.other_handler)

    # when someone else asks after it
    answer = client.get(f"/api/v1/receipts/{reference}")

    # then it is not found (or they are not signed in), and nothing of it is shown
    assert answer.status_code == (401 if who == "anonymous" else 404)
    assert "complaint_reference" not in answer.json()


def test_a_malformed_or_unknown_reference_is_not_found(desk: Desk) -> None:
    api = login(desk.supervisor)
    reference = post(api, body(desk)).json()["reference"]
    for asked in ("LN-2026-W", "LN-2025-" + reference.split("-")[2], "LN-2026-W999999", "x" * 40):
        assert api.get(f"/api/v1/receipts/{asked}").status_code == 404


def test_the_clock_starts_at_the_receipt_not_at_the_registration(desk: Desk, clock: SettableClock) -> None:
    # given a complaint received on Monday 2 March 2026 (the caller gave no earlier time)
    api = login(desk.supervisor)
    post(api, body(desk))

    # when the worker registers it only three days later
    clock.advance(days=3)
    worker().drain()

    # then its clock runs from the day of receipt: 15 days from 2 March (CMP-T1)
    deadline = Deadline.objects.get()
    assert deadline.start == date(2026, 3, 2)
    assert deadline.due == date(2026, 3, 17)
    assert Complaint.objects.get().received_at == Receipt.objects.get().received_at


def test_the_notice_is_rendered_by_the_worker_and_sent_once(desk: Desk, clock: SettableClock) -> None:
    # given a complaint acknowledged: the request rendered and queued no notice
    api = login(desk.supervisor)
    post(api, body(desk), key="notice")
    assert Notification.objects.count() == 0

    # when the worker registers it, the client retries, the sweep runs and the worker runs again
    worker().drain()
    post(api, body(desk), key="notice")
    clock.advance(seconds=120)
    actions.receipts_sweep()
    worker().drain()

    # then the complainant has one notice, and delivering it twice sends it once
    notice = Notification.objects.get(purpose="complaint_received")
    assert Complaint.objects.get().reference in notice.body
    assert notification_deliver(str(notice.pk)) == "sent"
    assert notification_deliver(str(notice.pk)) == "skipped"
    assert RecordedSms.objects.filter(idempotency_key=str(notice.pk)).count() == 1


def test_the_request_is_one_insert_after_the_token(desk: Desk) -> None:
    # given a staff token used once already (its last use noted)
    staff = Staff.objects.get(pk=desk.supervisor.staff_id)
    _, token = staff_key_issue(actor=desk.supervisor, label="intake")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    post(client, body(desk), key="warm")

    # when a complaint is posted
    with CaptureQueriesContext(connection) as captured:
        answer = post(client, body(desk), key="one-row")

    # then the request read the token and wrote the receipt, and nothing else (the savepoint is the test's
    # transaction: the request alone runs in autocommit)
    statements = [q["sql"] for q in captured if "SAVEPOINT" not in q["sql"]]
    assert answer.status_code == 202
    assert len(statements) == 2, statements
    assert statements[1].startswith('INSERT INTO "complaints_receipt"')
    assert staff.pk == desk.supervisor.staff_id


def test_the_sweep_is_a_periodic_task(settings: Any) -> None:
    assert settings.XIAOBAO_PERIODIC_TASKS["complaints.sweep_receipts"]["task"] == (
        "xiaobao.complaints.tasks.sweep_receipts"
    )


# ---- a real intake worker, killed with -9 in the middle of a registration (PostgreSQL) ----

KILLED_MID_REGISTRATION = """
import os, signal, django
django.setup()
from xiaobao.complaints.actions import _registration
from xiaobao.complaints.management.commands.run_intake import IntakeWorker

def die(**_):  # the case, its deadline and audit event are written; the process dies before the notice and commit
    os.kill(os.getpid(), signal.SIGKILL)

_registration.tell_complainant = die
IntakeWorker(worker_id="doomed", batch=5, interval=0).run_once()
"""


@pytest.mark.postgres_only
def test_an_intake_worker_killed_mid_registration_leaves_the_receipt_to_be_registered_once(
    transactional_db: None, seeded_calendar: None, desk: Desk
) -> None:
    import os
    import subprocess
    import sys
    from datetime import timedelta

    from django.utils import timezone

    from tests.support.processes import PROJECT, database_url

    # given an acknowledged complaint
    reference = post(login(desk.supervisor), body(desk), key="kill-9").json()["reference"]
    before = written()

    # when a real intake worker process is killed with -9 in the middle of registering it
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_MID_REGISTRATION],
        check=False,
        cwd=PROJECT,
        env={**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "xiaobao.config.settings"},
        capture_output=True,
        timeout=120,
    )
    assert killed.returncode == -9, killed.stderr.decode()[-2000:]

    # then nothing of the half-done registration was kept, and the receipt is still owed
    assert written() == before
    assert Receipt.objects.get().state == ReceiptState.CLAIMED

    # and when the lease runs out and a worker runs again, it is registered once, with one notice
    assert actions.receipts_sweep(now=timezone.now() + timedelta(seconds=61)).requeued == 1
    assert worker().drain() == 1
    complaint = Complaint.objects.get()
    assert Notification.objects.filter(purpose="complaint_received", about_id=str(complaint.pk)).count() == 1
    assert login(desk.supervisor).get(f"/api/v1/receipts/{reference}").json()["complaint_id"] == complaint.pk


def test_healthz_shows_what_is_owed_and_since_when(desk: Desk, clock: SettableClock) -> None:
    assert "intake" not in Client().get("/healthz").json()
    post(login(desk.supervisor), body(desk))
    clock.advance(seconds=30)
    assert Client().get("/healthz").json()["intake"] == {
        "waiting": 1,
        "claimed": 0,
        "failed": 0,
        "oldest_seconds": 30.0,
    }
    worker().drain()
    assert "intake" not in Client().get("/healthz").json()


def test_a_worker_that_stops_hands_back_what_it_claimed_and_did_not_register(desk: Desk) -> None:
    # given three receipts, and a worker told to stop after its first registration
    api = login(desk.supervisor)
    for n in range(3):
        post(api, body(desk, description=f"第 {n} 件。"))
    stopping = worker()
    original = actions.receipt_register

    def register_then_stop(**kwargs: Any) -> object:
        stopping.stopping.set()
        return original(**kwargs)

    # when it runs (its batch of three claimed) and stops
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(actions, "receipt_register", register_then_stop)
        stopping.run()

    # then one is registered and the two others wait for any worker, without waiting for the lease
    assert Complaint.objects.count() == 1
    assert sorted(Receipt.objects.values_list("state", flat=True)) == ["done", "pending", "pending"]
    assert worker().drain() == 2


def test_a_retry_moments_later_is_the_same_request_not_a_reused_key(desk: Desk, clock: SettableClock) -> None:
    """Before: the request's hash took in the time of receipt it filled in, so a retry a second later (no time
    given) was refused as a reused key."""
    api = login(desk.supervisor)
    first = post(api, body(desk), key="retry-later").json()
    clock.advance(seconds=3)
    again = post(api, body(desk), key="retry-later")
    assert again.status_code == 202, again.json()
    assert again.json()["reference"] == first["reference"]
    assert datetime.fromisoformat(again.json()["received_at"]) == datetime.fromisoformat(first["received_at"])
    assert Receipt.objects.count() == 1


def test_the_answer_carries_the_due_date_computed_as_the_registration_will(desk: Desk, clock: SettableClock) -> None:
    # given a complaint received on Friday 20 March 2026: 15 days later is Sunday 4 April, in the Qingming
    # holidays (4–6 April 2026), so it rolls to Tuesday 7 April (CMP-T7)
    clock.set("2026-03-20T10:00:00+08:00")
    api = login(desk.supervisor)
    answer = post(api, body(desk), key="due")
    reference = answer.json()["reference"]
    receipt = api.get(f"/api/v1/receipts/{reference}").json()

    # when the worker registers it, an hour later
    clock.advance(hours=1)
    worker().drain()
    registered = login(desk.supervisor).get(f"/api/v1/receipts/{reference}").json()

    # then the acknowledgement, the receipt and the case give the same day and rule
    assert (answer.json()["due"], answer.json()["rule_id"]) == ("2026-04-07", "CMP-T1")
    assert (receipt["due"], receipt["rule_id"], receipt["state"]) == ("2026-04-07", "CMP-T1", "received")
    assert Deadline.objects.get().due == date(2026, 4, 7)
    assert (registered["due"], registered["rule_id"]) == ("2026-04-07", "CMP-T1")


def test_the_due_date_runs_from_an_earlier_time_of_receipt_the_caller_gives(desk: Desk) -> None:
    api = login(desk.supervisor)
    answer = post(api, body(desk, received_at="2026-02-27T16:00:00+08:00"), key="earlier").json()
    worker().drain()
    assert answer["due"] == Deadline.objects.get().due.isoformat() == "2026-03-16"  # 14 March is a Saturday


def test_a_refused_receipt_has_no_due_date(desk: Desk) -> None:
    api = login(desk.supervisor)
    reference = post(api, body(desk, handling_branch_id=desk.world.theirs.city.pk)).json()["reference"]
    worker().drain()
    shown = api.get(f"/api/v1/receipts/{reference}").json()
    assert (shown["state"], shown["due"], shown["rule_id"]) == ("refused", None, None)
