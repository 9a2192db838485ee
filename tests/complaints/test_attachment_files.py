"""Complaint attachments on disk agree with their rows (issue #12, item 10): a failure after a file was
written — in the action, or in the action around it — leaves no file; the same bytes sent again are kept
once; a file over 10 MB is refused before it is read."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.files.storage import default_storage

from tests.support.desk import Desk
from xiaobao.audit.models import AuditEvent
from xiaobao.complaints import actions
from xiaobao.complaints.actions import Upload
from xiaobao.complaints.domain.files import MAX_BYTES, FileTooLarge
from xiaobao.complaints.models import Attachment
from xiaobao.ops.limits import OversizeUpload

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4 letter"
PNG = b"\x89PNG\r\n\x1a\n photo"


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def files_in(media: Path) -> list[Path]:
    return sorted(path for path in media.rglob("*") if path.is_file())


def test_attaching_fails_after_the_files_were_written_and_leaves_no_file(desk: Desk, media: Path) -> None:
    complaint = desk.register()
    events = AuditEvent.objects.count()

    with (
        mock.patch("xiaobao.complaints.actions._complainant.record", side_effect=RuntimeError("after the files")),
        pytest.raises(RuntimeError, match="after the files"),
    ):
        actions.complaint_attach(
            actor=desk.handler, complaint_id=complaint.pk, uploads=[Upload("a.pdf", PDF), Upload("b.png", PNG)]
        )

    assert not Attachment.objects.exists()
    assert files_in(media) == []
    assert AuditEvent.objects.count() == events


def test_the_action_around_failing_after_the_files_were_attached_leaves_no_file(desk: Desk, media: Path) -> None:
    complaint = desk.register()

    with (
        mock.patch("xiaobao.complaints.actions._handling.tell_staff", side_effect=RuntimeError("after attaching")),
        pytest.raises(RuntimeError, match="after attaching"),
    ):
        actions.complaint_add_message(
            actor=desk.handler,
            complaint_id=complaint.pk,
            channel="email",
            text="补充材料",
            uploads=[Upload("a.pdf", PDF)],
        )

    assert not Attachment.objects.exists()
    assert files_in(media) == []


def test_the_same_bytes_sent_again_are_kept_once(desk: Desk, media: Path) -> None:
    complaint = desk.register()

    first = actions.complaint_attach(actor=desk.handler, complaint_id=complaint.pk, uploads=[Upload("a.pdf", PDF)])
    again = actions.complaint_attach(
        actor=desk.handler, complaint_id=complaint.pk, uploads=[Upload("a.pdf", PDF), Upload("copy.pdf", PDF)]
    )

    assert [a.pk for a in again] == [first[0].pk, first[0].pk]
    assert Attachment.objects.filter(complaint=complaint).count() == 1
    assert files_in(media) == [media / first[0].file.name]
    keyed = default_storage.content_address(first[0].sha256)
    assert first[0].file.name == f"complaints/complaint-{complaint.pk}/{keyed}.pdf"


def test_a_file_over_ten_megabytes_is_refused_before_it_is_read(desk: Desk, media: Path) -> None:
    complaint = desk.register()
    too_big = OversizeUpload("scan.pdf", "application/pdf", MAX_BYTES + 1, None)  # reading it raises

    with pytest.raises(FileTooLarge):
        actions.complaint_attach(
            actor=desk.handler, complaint_id=complaint.pk, uploads=[Upload("a.pdf", PDF), Upload("scan.pdf", too_big)]
        )

    assert not Attachment.objects.exists()
    assert files_in(media) == []
