"""Claim documents on disk agree with their rows (issue #12, items 4 and 10): a file over 10 MB is refused
and nothing is stored; a failure after the file was written leaves no file; a retry of the same bytes leaves
one file and one row, adopting a file an interrupted attempt left behind."""

from __future__ import annotations

import hashlib
import io
import os
import time
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.core.management import call_command
from django.test import Client

from tests.support.claims import PDF, report
from tests.support.desk import Desk
from xiaobao.audit.models import AuditEvent
from xiaobao.claims import actions
from xiaobao.claims.models import ClaimDocument
from xiaobao.complaints.domain.files import MAX_BYTES
from xiaobao.identity.actions import staff_key_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def files_in(media: Path) -> list[Path]:
    return sorted(path for path in media.rglob("*") if path.is_file())


def address(content: bytes) -> str:
    """The keyed content address the storage gives these bytes (issue #19: the name confirms no guess)."""
    return str(default_storage.content_address(hashlib.sha256(content).hexdigest()))


def bearer(desk: Desk) -> dict[str, str]:
    _, token = staff_key_issue(actor=desk.handler, label="claims app")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT_LANGUAGE": "en"}


def test_a_normal_upload_is_stored_once_under_its_content_address(client: Client, desk: Desk, media: Path) -> None:
    claim = report(desk)

    sent = client.post(
        f"/api/v1/claims/{claim.pk}/documents",
        {"item_code": "invoice", "file": SimpleUploadedFile("发票.pdf", PDF)},
        **bearer(desk),
    )

    assert sent.status_code == 201, sent.json()
    document = ClaimDocument.objects.get(claim=claim)
    assert document.file.name == f"claims/claim-{claim.pk}/invoice-{address(PDF)}"
    assert document.sha256 not in document.file.name
    assert files_in(media) == [media / document.file.name]
    assert document.file.read() == PDF


def test_a_file_over_ten_megabytes_streamed_in_multipart_is_refused_and_nothing_is_stored(
    client: Client, desk: Desk, media: Path
) -> None:
    claim, auth = report(desk), bearer(desk)
    events = AuditEvent.objects.count()

    sent = client.post(
        f"/api/v1/claims/{claim.pk}/documents",
        {"item_code": "invoice", "file": SimpleUploadedFile("scan.pdf", b"%PDF-1.4" + b"x" * MAX_BYTES)},
        **auth,
    )

    assert sent.status_code == 422  # invalid input, as every refused document
    assert sent.json()["code"] == "file_too_large"
    assert "larger than 10 MB" in sent.json()["message"]
    assert not ClaimDocument.objects.exists()
    assert files_in(media) == []
    assert AuditEvent.objects.count() == events


def test_an_action_failing_after_the_file_was_written_leaves_no_file(desk: Desk, media: Path) -> None:
    claim = report(desk)
    events = AuditEvent.objects.count()

    with (
        mock.patch("xiaobao.claims.actions._documents.record", side_effect=RuntimeError("after the file")),
        pytest.raises(RuntimeError, match="after the file"),
    ):
        actions.claim_receive_document(
            actor=desk.handler, claim_id=claim.pk, item_code="invoice", name="发票.pdf", content=PDF
        )

    assert not ClaimDocument.objects.exists()
    assert files_in(media) == []
    assert AuditEvent.objects.count() == events


def test_a_worker_timeout_after_the_file_was_written_leaves_no_file(desk: Desk, media: Path) -> None:
    claim = report(desk)

    with (
        mock.patch("xiaobao.claims.actions._documents.record", side_effect=SystemExit(1)),  # gunicorn's timeout
        pytest.raises(SystemExit),
    ):
        actions.claim_receive_document(
            actor=desk.handler, claim_id=claim.pk, item_code="invoice", name="发票.pdf", content=PDF
        )

    assert files_in(media) == []


def test_a_retried_upload_of_the_same_bytes_leaves_one_file_and_one_row(desk: Desk, media: Path) -> None:
    claim = report(desk)

    first = actions.claim_receive_document(
        actor=desk.handler, claim_id=claim.pk, item_code="invoice", name="发票.pdf", content=PDF
    )
    again = actions.claim_receive_document(
        actor=desk.handler, claim_id=claim.pk, item_code="invoice", name="发票.pdf", content=PDF
    )

    assert again.pk == first.pk
    assert ClaimDocument.objects.filter(claim=claim).count() == 1
    assert files_in(media) == [media / first.file.name]


def test_a_retry_adopts_the_file_a_killed_attempt_left_instead_of_writing_a_copy(desk: Desk, media: Path) -> None:
    claim = report(desk)
    # A worker killed outright (SIGKILL) after writing the file, before committing, cannot clean up.
    left = media / default_storage.save(f"claims/claim-{claim.pk}/invoice-{address(PDF)}", ContentFile(PDF))
    stored = left.read_bytes()

    document = actions.claim_receive_document(
        actor=desk.handler, claim_id=claim.pk, item_code="invoice", name="发票.pdf", content=PDF
    )

    assert media / document.file.name == left
    assert files_in(media) == [left]
    assert left.read_bytes() == stored  # adopted, not written again
    assert ClaimDocument.objects.filter(claim=claim).count() == 1


def test_a_file_cut_off_while_being_written_is_replaced_by_the_retry(desk: Desk, media: Path) -> None:
    claim = report(desk)
    left = media / default_storage.save(f"claims/claim-{claim.pk}/invoice-{address(PDF)}", ContentFile(PDF))
    left.write_bytes(left.read_bytes()[:-5])  # the last bytes never reached the disk

    document = actions.claim_receive_document(
        actor=desk.handler, claim_id=claim.pk, item_code="invoice", name="发票.pdf", content=PDF
    )

    assert files_in(media) == [left]
    assert document.file.read() == PDF


def test_an_uploaded_file_is_stored_from_disk_in_chunks_not_read_whole(desk: Desk, media: Path) -> None:
    claim = report(desk)
    content = PDF + b"x" * (256 * 1024)
    upload = TemporaryUploadedFile("发票.pdf", "application/pdf", len(content), None)
    upload.write(content)
    upload.seek(0)
    sizes: list[int] = []
    read = upload.file.read

    def measured(size: int = -1) -> bytes:
        sizes.append(size)
        return read(size)

    with mock.patch.object(upload.file, "read", measured):
        actions.claim_receive_document(
            actor=desk.handler, claim_id=claim.pk, item_code="invoice", name="发票.pdf", content=upload
        )

    upload.close()
    assert sizes
    assert all(0 < size <= 64 * 1024 for size in sizes)
    assert ClaimDocument.objects.get(claim=claim).file.read() == content


def test_the_orphan_sweep_removes_only_old_files_no_row_names(desk: Desk, media: Path) -> None:
    claim = report(desk)
    kept = actions.claim_receive_document(
        actor=desk.handler, claim_id=claim.pk, item_code="invoice", name="发票.pdf", content=PDF
    )
    old, recent = media / "claims/claim-999/invoice-old", media / "claims/claim-999/invoice-recent"
    old.parent.mkdir(parents=True)
    old.write_bytes(PDF)
    recent.write_bytes(PDF)
    long_ago = time.time() - 2 * 3600
    os.utime(old, (long_ago, long_ago))
    os.utime(media / kept.file.name, (long_ago, long_ago))
    out = io.StringIO()

    call_command("upload_orphans", "--delete", stdout=out)

    assert files_in(media) == sorted([media / kept.file.name, recent])  # a recent one may be in flight
    assert "1 files without a row deleted" in out.getvalue()
