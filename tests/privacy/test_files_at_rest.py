"""Uploaded files are encrypted at rest (issue #19, item 1): a complaint with attachments and a claim with
documents filed through the real pages and API leave nothing readable on disk, while downloads and previews
give the original bytes; a stored file changed or cut short is refused whole; rotate_keys re-wraps files under
the newest key and encrypts any stored before encryption; upload_orphans and adopt-on-retry keep working."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client, override_settings
from PIL import Image

from tests.conftest import World
from tests.portal.conftest import Filer, apply
from tests.support.claims import report
from tests.support.desk import Desk
from tests.support.photos import photo
from tests.support.world import fresh_resident_id
from tests.workbench.test_claim_pages import signed_in
from xiaobao.claims import actions as claim_actions
from xiaobao.claims.models import Claim, ClaimDocument
from xiaobao.complaints.models import Attachment
from xiaobao.identity.actions import staff_key_issue
from xiaobao.privacy import keys, rotation, streaming
from xiaobao.workbench.previews import jpeg_of

pytestmark = pytest.mark.django_db

RECOGNISABLE = (b"%PDF", b"JFIF", b"\xff\xd8\xff", b"ftypheic", b"\x89PNG", b"WEBP")
"""The openings by which a type is known: none may show on disk."""
WINDOW = 16


def pdf(size: int) -> bytes:
    """A PDF-looking file of ``size`` bytes, random after its header (so any 16 of its bytes are its own)."""
    head = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    return head + os.urandom(size - len(head))


def jpeg(size: int) -> bytes:
    return photo("JPEG") + os.urandom(size)


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def filer(world: World) -> Filer:
    return Filer(Client(), world.ours.insurer, fresh_resident_id())


def stored_files(media: Path) -> list[Path]:
    return sorted(path for path in media.rglob("*") if path.is_file())


def windows(content: bytes) -> set[bytes]:
    return {content[i : i + WINDOW] for i in range(max(1, len(content) - WINDOW + 1))}


def filed_through_the_pages(filer: Filer, desk: Desk) -> dict[str, bytes]:
    """A complaint with three attachments through the portal, a claim with documents through the portal and
    the API: the original bytes, by what they are."""
    originals = {
        "letter.pdf": pdf(200_000),  # spans several segments
        "photo.jpg": jpeg(70_000),
        "IMG_0001.HEIC": photo("HEIF", (64, 40)),
        "claim_form.pdf": pdf(65_536),  # exactly one segment
        "id_card.jpg": jpeg(1_000),
        "invoice.pdf": pdf(131_073),  # one byte over two segments, sent through the API
    }
    filer.verified()
    filed = filer.details(
        attachments=[SimpleUploadedFile(name, originals[name]) for name in ("letter.pdf", "photo.jpg", "IMG_0001.HEIC")]
    )
    assert filed.status_code == 302, filed.content.decode()  # type: ignore[attr-defined]
    apply(filer)
    claim = Claim.objects.get()
    sent = filer.client.post(
        f"/claims/{claim.reference}/documents/",
        {
            "doc-claim_form": SimpleUploadedFile("claim_form.pdf", originals["claim_form.pdf"]),
            "doc-id_card": SimpleUploadedFile("id_card.jpg", originals["id_card.jpg"]),
        },
    )
    assert sent.status_code == 302
    _, token = staff_key_issue(actor=desk.handler, label="claims app")
    api = Client().post(
        f"/api/v1/claims/{claim.pk}/documents",
        {"item_code": "invoice", "file": SimpleUploadedFile("invoice.pdf", originals["invoice.pdf"])},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert api.status_code == 201, api.json()
    return originals


def downloads(desk: Desk) -> dict[str, bytes]:
    """Every stored upload as staff download it from the workbench, by the name it was sent with."""
    staff = signed_in(Client(), desk.supervisor)
    got = {}
    for kept in Attachment.objects.all():
        response = staff.get(f"/workbench/complaints/{kept.complaint_id}/attachments/{kept.pk}/?download=1")
        assert response.status_code == 200
        got[kept.original_name] = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    adjuster = signed_in(Client(), desk.handler)
    for document in ClaimDocument.objects.all():
        response = adjuster.get(f"/workbench/claims/{document.claim_id}/documents/{document.pk}/?download=1")
        assert response.status_code == 200
        got[document.original_name] = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return got


def one_stored(desk: Desk, content: bytes, name: str = "letter.pdf") -> tuple[Attachment, str]:
    from xiaobao.complaints import actions
    from xiaobao.complaints.actions import Upload

    complaint = desk.in_state("investigating")
    actions.complaint_attach(actor=desk.supervisor, complaint_id=complaint.pk, uploads=[Upload(name, content)])
    kept = complaint.attachments.get()
    return kept, f"/workbench/complaints/{complaint.pk}/attachments/{kept.pk}/"


def test_every_stored_upload_read_from_disk_holds_none_of_the_original_bytes(
    filer: Filer, desk: Desk, media: Path
) -> None:
    originals = filed_through_the_pages(filer, desk)

    on_disk = [path.read_bytes() for path in stored_files(media)]

    assert len(on_disk) == len(originals) == Attachment.objects.count() + ClaimDocument.objects.count()
    seen = set().union(*(windows(raw) for raw in on_disk))
    for name, original in originals.items():
        assert not windows(original) & seen, f"bytes of {name} are readable on disk"
    for raw in on_disk:
        assert raw.startswith(streaming.MAGIC)
        # a 4-byte opening turns up by chance in N random bytes about N / 2**32 times; the 3-byte JPEG one about
        # N / 2**24 — a test that failed one run in three on megabytes of ciphertext — so that one is looked for
        # where a reader would find it: at the start, and at the start of what follows the format's header
        assert not any(mark in raw for mark in RECOGNISABLE if len(mark) >= 4)
        short = [mark for mark in RECOGNISABLE if len(mark) < 4]
        assert not any(raw[at:].startswith(mark) for mark in short for at in (0, len(streaming.MAGIC)))


def test_stored_file_names_do_not_carry_the_contents_hash(filer: Filer, desk: Desk, media: Path) -> None:
    filed_through_the_pages(filer, desk)

    names = " ".join(str(path) for path in stored_files(media))

    for row in [*Attachment.objects.all(), *ClaimDocument.objects.all()]:
        assert row.sha256 not in names


def test_downloads_give_back_the_original_bytes(filer: Filer, desk: Desk, media: Path) -> None:
    originals = filed_through_the_pages(filer, desk)

    assert downloads(desk) == originals


def test_the_download_says_its_plaintext_length(desk: Desk, media: Path) -> None:
    content = pdf(150_000)
    kept, url = one_stored(desk, content)

    response = signed_in(Client(), desk.supervisor).get(url + "?download=1")

    assert response["Content-Length"] == str(len(content))
    assert kept.file.size == len(content)
    assert (media / kept.file.name).stat().st_size > len(content)


def test_the_preview_of_a_stored_photo_is_drawn_from_the_original(desk: Desk, media: Path) -> None:
    heic = photo("HEIF", (64, 40))
    _, url = one_stored(desk, heic, "IMG_0001.HEIC")

    preview = signed_in(Client(), desk.supervisor).get(url + "preview.jpg")

    expected, _ = jpeg_of(_plain_field_file(heic))
    assert preview.status_code == 200
    assert preview.content == expected
    assert Image.open(io.BytesIO(preview.content)).size == (64, 40)


def test_the_preview_of_a_photo_spanning_many_segments_is_drawn_from_the_original(desk: Desk, media: Path) -> None:
    drawn = io.BytesIO()
    Image.frombytes("RGB", (300, 200), os.urandom(300 * 200 * 3)).save(drawn, format="WEBP", lossless=True)
    webp = drawn.getvalue()
    _, url = one_stored(desk, webp, "微信图片.webp")

    preview = signed_in(Client(), desk.supervisor).get(url + "preview.jpg")

    assert len(webp) > 2 * streaming.SEGMENT_SIZE
    assert preview.status_code == 200
    assert preview.content == jpeg_of(_plain_field_file(webp))[0]


def _plain_field_file(content: bytes) -> Any:
    """The original bytes behind the interface ``jpeg_of`` reads, as if they had never been stored."""

    class Plain:
        def open(self, mode: str) -> io.BytesIO:
            return io.BytesIO(content)

    return Plain()


def test_a_stored_file_with_one_byte_changed_is_refused_and_none_of_it_is_served(desk: Desk, media: Path) -> None:
    content = pdf(100_000)
    kept, url = one_stored(desk, content)
    stored = bytearray((media / kept.file.name).read_bytes())
    stored[len(stored) // 2] ^= 0x01
    (media / kept.file.name).write_bytes(bytes(stored))

    response = signed_in(Client(), desk.supervisor).get(url + "?download=1", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 409
    assert "changed or damaged, so none of it is served" in response.content.decode()
    assert content[:64] not in response.content
    assert response["Content-Type"].startswith("text/plain")


def test_two_stored_files_swapped_on_disk_are_refused_under_each_others_name(desk: Desk, media: Path) -> None:
    """Given two files stored whole and encrypted under the same key, when someone with access to the disk
    swaps them, then neither is served under the other's name: each is bound to the name it was stored as."""
    letter, letter_url = one_stored(desk, pdf(70_000))
    photo_kept, photo_url = one_stored(desk, jpeg(5_000), "photo.jpg")
    first, second = media / letter.file.name, media / photo_kept.file.name
    first_bytes, second_bytes = first.read_bytes(), second.read_bytes()
    first.write_bytes(second_bytes)
    second.write_bytes(first_bytes)

    staff = signed_in(Client(), desk.supervisor)
    responses = [staff.get(letter_url + "?download=1"), staff.get(photo_url + "?download=1")]

    assert [r.status_code for r in responses] == [409, 409]
    assert all(b"%PDF" not in r.content and b"JFIF" not in r.content for r in responses)


def test_rotate_keys_binds_a_file_of_the_first_format_to_its_name(desk: Desk, media: Path) -> None:
    """A file encrypted before files were bound to their names (format 1) is re-wrapped, bound, by rotate_keys."""
    content = pdf(3_000)
    kept, url = one_stored(desk, content)
    path = media / kept.file.name
    ring = keys.keyring()
    data_key = streaming.data_key_of(streaming.read_header(io.BytesIO(path.read_bytes())), ring, name=kept.file.name)
    old = streaming.read_header(io.BytesIO(path.read_bytes()))
    first_format = streaming.Header(old.segment_size, old.prefix, old.key_id, b"", version=1)
    _, wrapped = ring.wrap(data_key, context=first_format.context(kept.file.name))
    path.write_bytes(
        streaming.Header(old.segment_size, old.prefix, old.key_id, wrapped, version=1).to_bytes()
        + path.read_bytes()[old.length :]
    )
    out = io.StringIO()

    call_command("rotate_keys", stdout=out)

    assert "1 of 1 re-wrapped" in out.getvalue()
    assert streaming.read_header(io.BytesIO(path.read_bytes())).version == streaming.VERSION
    response = signed_in(Client(), desk.supervisor).get(url + "?download=1")
    assert b"".join(response.streaming_content) == content  # type: ignore[attr-defined]


def test_a_stored_file_cut_short_is_refused(desk: Desk, media: Path) -> None:
    content = pdf(140_000)
    kept, url = one_stored(desk, content)
    path = media / kept.file.name
    path.write_bytes(path.read_bytes()[: -(streaming.SEGMENT_SIZE // 2)])

    response = signed_in(Client(), desk.supervisor).get(url + "?download=1")

    assert response.status_code == 409
    assert b"%PDF" not in response.content


def test_a_damaged_photo_gets_no_preview_but_the_same_clear_refusal(desk: Desk, media: Path) -> None:
    kept, url = one_stored(desk, photo("HEIF"), "IMG_0001.HEIC")
    path = media / kept.file.name
    path.write_bytes(path.read_bytes()[:-1])

    response = signed_in(Client(), desk.supervisor).get(url + "preview.jpg")

    assert response.status_code == 409
    assert response["Content-Type"].startswith("text/plain")


def test_rotate_keys_rewraps_files_under_the_newest_key_and_they_open_without_the_old_one(
    desk: Desk, media: Path, settings: Any
) -> None:
    content = pdf(90_000)
    kept, url = one_stored(desk, content)
    path = media / kept.file.name
    before = path.read_bytes()
    old_ring = dict(settings.XIAOBAO_ENCRYPTION_KEYS)
    new_ring = {"rotated": os.urandom(32), **old_ring}
    out = io.StringIO()

    try:
        with override_settings(XIAOBAO_ENCRYPTION_KEYS=new_ring):
            keys.reset()
            before_rotation = signed_in(Client(), desk.supervisor).get(url + "?download=1")
            assert b"".join(before_rotation.streaming_content) == content  # type: ignore[attr-defined]
            call_command("rotate_keys", stdout=out)
        after = path.read_bytes()
        with override_settings(XIAOBAO_ENCRYPTION_KEYS={"rotated": new_ring["rotated"]}):
            keys.reset()
            response = signed_in(Client(), desk.supervisor).get(url + "?download=1")
            downloaded = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    finally:
        keys.reset()

    assert "stored files: 1 of 1 re-wrapped, 0 stored before encryption now encrypted, 0 damaged" in out.getvalue()
    old_header = streaming.read_header(io.BytesIO(before))
    new_header = streaming.read_header(io.BytesIO(after))
    assert (old_header.key_id, new_header.key_id) == (next(iter(old_ring)), "rotated")
    assert after[new_header.length :] == before[old_header.length :]  # the content itself was not re-encrypted
    assert downloaded == content


def test_rotate_keys_leaves_a_file_already_under_the_newest_key_as_it_is(desk: Desk, media: Path) -> None:
    kept, _ = one_stored(desk, pdf(1_000))
    before = (media / kept.file.name).read_bytes()
    out = io.StringIO()

    call_command("rotate_keys", stdout=out)

    assert "stored files: 0 of 1 re-wrapped" in out.getvalue()
    assert (media / kept.file.name).read_bytes() == before


def test_rotate_keys_encrypts_a_file_stored_before_encryption_and_says_how_many(desk: Desk, media: Path) -> None:
    content = pdf(80_000)
    kept, url = one_stored(desk, content)
    path = media / kept.file.name
    path.write_bytes(content)  # as every upload was stored before issue #19
    refused = signed_in(Client(), desk.supervisor).get(url + "?download=1")
    out = io.StringIO()

    call_command("rotate_keys", stdout=out)

    assert refused.status_code == 409  # not served unencrypted: anyone able to write the disk could plant one
    assert "0 of 1 re-wrapped, 1 stored before encryption now encrypted, 0 damaged" in out.getvalue()
    raw = path.read_bytes()
    assert raw.startswith(streaming.MAGIC)
    assert content[100:164] not in raw
    response = signed_in(Client(), desk.supervisor).get(url + "?download=1")
    assert b"".join(response.streaming_content) == content  # type: ignore[attr-defined]


def test_a_file_stored_before_encryption_is_served_meanwhile_when_the_setting_allows(
    desk: Desk, media: Path, settings: Any
) -> None:
    content = pdf(5_000)
    kept, url = one_stored(desk, content)
    (media / kept.file.name).write_bytes(content)
    settings.XIAOBAO_FILES_PLAINTEXT_READABLE = True

    response = signed_in(Client(), desk.supervisor).get(url + "?download=1")

    assert b"".join(response.streaming_content) == content  # type: ignore[attr-defined]


def test_rotate_keys_names_a_damaged_file_and_goes_on(desk: Desk, media: Path, settings: Any) -> None:
    damaged, _ = one_stored(desk, pdf(3_000))
    (media / damaged.file.name).write_bytes(streaming.MAGIC + b"\0" * 20)
    fine, _ = one_stored(desk, pdf(3_000), "second.pdf")
    new_ring = {"rotated": os.urandom(32), **settings.XIAOBAO_ENCRYPTION_KEYS}
    out, err = io.StringIO(), io.StringIO()

    try:
        with override_settings(XIAOBAO_ENCRYPTION_KEYS=new_ring):
            keys.reset()
            call_command("rotate_keys", stdout=out, stderr=err)
            assert default_storage.key_id_of(fine.file.name) == "rotated"
    finally:
        keys.reset()

    assert "1 of 2 re-wrapped, 0 stored before encryption now encrypted, 1 damaged" in out.getvalue()
    assert damaged.file.name in err.getvalue()


def test_rotate_keys_reports_a_file_deleted_after_the_listing_and_goes_on(
    desk: Desk, media: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given two stored files, one deleted between the listing and its turn (the orphan sweep, an erasure),
    when keys rotate, then it is named as deleted meanwhile, the other is re-wrapped, and nothing comes back."""
    gone, _ = one_stored(desk, pdf(3_000))
    fine, _ = one_stored(desk, pdf(3_000), "second.pdf")
    listed = rotation.stored_names

    def listed_then_deleted(storage: Any, folder: str) -> list[str]:
        names = list(listed(storage, folder))
        if gone.file.name in names:
            default_storage.delete(gone.file.name)
        return names

    monkeypatch.setattr(rotation, "stored_names", listed_then_deleted)
    new_ring = {"rotated": os.urandom(32), **settings.XIAOBAO_ENCRYPTION_KEYS}
    out, err = io.StringIO(), io.StringIO()
    try:
        with override_settings(XIAOBAO_ENCRYPTION_KEYS=new_ring):
            keys.reset()
            call_command("rotate_keys", stdout=out, stderr=err)
            assert default_storage.key_id_of(fine.file.name) == "rotated"
    finally:
        keys.reset()

    assert "1 of 2 re-wrapped, 0 stored before encryption now encrypted, 0 damaged, 1 deleted meanwhile" in (
        out.getvalue()
    )
    assert gone.file.name in err.getvalue()
    assert not (media / gone.file.name).exists()


def test_a_file_deleted_while_its_rotation_is_written_is_not_brought_back(
    desk: Desk, media: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given a file deleted after rotation read it but before its replacement took its place, when the
    rotation ends, then the file stays deleted and no temporary file is left."""
    kept, _ = one_stored(desk, pdf(90_000))
    copy = streaming.copy

    def deleted_meanwhile(stream: Any, write: Any) -> None:
        (media / kept.file.name).unlink(missing_ok=True)
        copy(stream, write)

    monkeypatch.setattr(streaming, "copy", deleted_meanwhile)
    new_ring = {"rotated": os.urandom(32), **settings.XIAOBAO_ENCRYPTION_KEYS}
    out = io.StringIO()
    try:
        with override_settings(XIAOBAO_ENCRYPTION_KEYS=new_ring):
            keys.reset()
            call_command("rotate_keys", stdout=out, stderr=io.StringIO())
    finally:
        keys.reset()

    assert "1 deleted meanwhile" in out.getvalue()
    assert stored_files(media) == []


def test_the_orphan_sweep_still_removes_an_encrypted_file_no_row_names(desk: Desk, media: Path) -> None:
    kept, _ = one_stored(desk, pdf(2_000))
    orphan = default_storage.save("complaints/complaint-999/left-behind.pdf", ContentFile(pdf(2_000)))
    long_ago = time.time() - 2 * 3600
    for name in (orphan, kept.file.name):
        os.utime(media / name, (long_ago, long_ago))
    out = io.StringIO()

    call_command("upload_orphans", "--delete", stdout=out)

    assert stored_files(media) == [media / kept.file.name]
    assert "1 files without a row deleted" in out.getvalue()


def test_a_retry_adopts_the_encrypted_file_an_interrupted_attempt_left(desk: Desk, media: Path) -> None:
    claim = report(desk)
    content = pdf(70_000)
    first = claim_actions.claim_receive_document(
        actor=desk.handler, claim_id=claim.pk, item_code="invoice", name="发票.pdf", content=content
    )
    stored = (media / first.file.name).read_bytes()
    ClaimDocument.objects.filter(pk=first.pk).delete()  # as if its transaction had never committed

    again = claim_actions.claim_receive_document(
        actor=desk.handler, claim_id=claim.pk, item_code="invoice", name="发票.pdf", content=content
    )

    assert again.file.name == first.file.name
    assert (media / again.file.name).read_bytes() == stored  # adopted as it was, not encrypted a second time
    assert again.file.read() == content
