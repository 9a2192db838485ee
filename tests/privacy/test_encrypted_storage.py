"""The encrypting storage behind Django's storage API (issue #19): a seekable plaintext file from ``open``, the
plaintext's size from ``size``, a byte range read by seeking; and the same over a store that is not the disk
(an object store's semantics: whole objects, a PUT replacing one), as S3 will be."""

from __future__ import annotations

import io
import os
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage
from django.utils import timezone

from xiaobao.kernel.errors import DamagedFile
from xiaobao.privacy import keys, streaming
from xiaobao.privacy.storage import EncryptedStorage

OBJECTS: dict[str, bytes] = {}


class ObjectStore(Storage):
    """Whole objects by name, a save replacing any object of that name (S3 with file_overwrite): no path."""

    def _save(self, name: str, content: File) -> str:  # type: ignore[type-arg]
        OBJECTS[name] = b"".join(content.chunks())
        return name

    def _open(self, name: str, mode: str = "rb") -> File:  # type: ignore[type-arg]
        return File(io.BytesIO(OBJECTS[name]), name=name)

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        return name

    def exists(self, name: str) -> bool:
        return name in OBJECTS

    def delete(self, name: str) -> None:
        OBJECTS.pop(name, None)

    def size(self, name: str) -> int:
        return len(OBJECTS[name])

    def get_modified_time(self, name: str) -> datetime:
        return timezone.now()


@pytest.fixture
def on_disk(tmp_path: Path) -> EncryptedStorage:
    return EncryptedStorage(
        {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}
    )


@pytest.fixture
def in_object_store() -> EncryptedStorage:
    OBJECTS.clear()
    return EncryptedStorage({"BACKEND": f"{__name__}.ObjectStore"})


def test_open_gives_a_seekable_file_whose_ranges_are_the_plaintexts(on_disk: EncryptedStorage) -> None:
    content = os.urandom(3 * streaming.SEGMENT_SIZE + 100)
    name = on_disk.save("claims/a.pdf", ContentFile(content))

    with on_disk.open(name) as stored:
        assert stored.seekable()
        stored.seek(streaming.SEGMENT_SIZE - 10)
        across = stored.read(20)  # the end of one segment and the start of the next
        stored.seek(-50, io.SEEK_END)
        tail = stored.read()

    assert across == content[streaming.SEGMENT_SIZE - 10 : streaming.SEGMENT_SIZE + 10]
    assert tail == content[-50:]
    assert on_disk.size(name) == len(content)


def test_a_file_cannot_be_opened_for_writing(on_disk: EncryptedStorage) -> None:
    name = on_disk.save("a.pdf", ContentFile(b"%PDF-1.4"))

    with pytest.raises(ValueError, match="save"):
        on_disk.open(name, "wb")


def test_files_have_no_public_address(on_disk: EncryptedStorage) -> None:
    with pytest.raises(NotImplementedError):
        on_disk.url("a.pdf")


def test_an_object_store_holds_only_ciphertext_and_gives_back_the_plaintext(in_object_store: EncryptedStorage) -> None:
    content = b"%PDF-1.4\n" + os.urandom(100_000)

    name = in_object_store.save("complaints/letter.pdf", ContentFile(content))

    assert OBJECTS[name].startswith(streaming.MAGIC)
    assert content[:64] not in OBJECTS[name]
    assert in_object_store.open(name).read() == content
    assert in_object_store.size(name) == len(content)


def test_rotation_rewrites_an_object_in_place_in_an_object_store(
    in_object_store: EncryptedStorage, settings: Any
) -> None:
    content = os.urandom(70_000)
    name = in_object_store.save("claims/id.jpg", ContentFile(content))
    settings.XIAOBAO_ENCRYPTION_KEYS = {"rotated": os.urandom(32), **settings.XIAOBAO_ENCRYPTION_KEYS}
    keys.reset()

    try:
        outcome = in_object_store.rotate(name)
        key_id = in_object_store.key_id_of(name)
        reopened = in_object_store.open(name).read()
    finally:
        keys.reset()

    assert (outcome, key_id) == ("rewrapped", "rotated")
    assert reopened == content
    assert list(OBJECTS) == [name]


def test_a_plaintext_object_is_encrypted_by_rotation_in_an_object_store(in_object_store: EncryptedStorage) -> None:
    OBJECTS["claims/old.pdf"] = b"%PDF-1.4 stored before encryption"

    with pytest.raises(DamagedFile, match="rotate_keys"):
        in_object_store.open("claims/old.pdf")
    outcome = in_object_store.rotate("claims/old.pdf")

    assert outcome == "encrypted"
    assert OBJECTS["claims/old.pdf"].startswith(streaming.MAGIC)
    assert in_object_store.open("claims/old.pdf").read() == b"%PDF-1.4 stored before encryption"
