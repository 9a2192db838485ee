"""Staff see a phone photo (HEIC, WebP) on the case page as a JPEG drawn on demand (issue #15 part 5): the same
size as the photo, behind the same access check as the download, never kept; the stored file stays as it was
sent. Another insurer's staff, a consumer and an unknown file get the same answer."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from PIL import Image

from tests.support.claims import report
from tests.support.desk import Desk
from tests.support.photos import photo
from tests.workbench.test_claim_pages import signed_in
from xiaobao.claims import actions as claim_actions
from xiaobao.complaints import actions
from xiaobao.complaints.actions import Upload
from xiaobao.complaints.models import Complaint
from xiaobao.kernel.actors import Role

pytestmark = pytest.mark.django_db


def with_photo(desk: Desk, name: str, content: bytes) -> tuple[Complaint, str]:
    complaint = desk.in_state("investigating")
    actions.complaint_attach(actor=desk.supervisor, complaint_id=complaint.pk, uploads=[Upload(name, content)])
    attachment = complaint.attachments.get()
    return complaint, f"/workbench/complaints/{complaint.pk}/attachments/{attachment.pk}/"


def test_a_heic_photo_is_previewed_as_a_jpeg_of_the_same_size(client: Client, desk: Desk) -> None:
    heic = photo("HEIF", size=(64, 40))
    complaint, url = with_photo(desk, "IMG_0001.HEIC", heic)

    preview = signed_in(client, desk.handler).get(url + "preview.jpg")

    assert preview.status_code == 200
    assert preview["Content-Type"] == "image/jpeg"
    shown = Image.open(io.BytesIO(preview.content))
    assert (shown.format, shown.size) == ("JPEG", (64, 40))
    assert complaint.attachments.get().content_type == "image/heic"


def test_the_preview_is_kept_nowhere_and_runs_nothing(client: Client, desk: Desk) -> None:
    _, url = with_photo(desk, "IMG_0001.HEIC", photo("HEIF"))

    preview = signed_in(client, desk.handler).get(url + "preview.jpg")

    assert preview["Cache-Control"] == "private, no-store"
    assert preview["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in preview["Content-Security-Policy"]
    assert preview["Content-Disposition"].startswith("inline;")


def test_the_download_is_the_photo_exactly_as_it_was_sent(client: Client, desk: Desk) -> None:
    heic = photo("HEIF")
    _, url = with_photo(desk, "IMG_0001.HEIC", heic)

    download = signed_in(client, desk.handler).get(url + "?download=1")

    assert b"".join(download.streaming_content) == heic  # type: ignore[attr-defined]
    assert download["Content-Type"] == "image/heic"


def test_a_webp_photo_is_previewed_as_a_jpeg_too(client: Client, desk: Desk) -> None:
    _, url = with_photo(desk, "微信图片.webp", photo("WEBP", size=(30, 50)))

    preview = signed_in(client, desk.handler).get(url + "preview.jpg")

    assert Image.open(io.BytesIO(preview.content)).size == (30, 50)


def test_the_case_page_shows_the_jpeg_preview_and_links_the_original(client: Client, desk: Desk) -> None:
    complaint, url = with_photo(desk, "IMG_0001.HEIC", photo("HEIF"))

    page = signed_in(client, desk.handler).get(f"/workbench/complaints/{complaint.pk}/").content.decode()

    assert f'<img class="preview" src="{url}preview.jpg"' in page
    assert f'href="{url}?download=1"' in page


def test_a_photo_the_browser_shows_itself_has_no_converted_preview(client: Client, desk: Desk) -> None:
    _, url = with_photo(desk, "photo.png", photo("PNG"))

    assert signed_in(client, desk.handler).get(url + "preview.jpg").status_code == 404


def test_another_insurers_staff_get_the_answer_of_an_unknown_file(client: Client, desk: Desk) -> None:
    complaint, url = with_photo(desk, "IMG_0001.HEIC", photo("HEIF"))
    _, theirs = desk.world.theirs.staff(Role.HANDLER, Role.SUPERVISOR)
    other = signed_in(client, theirs)

    refused = other.get(url + "preview.jpg")
    unknown = signed_in(Client(), desk.handler).get(
        f"/workbench/complaints/{complaint.pk}/attachments/999999/preview.jpg"
    )

    assert refused.status_code == unknown.status_code == 404


def test_a_consumer_and_an_anonymous_visitor_get_no_preview(client: Client, desk: Desk) -> None:
    _, url = with_photo(desk, "IMG_0001.HEIC", photo("HEIF"))
    client.force_login(get_user_model().objects.create_user(username="someone", password="x" * 12))

    assert client.get(url + "preview.jpg").status_code == 404
    assert Client().get(url + "preview.jpg").status_code == 302  # to the log-in page, as for any workbench page


def test_a_claim_document_photo_is_previewed_for_the_insurers_staff_only(client: Client, desk: Desk) -> None:
    claim = report(desk)
    claim_actions.claim_receive_document(
        actor=desk.handler, claim_id=claim.pk, item_code="invoice", name="发票.heic", content=photo("HEIF", (20, 12))
    )
    document = claim.documents.get()
    url = f"/workbench/claims/{claim.pk}/documents/{document.pk}/preview.jpg"
    _, theirs = desk.world.theirs.staff(Role.HANDLER, Role.SUPERVISOR)

    ours = signed_in(client, desk.handler).get(url)
    page = client.get(f"/workbench/claims/{claim.pk}/").content.decode()
    refused = signed_in(Client(), theirs).get(url)

    assert Image.open(io.BytesIO(ours.content)).size == (20, 12)
    assert f'src="{url}"' in page
    assert refused.status_code == 404
