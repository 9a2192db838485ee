"""The portal's complaint form with files, write-behind (issue #20, ADR 0023 addendum): the request checks each file
as the in-request filing does, stores it encrypted under ``complaints/incoming/`` and writes one receipt naming them,
and answers at once with the reference, the access code and the due date; the intake worker registers the case
with those files attached — the same storage and audit events as in the request — exactly once, and deletes the
staged copies. Nothing is kept of a refused file; nothing is left of a refused receipt."""

from __future__ import annotations

import io
import json
import os
import re
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from tests.portal.conftest import EXECUTABLE, PDF, Filer
from tests.portal.test_write_behind_filing import answered, shown
from tests.support.clock import SettableClock
from tests.support.matrix import consumer_with_account
from xiaobao.audit.models import AuditEvent
from xiaobao.complaints import actions
from xiaobao.complaints.actions import _complainant, _receipts
from xiaobao.complaints.domain.files import MAX_BYTES
from xiaobao.complaints.domain.receipts import ReceiptState, unseal
from xiaobao.complaints.management.commands.run_intake import IntakeWorker
from xiaobao.complaints.models import Attachment, Complaint, Receipt
from xiaobao.identity.models import Branch, Consumer, Staff
from xiaobao.kernel.actors import Actor, ActorKind

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x11" * 64 + b"\xff\xd9"


@pytest.fixture(autouse=True)
def _deferred(settings: Any, clock: SettableClock, tmp_path: Path) -> None:
    """Write-behind as deployed (the suite's default registers in the request), files in this test's own folder."""
    settings.XIAOBAO_INTAKE_IMMEDIATE = False
    settings.XIAOBAO_INTAKE_LEASE_SECONDS = 60
    settings.MEDIA_ROOT = tmp_path


class Killed(BaseException):
    """Stands for kill -9 in the middle of the worker's transaction: nothing after it runs, it rolls back."""


def killed(*_: object, **__: object) -> None:
    raise Killed


def worker() -> IntakeWorker:
    return IntakeWorker(worker_id="test-portal-files", batch=5, interval=0)


def sent() -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile("诊断证明.pdf", PDF), SimpleUploadedFile("拒赔通知.jpg", JPEG)]


def files_in(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def staged_in(root: Path) -> list[Path]:
    return [path for path in files_in(root) if "incoming" in path.parts]


def test_the_files_are_stored_encrypted_and_one_receipt_names_them(filer: Filer, tmp_path: Path) -> None:
    # given a consumer whose phone is checked
    filer.verified()

    # when they send the details with two files
    response = filer.details(attachments=sent())

    # then the answer is the received page, at once, and no case and no attachment exist yet
    assert response.status_code == 200
    reference, code, due = answered(response)
    receipt = Receipt.objects.get()
    assert (reference, due) == (receipt.reference, "2026-03-17")
    assert re.fullmatch(r"\d{8}", code)
    assert not Complaint.objects.exists()
    assert not Attachment.objects.exists()
    # each file stored once under the incoming prefix, encrypted at rest, and named by the receipt
    assert len(receipt.staged_files) == 2
    assert all(name.startswith("complaints/incoming/") for name in receipt.staged_files)
    on_disk = staged_in(tmp_path)
    assert sorted(str(path.relative_to(tmp_path)) for path in on_disk) == sorted(receipt.staged_files)
    for path in on_disk:
        stored = path.read_bytes()
        assert PDF not in stored
        assert JPEG[20:60] not in stored
    # the sealed payload says what each file is and where it waits; the names are not readable in the row
    _, data = unseal(receipt.payload)
    assert [(f["name"], f["content_type"], f["size"], f["staged"]) for f in data["files"]] == [
        ("诊断证明.pdf", "application/pdf", len(PDF), receipt.staged_files[0]),
        ("拒赔通知.jpg", "image/jpeg", len(JPEG), receipt.staged_files[1]),
    ]
    assert "诊断证明" not in json.dumps(list(Receipt.objects.values_list("payload", "error", "request_hash")))


@pytest.mark.parametrize("mode", ["in the request (immediate)", "write-behind"])
def test_the_files_become_the_cases_attachments_as_in_the_request(
    filer: Filer, settings: Any, tmp_path: Path, mode: str, django_capture_on_commit_callbacks: Any
) -> None:
    # given a complaint sent with two files, registered in the request or by the intake worker
    settings.XIAOBAO_INTAKE_IMMEDIATE = mode.startswith("in the request")
    filer.verified()
    last_event = AuditEvent.objects.order_by("pk").last()
    with django_capture_on_commit_callbacks(execute=True):
        response = filer.details(attachments=sent())
        if mode == "write-behind":
            assert response.status_code == 200
            assert worker().drain() == 1

    # then the case has both files: stored encrypted under the case, by content address, read back whole
    complaint = Complaint.objects.get()
    attachments = list(Attachment.objects.filter(complaint=complaint).order_by("pk"))
    assert [(a.original_name, a.content_type, a.size) for a in attachments] == [
        ("诊断证明.pdf", "application/pdf", len(PDF)),
        ("拒赔通知.jpg", "image/jpeg", len(JPEG)),
    ]
    for attachment, content in zip(attachments, (PDF, JPEG), strict=True):
        assert re.fullmatch(rf"complaints/complaint-{complaint.pk}/[0-9a-f]+\.(pdf|jpeg)", attachment.file.name)
        assert attachment.file.read() == content
        assert content not in (tmp_path / attachment.file.name).read_bytes()
        assert attachment.uploaded_by == f"consumer:{complaint.complainant_id}"
    # the same audit events, by the consumer: registered, then the files received
    on_case = AuditEvent.objects.filter(subject_type="complaints.complaint", subject_id=str(complaint.pk)).order_by(
        "pk"
    )
    assert [(e.event_type, e.actor_id) for e in on_case] == [
        ("complaint.registered", f"consumer:{complaint.complainant_id}"),
        ("complaint.attached", f"consumer:{complaint.complainant_id}"),
    ]
    assert len(on_case[1].new_values["files"]) == 2
    written = AuditEvent.objects.filter(pk__gt=last_event.pk if last_event else 0).order_by("pk")
    assert [e.event_type for e in written] == [
        "complaint.registered",
        "consumer.related_to_insurer",
        "notification.queued",
        "complaint.attached",
    ]
    # and nothing waits under the incoming prefix any more; only the case's two files are stored
    assert staged_in(tmp_path) == []
    assert len(files_in(tmp_path)) == 2
    if mode == "write-behind":
        assert on_case[0].new_values["receipt"] == Receipt.objects.get().reference
        assert Receipt.objects.get().state == ReceiptState.DONE
    else:
        assert response["Location"] == f"/filed/{complaint.reference}/"
        assert not Receipt.objects.exists()


def test_running_the_worker_again_attaches_nothing_more(
    filer: Filer, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    filer.verified()
    filer.details(attachments=sent())
    with django_capture_on_commit_callbacks(execute=True):
        assert worker().drain() == 1
        assert worker().drain() == 0
        assert actions.receipt_register(receipt_id=Receipt.objects.get().pk) is not None  # a late worker's try
    assert Complaint.objects.count() == 1
    assert Attachment.objects.count() == 2
    assert AuditEvent.objects.filter(event_type="complaint.attached").count() == 1
    assert len(files_in(tmp_path)) == 2


def test_a_crash_while_attaching_resumes_and_attaches_once_leaving_no_stray_file(
    filer: Filer,
    clock: SettableClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a receipt with files, and a worker that dies after storing the case's copies, before its event
    filer.verified()
    reference, code, _ = answered(filer.details(attachments=sent()))
    staged = files_in(tmp_path)
    monkeypatch.setattr(_complainant, "record", killed)
    with pytest.raises(Killed):
        worker().run_once()
    monkeypatch.undo()

    # then nothing of the attempt is left: no case, and only the staged files, kept for the next attempt
    assert not Complaint.objects.exists()
    assert not Attachment.objects.exists()
    assert files_in(tmp_path) == staged
    assert filer.client.get(f"/track/{reference}/").status_code == 200  # still received, being registered

    # when its lease runs out and another worker takes it
    clock.advance(seconds=61)
    assert actions.receipts_sweep().requeued == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert worker().drain() == 1
    assert worker().drain() == 0

    # then one case with both files, one event of each, and the code the consumer was given opens it
    complaint = Complaint.objects.get()
    assert Attachment.objects.filter(complaint=complaint).count() == 2
    assert AuditEvent.objects.filter(event_type="complaint.attached").count() == 1
    assert Receipt.objects.get().attempts == 2
    assert staged_in(tmp_path) == []
    assert len(files_in(tmp_path)) == 2
    assert Client().post("/track/", {"reference": complaint.reference, "access_code": code}).status_code == 302


@pytest.mark.parametrize(
    ("bad", "said"),
    [
        (SimpleUploadedFile("材料.pdf", EXECUTABLE), "“材料.pdf”不能上传"),
        (SimpleUploadedFile("扫描件.pdf", b"%PDF-1.4" + b"x" * MAX_BYTES), "10 MB"),
    ],
    ids=["wrong type", "too large"],
)
def test_a_bad_file_is_refused_in_the_request_keeping_what_was_typed_and_storing_nothing(
    filer: Filer, tmp_path: Path, bad: SimpleUploadedFile, said: str
) -> None:
    filer.verified()
    events = AuditEvent.objects.count()

    response = filer.details(
        description="理赔被拒，附上材料。",
        requested_outcome="请重新审核",
        attachments=[SimpleUploadedFile("a.pdf", PDF), bad],
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert said in page
    assert "理赔被拒，附上材料。" in page  # what was typed is still there
    assert "请重新审核" in page
    assert not Receipt.objects.exists()
    assert not Complaint.objects.exists()
    assert AuditEvent.objects.count() == events
    assert files_in(tmp_path) == []  # not even the good file was staged


def test_a_double_submit_gives_one_receipt_one_case_and_keeps_the_files_once(
    filer: Filer, clock: SettableClock, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    # given the form with its files sent twice (a double click, or a reload of the POST)
    filer.verified()
    first = answered(filer.details(token="same-form", attachments=sent()))
    clock.advance(seconds=2)
    second = answered(filer.details(token="same-form", attachments=sent()))

    # then one receipt, the same answer, and the files of the second copy removed
    assert first == second
    assert Receipt.objects.count() == 1
    assert sorted(str(p.relative_to(tmp_path)) for p in staged_in(tmp_path)) == sorted(
        Receipt.objects.get().staged_files
    )

    # and the same form with other files is refused, keeping nothing of them
    other = filer.details(token="same-form", attachments=[SimpleUploadedFile("另一份.pdf", PDF + b"other")])
    assert other.status_code == 400
    assert len(staged_in(tmp_path)) == 2

    # when the worker registers it, and the form is sent once more
    with django_capture_on_commit_callbacks(execute=True):
        worker().drain()
    after = filer.details(token="same-form", attachments=sent())

    # then one case with its two files; the reload leads to the case; no file waits
    assert (Receipt.objects.count(), Complaint.objects.count(), Attachment.objects.count()) == (1, 1, 2)
    assert after.status_code == 302
    assert after["Location"] == f"/track/{first[0]}/"
    assert staged_in(tmp_path) == []


def test_a_receipt_refused_by_the_worker_deletes_its_staged_files(
    filer: Filer, tmp_path: Path, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given a receipt with files, whose handling branch has moved to another insurer before the worker runs
    filer.verified()
    reference, _, _ = answered(filer.details(attachments=sent()))
    _, data = unseal(Receipt.objects.get().payload)
    Branch.objects.filter(pk=data["handling_branch_id"]).update(insurer=world.theirs.insurer, code="moved-away")

    # when the worker takes it
    with django_capture_on_commit_callbacks(execute=True):
        assert worker().drain() == 1

    # then it is refused, audited, nothing is registered or attached, and its staged files are gone
    receipt = Receipt.objects.get()
    assert (receipt.state, receipt.error["code"]) == (ReceiptState.REFUSED, "not_found")
    assert AuditEvent.objects.filter(event_type="complaint.receipt_refused").count() == 1
    assert not Complaint.objects.exists()
    assert not Attachment.objects.exists()
    assert files_in(tmp_path) == []
    tracked = filer.client.get(f"/track/{reference}/")  # the consumer reads why
    assert tracked.status_code == 200
    assert 'id="refused"' in tracked.content.decode()


def test_a_file_whose_receipt_is_not_written_is_deleted_and_upload_orphans_finds_leftovers(
    filer: Filer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    filer.verified()

    # a receipt that fails to be written: its files are deleted at once
    def fails(receipt: object) -> bool:
        raise RuntimeError("database gone")

    monkeypatch.setattr(_receipts.receipts_kernel, "insert", fails)
    with pytest.raises(RuntimeError):
        filer.details(token="lost", attachments=sent())
    monkeypatch.undo()
    assert files_in(tmp_path) == []

    # a process killed between storing the files and writing the receipt leaves files no receipt names: the orphan
    # sweep lists them once old, keeps the staged files of a receipt still owed, and removes them with --delete
    filer.details(attachments=sent())
    owed = sorted(tmp_path / name for name in Receipt.objects.get().staged_files)
    orphan = owed[0].parent / "0123456789abcdef0123456789abcdef"
    orphan.write_bytes(b"left by a killed request")
    long_ago = time.time() - 2 * 3600
    for path in (*owed, orphan):
        os.utime(path, (long_ago, long_ago))

    listed = io.StringIO()
    call_command("upload_orphans", stdout=listed)
    assert listed.getvalue().splitlines()[:-2] == ["complaints/incoming/0123456789abcdef0123456789abcdef"]
    assert "1 files without a row found" in listed.getvalue()

    call_command("upload_orphans", "--delete", stdout=io.StringIO())
    assert files_in(tmp_path) == owed


def test_tracking_and_my_complaints_follow_it_and_no_one_else_sees_it(
    filer: Filer, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given a complaint sent with files, and another consumer signed in
    filer.verified()
    reference, code, due = answered(filer.details(attachments=sent()))
    unknown = f"LN-2026-W{int(reference.rsplit('W', 1)[1]) + 1:06d}"
    someone = Client()
    someone.force_login(consumer_with_account(world.ours.insurer.pk, name="路人"))
    staff = Client()
    staff.force_login(Staff.objects.get(pk=world.ours.staff()[1].staff_id).user)

    # then before the worker runs: the filer tracks it and sees it listed; the others get an unknown answer
    page = filer.client.get(f"/track/{reference}/")
    assert page.status_code == 200
    assert shown(page.content.decode(), "due") == due
    assert reference in filer.client.get("/my/").content.decode()
    for other in (someone, staff):
        assert other.get(f"/track/{reference}/").status_code == other.get(f"/track/{unknown}/").status_code == 404
    assert reference not in someone.get("/my/").content.decode()

    # and once registered with its files: the reference leads the filer (and the code anyone holding it) to
    # the case; the others still learn nothing
    with django_capture_on_commit_callbacks(execute=True):
        worker().drain()
    complaint = Complaint.objects.get()
    assert Attachment.objects.filter(complaint=complaint).count() == 2
    moved = filer.client.get(f"/track/{reference}/")
    assert moved["Location"] == f"/track/{complaint.reference}/"
    assert filer.client.get(moved["Location"]).status_code == 200
    assert complaint.reference in filer.client.get("/my/").content.decode()
    assert Client().post("/track/", {"reference": reference, "access_code": code}).status_code == 302
    for other in (someone, staff):
        assert other.get(f"/track/{reference}/").status_code == 404
        assert other.get(f"/track/{complaint.reference}/").status_code == 404
    assert complaint.reference not in someone.get("/my/").content.decode()


def test_in_immediate_mode_the_form_with_files_is_registered_in_the_request(
    filer: Filer, settings: Any, tmp_path: Path
) -> None:
    settings.XIAOBAO_INTAKE_IMMEDIATE = True
    filer.verified()

    response = filer.details(attachments=sent())

    complaint = Complaint.objects.get()
    assert response["Location"] == f"/filed/{complaint.reference}/"
    assert Attachment.objects.filter(complaint=complaint).count() == 2
    assert not Receipt.objects.exists()
    assert staged_in(tmp_path) == []


def test_complaint_receive_in_immediate_mode_attaches_the_files_in_the_request(
    filer: Filer, world: Any, tmp_path: Path
) -> None:
    # given a consumer, and the receiving action asked to register at once (an API client under the flag)
    filer.verified()
    consumer = Actor(kind=ActorKind.CONSUMER, consumer_id=Consumer.objects.get().pk)
    data = {
        "handling_branch_id": world.ours.province.pk,
        "channel": "web",
        "product_line": "medical",
        "reason": "claims",
        "description": "住院费用理赔被拒。",
        "requested_outcome": "",
        "policy_number": "",
    }

    received, again = (
        actions.complaint_receive(
            actor=consumer,
            insurer_id=filer.insurer.pk,
            data=data,
            idempotency_key="portal:at-once",
            immediate=True,
            uploads=[actions.Upload(name="诊断证明.pdf", content=PDF)],
        )
        for _ in range(2)
    )

    # then the case is registered with its file in the request, nothing is staged, and a retry adds nothing
    assert received.registration is not None
    complaint = received.registration.complaint
    assert [a.file.read() for a in Attachment.objects.filter(complaint=complaint)] == [PDF]
    assert received.receipt.state == ReceiptState.DONE
    assert received.receipt.staged_files == []
    assert again.receipt.pk == received.receipt.pk
    assert (Complaint.objects.count(), Attachment.objects.count()) == (1, 1)
    assert staged_in(tmp_path) == []
