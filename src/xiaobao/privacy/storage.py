"""Uploaded files encrypted at rest behind Django's storage API (issue #19, SEC-1; ADR 0012).

``EncryptedStorage`` wraps another storage — the disk (``FileSystemStorage``) by default, any storage named
in its ``inner`` option (an S3-compatible one from django-storages) otherwise — and encrypts on ``save``,
decrypts on ``open``, in segments (``privacy.streaming``): every caller (``ops.stored_files``, downloads,
previews, ``upload_orphans``) keeps working through the storage API and sees only plaintext; the inner
storage sees only ciphertext. ``open`` authenticates the whole file first (one pass, a segment in memory at
a time), so a file that opens is whole and a damaged one is refused before any byte is served.

Each file is bound to its name (the name is part of the associated data of its sealed data key,
``streaming``): two stored files swapped on the disk or in the bucket are refused like damaged ones.

File names: uploads are stored under a content address, so a retry finds the file an interrupted attempt
left. ``content_address`` makes that address an HMAC of the content's SHA-256 keyed with the blind-index
key: still the same for the same bytes (a retry still adopts), but a listing of the bucket or a backup no
longer lets anyone confirm a guessed document by hashing it.
"""

from __future__ import annotations

import os
import stat
import tempfile
from datetime import datetime
from typing import IO, Any, cast

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.deconstruct import deconstructible
from django.utils.module_loading import import_string

from xiaobao.kernel.errors import DamagedFile
from xiaobao.privacy import streaming
from xiaobao.privacy.keys import blind_indexer, keyring

ADDRESS_KIND = "stored-file"


@deconstructible(path="xiaobao.privacy.storage.EncryptedStorage")
class EncryptedStorage(Storage):
    """Encrypts what it stores in ``inner`` (``{"BACKEND": …, "OPTIONS": {…}}``, the disk by default).

    ``plaintext_readable`` lets files stored before encryption be read as they are until ``rotate_keys`` has
    encrypted them; off (the default), such a file is refused like a damaged one — otherwise anyone who can
    write to the store could replace an encrypted file by one of their own.
    """

    def __init__(self, inner: dict[str, Any] | None = None, *, plaintext_readable: bool | None = None) -> None:
        spec = inner or {"BACKEND": "django.core.files.storage.FileSystemStorage"}
        self.inner_storage: Storage = import_string(spec["BACKEND"])(**spec.get("OPTIONS", {}))
        self._plaintext_readable = plaintext_readable

    @property
    def plaintext_readable(self) -> bool:
        if self._plaintext_readable is not None:
            return self._plaintext_readable
        return bool(getattr(settings, "XIAOBAO_FILES_PLAINTEXT_READABLE", False))

    # -- naming --------------------------------------------------------------------------------------------

    def content_address(self, sha256: str) -> str:
        """The name part standing for content whose SHA-256 is ``sha256``: keyed, so it confirms nothing."""
        return blind_indexer().index(ADDRESS_KIND, sha256)

    # -- reading -------------------------------------------------------------------------------------------

    def _open(self, name: str, mode: str = "rb") -> File:  # type: ignore[type-arg]
        if any(flag in mode for flag in "wax+"):
            raise ValueError("an encrypted file is written with save(), never opened for writing")
        raw = self.inner_storage.open(name, "rb")
        try:
            if not streaming.is_encrypted(raw.read(len(streaming.MAGIC))):
                raw.seek(0)
                if self.plaintext_readable:
                    return raw
                raise DamagedFile(f"{name}: not encrypted (stored before encryption?); run manage.py rotate_keys")
            reader = streaming.DecryptingReader(cast(IO[bytes], raw), keyring(), name=name)
            reader.verify()
            reader.seek(0)
        except BaseException:
            raw.close()
            raise
        return File(cast(IO[bytes], reader), name=name)

    def size(self, name: str) -> int:
        """The plaintext's size (read from the header and the stored size, nothing decrypted)."""
        with self.inner_storage.open(name, "rb") as raw:
            if not streaming.is_encrypted(raw.read(len(streaming.MAGIC))):
                return int(self.inner_storage.size(name))
            raw.seek(0)
            return streaming.DecryptingReader(cast(IO[bytes], raw), keyring(), name=name).size

    # -- writing -------------------------------------------------------------------------------------------

    def _save(self, name: str, content: File) -> str:  # type: ignore[type-arg]
        if hasattr(content, "seekable") and content.seekable():
            content.seek(0)
        plain_size = getattr(content, "size", None)
        reader = streaming.EncryptingReader(content, keyring(), name=name, plain_size=plain_size)
        encrypted = File(cast(IO[bytes], reader), name=name)
        if reader.size is not None:
            encrypted.size = reader.size
        saved = str(self.inner_storage.save(name, encrypted))
        if saved != name:  # taken meanwhile: the file is bound to the name it was encrypted for
            self.inner_storage.delete(saved)
            raise FileExistsError(f"{name} was stored by another request meanwhile; try again")
        return saved

    def put(self, name: str, plain: streaming.Readable) -> None:
        """Store ``plain`` encrypted under ``name`` exactly (replacing what was there, at once): for a cache
        whose names are its keys, where ``save`` would pick another name beside a file already there."""
        self.replace(name, streaming.EncryptingReader(plain, keyring(), name=name))

    def replace(self, name: str, stream: streaming.Readable, *, must_exist: bool = False) -> None:
        """Put ``stream`` (already encrypted) in place of ``name`` at once: a reader sees the old file or the
        new one, whole, and a crash leaves the old one. With ``must_exist`` (rotation), a file deleted while
        its replacement was being written stays deleted: ``FileNotFoundError``, the replacement discarded.

        On the disk: a temporary file beside it (``.…rotating``: upload_orphans removes one a crash left),
        synced, then renamed over it. Elsewhere the new file is spooled to a local temporary file first (the
        old one may still be being read from) and saved over the old one: the inner storage must overwrite on
        save, as an object store's PUT does (django-storages' ``file_overwrite``, its default).
        """
        if not isinstance(self.inner_storage, FileSystemStorage):
            with tempfile.TemporaryFile() as spool:
                streaming.copy(stream, spool.write)
                spool.seek(0)
                if must_exist and not self.inner_storage.exists(name):
                    raise FileNotFoundError(name)
                saved = self.inner_storage.save(name, File(spool, name=name))
            if saved != name:
                self.inner_storage.delete(saved)
                raise ImproperlyConfigured(f"the storage of encrypted files must overwrite on save ({name})")
            return
        path = self.inner_storage.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".", suffix=".rotating")
        try:
            with os.fdopen(handle, "wb") as out:
                streaming.copy(stream, out.write)
                out.flush()
                os.fsync(out.fileno())
            if os.path.exists(path):
                os.chmod(temporary, stat.S_IMODE(os.stat(path).st_mode))
            elif must_exist:
                raise FileNotFoundError(name)  # deleted meanwhile (upload_orphans, an erasure): not brought back
            os.replace(temporary, path)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise

    # -- key rotation --------------------------------------------------------------------------------------

    def rotate(self, name: str) -> str:
        """Bring ``name`` under the ring's current key (``FileNotFoundError`` if it is gone, or goes meanwhile): ``"current"`` (nothing to do), ``"rewrapped"`` (the data
        key sealed anew; the content untouched) or ``"encrypted"`` (a plaintext file stored before encryption)."""
        ring = keyring()
        with self.inner_storage.open(name, "rb") as raw:
            if not streaming.is_encrypted(raw.read(len(streaming.MAGIC))):
                raw.seek(0)
                self.replace(name, streaming.EncryptingReader(raw, ring, name=name), must_exist=True)
                return "encrypted"
            raw.seek(0)
            header = streaming.read_header(raw, name=name)
            if header.key_id == ring.current_id and header.version == streaming.VERSION:
                return "current"
            self.replace(
                name, streaming.RewrappedReader(streaming.rewrapped(header, ring, name=name), raw), must_exist=True
            )
            return "rewrapped"

    def key_id_of(self, name: str) -> str | None:
        """The id of the key sealing ``name``'s data key; None for a file stored unencrypted."""
        with self.inner_storage.open(name, "rb") as raw:
            if not streaming.is_encrypted(raw.read(len(streaming.MAGIC))):
                return None
            raw.seek(0)
            return streaming.read_header(raw, name=name).key_id

    # -- the rest is the inner storage's ------------------------------------------------------------------

    def delete(self, name: str) -> None:
        self.inner_storage.delete(name)

    def exists(self, name: str) -> bool:
        return bool(self.inner_storage.exists(name))

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        folders, files = self.inner_storage.listdir(path)
        return list(folders), list(files)

    def get_accessed_time(self, name: str) -> datetime:
        return self.inner_storage.get_accessed_time(name)

    def get_created_time(self, name: str) -> datetime:
        return self.inner_storage.get_created_time(name)

    def get_modified_time(self, name: str) -> datetime:
        return self.inner_storage.get_modified_time(name)

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        return str(self.inner_storage.get_available_name(name, max_length=max_length))

    def url(self, name: str | None) -> str:
        raise NotImplementedError("stored files have no public address: they are served through the access check")


def default_encrypted_storage() -> EncryptedStorage:
    storage = storages["default"]
    if not isinstance(storage, EncryptedStorage):
        raise ImproperlyConfigured("STORAGES['default'] must be xiaobao.privacy.storage.EncryptedStorage")
    return storage
