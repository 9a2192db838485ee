"""Upload limits (issue #12, item 4): a body declared too large is refused before it is read — JSON for the
API, a page for people — a body without a length is not read at all, and a file passing 10 MB while it
streams is not kept."""

from __future__ import annotations

import io
import os
import stat
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import RequestDataTooBig
from django.core.management import call_command
from django.http.multipartparser import MultiPartParser
from django.test import Client, RequestFactory

from tests.conftest import World
from xiaobao.claims.models import ClaimDocument
from xiaobao.complaints.domain.files import MAX_BYTES
from xiaobao.ops.limits import LimitedUploadHandler, OversizeUpload, max_request_bytes
from xiaobao.ops.tasks import sweep_spooled_uploads

pytestmark = pytest.mark.django_db


class UnreadableBody(io.RawIOBase):
    """A ``wsgi.input`` that fails the test if anything reads it."""

    reads = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        UnreadableBody.reads += 1
        raise AssertionError("the body was read")

    def readline(self, size: int | None = -1) -> bytes:
        return self.read(size)


def too_large(client: Client, path: str, **extra: str) -> object:
    UnreadableBody.reads = 0
    return client.generic(
        "POST",
        path,
        **{  # type: ignore[arg-type]
            "wsgi.input": UnreadableBody(),
            "CONTENT_LENGTH": str(max_request_bytes() + 1),
            "CONTENT_TYPE": "multipart/form-data; boundary=x",
            **extra,
        },
    )


def test_the_default_cap_is_five_files_of_ten_megabytes_and_the_form() -> None:
    assert max_request_bytes() == 51 * 1024 * 1024


def test_an_api_request_declared_too_large_is_refused_with_json_before_it_is_read(client: Client) -> None:
    response = too_large(client, "/api/v1/claims/1/documents", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 413  # type: ignore[attr-defined]
    assert response.json() == {  # type: ignore[attr-defined]
        "code": "too_large",
        "message": "The request is larger than 51 MB. Send files of at most 10 MB each, one at a time if needed.",
    }
    assert UnreadableBody.reads == 0
    assert not ClaimDocument.objects.exists()


def test_a_page_request_declared_too_large_gets_a_page_that_says_the_limit_and_how_to_go_back(
    client: Client, world: World
) -> None:
    form = f"http://testserver/i/{world.ours.insurer.code}/complain/details/"

    response = too_large(client, form.removeprefix("http://testserver"), HTTP_ACCEPT_LANGUAGE="en", HTTP_REFERER=form)

    page = response.content.decode()  # type: ignore[attr-defined]
    assert response.status_code == 413  # type: ignore[attr-defined]
    assert response["Content-Type"].startswith("text/html")  # type: ignore[index]
    assert "larger than 51 MB" in page
    assert "at most 10 MB" in page
    assert "Back button" in page
    assert f'href="{form}"' in page  # a link back to the form it came from
    assert "csrftoken" in response.cookies  # type: ignore[attr-defined]  # its language switch works
    assert UnreadableBody.reads == 0


def test_a_link_back_to_another_site_is_not_offered(client: Client) -> None:
    response = too_large(client, "/workbench/", HTTP_ACCEPT_LANGUAGE="en", HTTP_REFERER="https://evil.example/")

    page = response.content.decode()  # type: ignore[attr-defined]
    assert response.status_code == 413  # type: ignore[attr-defined]
    assert "evil.example" not in page


def test_the_page_is_in_the_language_of_the_person(client: Client) -> None:
    response = too_large(client, "/workbench/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 413  # type: ignore[attr-defined]
    assert '<html lang="zh-Hans">' in response.content.decode()  # type: ignore[attr-defined]


def test_a_body_within_the_cap_goes_on_to_the_view(client: Client) -> None:
    response = client.post("/api/v1/claims/1/documents", {"item_code": "x"})

    assert response.status_code != 413


def test_a_chunked_body_without_a_length_is_not_read(client: Client) -> None:
    UnreadableBody.reads = 0

    response = client.generic(
        "POST",
        "/api/v1/claims/1/documents",
        **{  # type: ignore[arg-type]
            "wsgi.input": UnreadableBody(),
            "CONTENT_LENGTH": "",
            "HTTP_TRANSFER_ENCODING": "chunked",
            "CONTENT_TYPE": "multipart/form-data; boundary=x",
        },
    )

    assert response.status_code in {401, 422}  # no file arrived: nothing to store
    assert UnreadableBody.reads == 0
    assert not ClaimDocument.objects.exists()


def multipart(content: bytes) -> tuple[bytes, str]:
    body = (
        b'--b\r\nContent-Disposition: form-data; name="item_code"\r\n\r\ninvoice\r\n'
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n" + content + b"\r\n--b--\r\n"
    )
    return body, "multipart/form-data; boundary=b"


def parse(body: bytes, content_type: str) -> tuple[object, dict[str, object]]:
    request = RequestFactory().post("/", data=body, content_type=content_type)
    handler = LimitedUploadHandler(request)
    parser = MultiPartParser(request.META, io.BytesIO(body), [handler])
    fields, files = parser.parse()
    return fields, dict(files.items())


def test_a_file_passing_ten_megabytes_while_streaming_is_not_kept_and_its_size_is_known() -> None:
    body, content_type = multipart(b"%PDF-1.4" + b"x" * MAX_BYTES)

    fields, files = parse(body, content_type)

    upload = files["file"]
    assert isinstance(upload, OversizeUpload)
    assert upload.size > MAX_BYTES
    assert fields["item_code"] == "invoice"  # type: ignore[index]  # the rest of the form is kept
    with pytest.raises(RequestDataTooBig):
        upload.read()


def test_a_file_within_the_limit_streams_to_a_temporary_file_on_disk() -> None:
    content = b"%PDF-1.4" + b"x" * (MAX_BYTES - 8)
    body, content_type = multipart(content)

    _, files = parse(body, content_type)

    upload = files["file"]
    assert upload.size == MAX_BYTES  # type: ignore[attr-defined]
    assert upload.temporary_file_path()  # type: ignore[attr-defined]
    assert upload.read() == content  # type: ignore[attr-defined]


def test_a_json_body_larger_than_memory_allows_is_refused_in_json_unread(client: Client) -> None:
    """Before: a 13 MB JSON body reached the API and came back as Django's HTML "Bad Request (400)"."""
    response = client.generic(
        "POST",
        "/api/v1/complaints",
        b"{}",
        content_type="application/json",
        CONTENT_LENGTH=str(13 * 1024 * 1024),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def test_a_large_upload_is_spooled_in_a_private_directory_not_the_shared_tmp(settings: Any, tmp_path: Path) -> None:
    """Given a file over the in-memory size, when it streams in, then its plaintext sits in xiaobao's own
    directory (mode 0700, made if missing), not in /tmp, and is gone once the request's file is closed."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "var" / "uploads-in-progress")
    content = b"%PDF-1.4" + b"x" * 300_000
    body, content_type = multipart(content)

    _, files = parse(body, content_type)

    spooled = Path(files["file"].temporary_file_path())  # type: ignore[attr-defined]
    folder = Path(settings.FILE_UPLOAD_TEMP_DIR)
    assert spooled.parent == folder
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    files["file"].close()  # type: ignore[attr-defined]  # as Django does when the request ends
    assert not spooled.exists()


def test_spooled_uploads_left_by_a_killed_worker_are_swept_hourly_and_live_ones_kept(
    settings: Any, tmp_path: Path
) -> None:
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    stale, live = tmp_path / "tmpabc.upload.pdf", tmp_path / "tmpdef.upload.pdf"
    for path in (stale, live):
        path.write_bytes(b"%PDF-1.4 plaintext")
    two_hours_ago = time.time() - 2 * 3600
    os.utime(stale, (two_hours_ago, two_hours_ago))

    swept = sweep_spooled_uploads.call()
    out = io.StringIO()
    call_command("upload_orphans", "--delete", stdout=out)

    assert swept == 1
    assert sorted(tmp_path.iterdir()) == [live]
    assert "0 stale spooled uploads deleted" in out.getvalue()
