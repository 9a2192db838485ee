"""A file over 10 MB in the filing form (issue #12, item 4): refused with the reason while it streams, the
form shown again with what was typed, nothing stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.portal.conftest import PDF, Filer
from xiaobao.complaints.domain.files import MAX_BYTES
from xiaobao.complaints.models import Attachment, Complaint

pytestmark = pytest.mark.django_db


def test_a_file_over_ten_megabytes_is_refused_and_what_was_typed_stays(
    filer: Filer, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    filer.verified()

    response = filer.details(
        description="理赔被拒，附上扫描件。",
        attachments=[
            SimpleUploadedFile("扫描件.pdf", b"%PDF-1.4" + b"x" * MAX_BYTES),
            SimpleUploadedFile("a.pdf", PDF),
        ],
    )

    page = response.content.decode()  # type: ignore[attr-defined]
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "扫描件.pdf" in page
    assert "10 MB" in page
    assert "理赔被拒，附上扫描件。" in page
    assert not Complaint.objects.exists()
    assert not Attachment.objects.exists()
    assert not any(path.is_file() for path in tmp_path.rglob("*"))
