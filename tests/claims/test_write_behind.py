"""Write-behind intake of claims and claim documents (issue #20, ADR 0023 addendum): the request keeps one
receipt (for a document: the file stored first, the receipt naming it) and answers 202; the intake worker
registers the claim / attaches the document through the same actions, exactly once — across crashes between
the halves, retries and other callers — and the statutory clocks count from the receipt."""

from __future__ import annotations

import io
import os
import re
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.support.claims import HOSPITAL_ITEMS, PDF
from tests.support.claims import claim_request as body
from tests.support.claims import report as report_now
from tests.support.clock import SettableClock
from tests.support.desk import Desk
from xiaobao.audit.models import AuditEvent
from xiaobao.casework import receipts
from xiaobao.casework.intake import IntakeWorker
from xiaobao.claims import actions
from xiaobao.claims.actions import _documents, _receipts, _reporting
from xiaobao.claims.models import Claim, ClaimDeadline, ClaimDocument, ClaimReceipt, DocumentReceipt
from xiaobao.identity.actions import staff_key_issue
from xiaobao.kernel.actors import Actor, Role
from xiaobao.kernel.receipts import ReceiptState
from xiaobao.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _deferred(settings: Any, tmp_path: Path) -> None:
    """Write-behind as deployed (the suite's default registers at once), files in a folder of this test's own."""
    settings.XIAOBAO_INTAKE_IMMEDIATE = False
    settings.XIAOBAO_INTAKE_LEASE_SECONDS = 60
    settings.MEDIA_ROOT = tmp_path


def files_in(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def bearer(actor: Actor) -> dict[str, str]:
    _, token = staff_key_issue(actor=actor, label="claims app")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT_LANGUAGE": "en"}


def post_claim(auth: dict[str, str], payload: dict[str, object], key: str | None = None) -> Any:
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return Client().post("/api/v1/claims", payload, content_type="application/json", **auth, **headers)


def post_document(auth: dict[str, str], claim_id: int, item: str, content: bytes = PDF, key: str | None = None) -> Any:
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    upload = SimpleUploadedFile(f"{item}.pdf", content)
    return Client().post(f"/api/v1/claims/{claim_id}/documents", {"item_code": item, "file": upload}, **auth, **headers)


def worker() -> IntakeWorker:
    return IntakeWorker(worker_id="test-intake", batch=5, interval=0)


def written() -> tuple[int, int, int, int, int]:
    return (
        ClaimReceipt.objects.count(),
        Claim.objects.count(),
        ClaimDocument.objects.count(),
        AuditEvent.objects.count(),
        Notification.objects.count(),
    )


class Killed(BaseException):
    """Stands for kill -9 in the middle of a registration: nothing after it runs, its transaction rolls back."""


def killed(*_: object, **__: object) -> None:
    raise Killed


# ---- claims ----


def test_a_claim_is_acknowledged_with_one_receipt_and_nothing_else(desk: Desk) -> None:
    auth = bearer(desk.handler)
    before = written()

    answer = post_claim(auth, body(), key="k-1")

    assert answer.status_code == 202, answer.json()
    receipt = answer.json()
    assert re.fullmatch(r"CL-2026-W\d{6}", receipt["reference"])
    assert (receipt["kind"], receipt["state"], receipt["claim_id"]) == ("claim", "received", None)
    assert receipt["location"] == f"/api/v1/claim-receipts/{receipt['reference']}"
    assert written() == (before[0] + 1, *before[1:])
    shown = Client().get(receipt["location"], **auth).json()
    assert (shown["state"], shown["status"]) == ("received", "Received, being registered.")


def test_the_request_is_one_insert_after_the_token(desk: Desk) -> None:
    auth = bearer(desk.handler)
    post_claim(auth, body(), key="warm")  # the token's last use noted

    with CaptureQueriesContext(connection) as captured:
        answer = post_claim(auth, body(), key="one-row")

    statements = [q["sql"] for q in captured if "SAVEPOINT" not in q["sql"]]
    assert answer.status_code == 202
    assert len(statements) == 2, statements
    assert statements[1].startswith('INSERT INTO "claims_claimreceipt"')


def test_the_worker_registers_the_claim_once_through_the_actions(desk: Desk) -> None:
    auth = bearer(desk.handler)
    reference = post_claim(auth, body()).json()["reference"]

    assert worker().drain() == 1
    assert worker().drain() == 0

    claim = Claim.objects.get()
    reported = AuditEvent.objects.get(event_type="claim.reported")
    assert reported.new_values["receipt"] == reference
    assert Notification.objects.filter(purpose="claim_received").count() == 1
    assert set(ClaimDeadline.objects.filter(claim=claim).values_list("rule_id", flat=True)) >= {"CLM-T5"}
    shown = Client().get(f"/api/v1/claim-receipts/{reference}", **auth).json()
    assert (shown["state"], shown["claim_id"], shown["claim_reference"]) == ("registered", claim.pk, claim.reference)
    assert ClaimReceipt.objects.get().state == ReceiptState.DONE


def test_a_crash_between_the_halves_resumes_and_registers_once(
    desk: Desk, clock: SettableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    auth = bearer(desk.handler)
    reference = post_claim(auth, body(), key="crash").json()["reference"]
    before = written()

    # a worker killed in the middle of the registration (the claim, its clocks and audit event written: the notice)
    monkeypatch.setattr(_reporting, "_tell", killed)
    with pytest.raises(Killed):
        worker().run_once()
    monkeypatch.undo()

    assert written() == before
    assert ClaimReceipt.objects.get().state == ReceiptState.CLAIMED
    assert Client().get(f"/api/v1/claim-receipts/{reference}", **auth).json()["state"] == "received"
    assert worker().drain() == 0  # no other worker takes it while its lease runs

    clock.advance(seconds=61)
    swept = actions.claim_receipts_sweep()
    assert swept["claims"] == receipts.ReceiptSweep(requeued=1, failed=0)
    assert worker().drain() == 1

    claim = Claim.objects.get()
    assert AuditEvent.objects.filter(event_type="claim.reported").count() == 1
    assert Notification.objects.filter(purpose="claim_received").count() == 1
    receipt = ClaimReceipt.objects.get()
    assert (receipt.state, receipt.attempts, receipt.claim_id) == (ReceiptState.DONE, 2, claim.pk)


def test_a_receipt_registered_by_a_late_worker_is_not_registered_again(desk: Desk, clock: SettableClock) -> None:
    post_claim(bearer(desk.handler), body())
    slow = receipts.claim(ClaimReceipt, worker_id="slow", limit=5)
    clock.advance(seconds=61)
    actions.claim_receipts_sweep()
    assert worker().drain() == 1

    actions.claim_receipt_register(receipt_id=slow[0])

    assert Claim.objects.count() == 1
    assert AuditEvent.objects.filter(event_type="claim.reported").count() == 1


def test_the_same_idempotency_key_gives_the_same_receipt_and_one_claim(desk: Desk, clock: SettableClock) -> None:
    auth = bearer(desk.handler)
    first = post_claim(auth, body(), key="same").json()

    clock.advance(seconds=5)  # a retry a moment later is the same request
    again = post_claim(auth, body(), key="same")
    worker().drain()
    after = post_claim(auth, body(), key="same")
    worker().drain()

    assert again.status_code == after.status_code == 202
    assert again.json()["reference"] == after.json()["reference"] == first["reference"]
    assert after.json()["state"] == "registered"
    assert (ClaimReceipt.objects.count(), Claim.objects.count()) == (1, 1)

    before = written()
    reused = post_claim(auth, body(amount_claimed="1.00"), key="same")
    assert (reused.status_code, reused.json()["code"]) == (422, "idempotency_key_reused")
    assert written() == before


@pytest.mark.parametrize(
    "change",
    [
        {"amount_claimed": "-5"},
        {"incident_region": "Dalian"},
        {"surprise": "field"},
        {"incident_date": "2099-01-01"},
        {"description": "   "},
    ],
)
def test_bad_input_is_refused_in_the_request_and_nothing_is_kept(desk: Desk, change: dict[str, object]) -> None:
    auth = bearer(desk.handler)
    before = written()
    answer = post_claim(auth, body(**change), key="bad")
    assert answer.status_code == 422, answer.json()
    assert answer.json()["code"]
    assert written() == before


def test_staff_without_the_right_to_handle_claims_are_refused_and_nothing_is_kept(desk: Desk) -> None:
    _, auditor = desk.world.ours.staff(Role.AUDITOR)
    auth = bearer(auditor)
    before = written()
    assert post_claim(auth, body()).status_code == 403
    assert written() == before


def test_what_only_the_registration_can_check_refuses_the_receipt_with_the_reason(desk: Desk) -> None:
    auth = bearer(desk.handler)
    reference = post_claim(auth, body(product_line="pets", claim_type="vet")).json()["reference"]

    worker().drain()

    shown = Client().get(f"/api/v1/claim-receipts/{reference}", **auth).json()
    assert shown["state"] == "refused"
    assert shown["error"]["code"] == "invalid_input"
    assert shown["error"]["message"] == "There is no document checklist for this kind of claim."
    assert Claim.objects.count() == 0
    refused = AuditEvent.objects.get(event_type="claim.receipt_refused")
    assert refused.new_values["receipt"] == reference
    assert refused.actor_id == desk.handler.audit_id


@pytest.mark.parametrize("who", ["anonymous", "claimant", "other insurer", "same insurer, other staff"])
def test_only_the_caller_that_posted_it_reads_a_receipt(desk: Desk, who: str) -> None:
    reference = post_claim(bearer(desk.handler), body()).json()["reference"]
    worker().drain()
    client, auth = Client(), {}
    if who == "claimant":  # the claimant themself: the receipt is the caller's
        claimant = Claim.objects.get().claimant
        claimant.user = get_user_model().objects.create_user(username="sunli", password="x" * 12)
        claimant.save(update_fields=["user"])
        client.force_login(claimant.user)
    elif who == "other insurer":
        _, theirs = desk.world.theirs.staff(Role.HANDLER)
        auth = bearer(theirs)
    elif who == "same insurer, other staff":
        auth = bearer(desk.other_handler)

    answer = client.get(f"/api/v1/claim-receipts/{reference}", **auth)

    assert answer.status_code == (401 if who == "anonymous" else 404)
    assert "claim_id" not in answer.json()


def test_a_malformed_or_unknown_reference_is_not_found(desk: Desk) -> None:
    auth = bearer(desk.handler)
    reference = post_claim(auth, body()).json()["reference"]
    number = reference.split("-W")[1]
    for asked in ("CL-2026-W", f"CL-2025-W{number}", f"CL-2026-D{number}", f"LN-2026-W{number}", "x" * 40):
        assert Client().get(f"/api/v1/claim-receipts/{asked}", **auth).status_code == 404


def test_the_clock_starts_at_the_receipt_not_at_the_registration(desk: Desk, clock: SettableClock) -> None:
    # given a claim received on Monday 2 March 2026, registered only three days later
    post_claim(bearer(desk.handler), body())
    clock.advance(days=3)
    worker().drain()

    # then it was received on 2 March: the advance-payment clock (CLM-T5) counts from then
    claim = Claim.objects.get()
    assert claim.received_on == date(2026, 3, 2)
    assert claim.reported_at == ClaimReceipt.objects.get().received_at
    assert ClaimDeadline.objects.get(claim=claim, rule_id="CLM-T5").start == date(2026, 3, 2)


def test_a_receipt_that_keeps_failing_is_failed_and_audited(desk: Desk, clock: SettableClock) -> None:
    post_claim(bearer(desk.handler), body())
    kind = receipts.kind_of(ClaimReceipt)
    for _ in range(5):
        assert receipts.claim(ClaimReceipt, worker_id="doomed", limit=1)
        receipts.failed_attempt(kind, receipt_id=ClaimReceipt.objects.get().pk, error="ValueError")
    receipt = ClaimReceipt.objects.get()
    assert (receipt.state, receipt.error) == (ReceiptState.FAILED, {"failure": "ValueError"})
    assert AuditEvent.objects.get(event_type="claim.receipt_failed").new_values["receipt"] == receipt.reference


def test_the_sweep_is_a_periodic_task(settings: Any) -> None:
    assert settings.XIAOBAO_PERIODIC_TASKS["claims.sweep_receipts"]["task"] == "xiaobao.claims.tasks.sweep_receipts"


# ---- documents ----


def test_a_document_is_one_stored_file_and_one_insert(desk: Desk, tmp_path: Path) -> None:
    claim = report_now(desk)
    auth = bearer(desk.handler)
    post_document(auth, claim.pk, "id_card", key="warm")  # the token's last use noted
    documents = ClaimDocument.objects.count()

    with CaptureQueriesContext(connection) as captured:
        answer = post_document(auth, claim.pk, "invoice", key="one-row")

    assert answer.status_code == 202, answer.json()
    assert re.fullmatch(r"CL-2026-D\d{6}", answer.json()["reference"])
    statements = [q["sql"] for q in captured if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == 2, statements
    assert statements[1].startswith('INSERT INTO "claims_documentreceipt"')
    assert ClaimDocument.objects.count() == documents
    staged = DocumentReceipt.objects.get(idempotency_key="one-row").staged_file
    assert staged.startswith("claims/incoming/")
    assert PDF not in (tmp_path / staged).read_bytes()  # encrypted at rest, as every upload


def test_documents_are_attached_once_and_the_decision_clock_counts_from_their_receipt(
    desk: Desk, clock: SettableClock, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    # given a claim, its documents requested, and every document sent on 2 March
    claim = report_now(desk)
    actions.claim_request_documents(actor=desk.handler, claim_id=claim.pk)
    auth = bearer(desk.handler)
    references = [post_document(auth, claim.pk, item).json()["reference"] for item in HOSPITAL_ITEMS]
    assert not ClaimDocument.objects.filter(claim=claim).exists()

    # when the worker attaches them only two days later, and runs again
    clock.advance(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert worker().drain() == len(HOSPITAL_ITEMS)
    assert worker().drain() == 0

    # then each is attached once, the decision clock starts on the day they were received (CLM-T2/T6), the
    # one notice of completeness is queued, and the staged copies are gone
    claim.refresh_from_db()
    assert ClaimDocument.objects.filter(claim=claim).count() == len(HOSPITAL_ITEMS)
    assert claim.documents_complete_on == date(2026, 3, 2)
    decision = ClaimDeadline.objects.get(claim=claim, clock="decision")
    assert decision.start == date(2026, 3, 2)
    assert AuditEvent.objects.filter(event_type="claim.document_received").count() == len(HOSPITAL_ITEMS)
    assert AuditEvent.objects.filter(event_type="claim.documents_complete").count() == 1
    assert Notification.objects.filter(purpose="claim_documents_complete").count() == 1
    assert not [path for path in files_in(tmp_path) if "incoming" in str(path)]
    shown = Client().get(f"/api/v1/claim-receipts/{references[0]}", **auth).json()
    document = ClaimDocument.objects.get(claim=claim, item_code=HOSPITAL_ITEMS[0])
    assert (shown["state"], shown["document_id"], shown["claim_id"]) == ("registered", document.pk, claim.pk)


def test_a_crash_while_attaching_resumes_and_attaches_once_leaving_no_stray_file(
    desk: Desk, clock: SettableClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    claim = report_now(desk)
    post_document(bearer(desk.handler), claim.pk, "invoice", key="crash")
    stored = files_in(tmp_path)

    monkeypatch.setattr(_documents, "record", killed)  # the document stored and its row written: the audit event
    with pytest.raises(Killed):
        worker().run_once()
    monkeypatch.undo()

    assert not ClaimDocument.objects.exists()
    assert files_in(tmp_path) == stored  # the attempt's copy deleted again; the staged file kept for the retry
    clock.advance(seconds=61)
    assert actions.claim_receipts_sweep()["claim_documents"].requeued == 1
    assert worker().drain() == 1
    assert ClaimDocument.objects.count() == 1
    assert AuditEvent.objects.filter(event_type="claim.document_received").count() == 1
    assert DocumentReceipt.objects.get().attempts == 2


def test_the_same_key_gives_the_same_document_receipt_and_keeps_one_file(desk: Desk, tmp_path: Path) -> None:
    claim = report_now(desk)
    auth = bearer(desk.handler)
    first = post_document(auth, claim.pk, "invoice", key="doc")
    again = post_document(auth, claim.pk, "invoice", key="doc")
    assert first.json()["reference"] == again.json()["reference"]
    assert DocumentReceipt.objects.count() == 1
    assert len([path for path in files_in(tmp_path) if "incoming" in str(path)]) == 1

    other = post_document(auth, claim.pk, "invoice", content=PDF + b" other", key="doc")
    assert (other.status_code, other.json()["code"]) == (422, "idempotency_key_reused")
    assert len([path for path in files_in(tmp_path) if "incoming" in str(path)]) == 1


def test_a_document_for_a_claim_of_another_insurer_is_refused_and_audited(
    desk: Desk, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    # given our claim, and staff of another insurer sending a document for it
    claim = report_now(desk)
    _, theirs = desk.world.theirs.staff(Role.HANDLER)
    auth = bearer(theirs)
    reference = post_document(auth, claim.pk, "invoice").json()["reference"]

    with django_capture_on_commit_callbacks(execute=True):
        worker().drain()

    # then nothing is attached, the caller reads that the claim was not found, the refusal is audited and the
    # staged file is deleted
    assert not ClaimDocument.objects.exists()
    shown = Client().get(f"/api/v1/claim-receipts/{reference}", **auth).json()
    assert (shown["state"], shown["error"]["code"]) == ("refused", "not_found")
    refused = AuditEvent.objects.get(event_type="claim.receipt_refused")
    assert (refused.actor_id, refused.new_values["code"]) == (theirs.audit_id, "not_found")
    assert files_in(tmp_path) == []
    # and our staff cannot read their receipt
    assert Client().get(f"/api/v1/claim-receipts/{reference}", **bearer(desk.handler)).status_code == 404


def test_a_bad_file_is_refused_in_the_request_and_nothing_is_stored(desk: Desk, tmp_path: Path) -> None:
    claim = report_now(desk)
    answer = post_document(bearer(desk.handler), claim.pk, "invoice", content=b"MZ\x90\x00")
    assert answer.status_code == 422
    assert not DocumentReceipt.objects.exists()
    assert files_in(tmp_path) == []


def test_a_file_whose_receipt_is_not_written_is_deleted_and_an_orphan_is_swept(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    claim = report_now(desk)
    auth = bearer(desk.handler)

    # a receipt that fails to be written: its file is deleted at once
    def fails(receipt: object) -> bool:
        raise RuntimeError("database gone")

    monkeypatch.setattr(_receipts.receipts, "insert", fails)
    with pytest.raises(RuntimeError):
        post_document(auth, claim.pk, "invoice")
    monkeypatch.undo()
    assert files_in(tmp_path) == []

    # a process killed between storing the file and writing the receipt leaves a file no receipt names: the
    # orphan sweep removes it once old, and keeps the staged file of a receipt still owed
    post_document(auth, claim.pk, "invoice")
    owed = tmp_path / DocumentReceipt.objects.get().staged_file
    orphan = owed.parent / "0123456789abcdef"
    orphan.write_bytes(b"left by a killed request")
    long_ago = time.time() - 2 * 3600
    for path in (owed, orphan):
        os.utime(path, (long_ago, long_ago))
    out = io.StringIO()

    call_command("upload_orphans", "--delete", stdout=out)

    assert files_in(tmp_path) == [owed]
    assert "1 files without a row deleted" in out.getvalue()


def test_a_claimant_sends_a_document_for_their_own_claim_write_behind(desk: Desk) -> None:
    claim = report_now(desk)
    claimant = claim.claimant
    claimant.user = get_user_model().objects.create_user(username="claimant", password="x" * 12)
    claimant.save(update_fields=["user"])
    client = Client()
    client.force_login(claimant.user)
    upload = SimpleUploadedFile("id.pdf", PDF)
    answer = client.post(f"/api/v1/claims/{claim.pk}/documents", {"item_code": "id_card", "file": upload})
    assert answer.status_code == 202
    worker().drain()
    assert ClaimDocument.objects.get().item_code == "id_card"
    assert client.get(answer.json()["location"]).json()["state"] == "registered"


# ---- a real intake worker, killed with -9 while attaching a document (PostgreSQL) ----

KILLED_MID_ATTACHING = """
import os, signal, django
django.setup()
from xiaobao.claims.actions import _documents
from xiaobao.casework.intake import IntakeWorker

def die(**_):  # the document's file is stored and its row written; the process dies before the event and commit
    os.kill(os.getpid(), signal.SIGKILL)

_documents.record = die
IntakeWorker(worker_id="doomed", batch=5, interval=0).run_once()
"""


@pytest.mark.postgres_only
def test_an_intake_worker_killed_while_attaching_leaves_the_document_to_be_attached_once_and_no_stray_file(
    transactional_db: None, seeded_calendar: None, desk: Desk, tmp_path: Path
) -> None:
    import subprocess
    import sys
    from datetime import timedelta

    from django.utils import timezone

    from tests.support.processes import PROJECT, database_url

    # given a document acknowledged
    claim = report_now(desk)
    reference = post_document(bearer(desk.handler), claim.pk, "invoice", key="kill-9").json()["reference"]

    # when a real intake worker process is killed with -9 in the middle of attaching it
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_MID_ATTACHING],
        check=False,
        cwd=PROJECT,
        env={
            **os.environ,
            "DATABASE_URL": database_url(),
            "DJANGO_SETTINGS_MODULE": "xiaobao.config.settings",
            "XIAOBAO_MEDIA_ROOT": str(tmp_path),
        },
        capture_output=True,
        timeout=120,
    )
    assert killed.returncode == -9, killed.stderr.decode()[-2000:]

    # then no document row survived, the receipt is still owed, and the killed attempt's copy waits under its
    # content address beside the staged file
    assert not ClaimDocument.objects.exists()
    assert DocumentReceipt.objects.get().state == ReceiptState.CLAIMED
    assert len(files_in(tmp_path)) == 2

    # and when the lease runs out and a worker runs again, it is attached once: the copy adopted, not written
    # again, and the staged file deleted
    assert actions.claim_receipts_sweep(now=timezone.now() + timedelta(seconds=61))["claim_documents"].requeued == 1
    assert worker().drain() == 1
    document = ClaimDocument.objects.get()
    assert files_in(tmp_path) == [tmp_path / document.file.name]
    assert AuditEvent.objects.filter(event_type="claim.document_received").count() == 1
    shown = Client().get(f"/api/v1/claim-receipts/{reference}", **bearer(desk.handler)).json()
    assert (shown["state"], shown["document_id"]) == ("registered", document.pk)
