"""Keeping an uploaded file once, in step with its row (issue #12, item 10).

A file arrives as bytes or as an uploaded file already streamed to disk; it is measured, recognised and
hashed in chunks, never read whole into memory. It is stored under a content address (under its case; the
SHA-256 of its bytes, keyed by the storage when it can — ``address_of``), so:

- a retry of the same bytes finds the same name: a file an interrupted attempt left behind is adopted
  (after checking its bytes), never written a second time beside it;
- ``removed_on_failure`` deletes every file this attempt wrote when the block raises — the database
  transaction inside it has rolled back by then, so no row points to it (this covers errors, a client
  gone, and gunicorn's worker timeout, which raises ``SystemExit``).

What is left is a process killed outright (SIGKILL, power) between writing the file and committing the
row: its file waits under its content address, the client's retry adopts it, and if no retry comes
``manage.py upload_orphans --delete`` removes it once it is older than an hour.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import ParamSpec, TypeVar

from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models.fields.files import FieldFile

from xiaobao.kernel.errors import DamagedFile

HEAD_BYTES = 16
P = ParamSpec("P")
R = TypeVar("R")


def as_file(content: bytes | File) -> File:  # type: ignore[type-arg]
    return ContentFile(content) if isinstance(content, bytes) else content


def size_of(content: bytes | File) -> int:  # type: ignore[type-arg]
    """Known without reading: the length of the bytes, or the size the upload handler counted."""
    return len(content) if isinstance(content, bytes) else int(content.size)


def head_of(content: bytes | File, length: int = HEAD_BYTES) -> bytes:  # type: ignore[type-arg]
    """The first bytes, to recognise the type from the content."""
    if isinstance(content, bytes):
        return content[:length]
    content.seek(0)
    head = content.read(length)
    content.seek(0)
    return bytes(head)


def sha256_of(content: bytes | File) -> str:  # type: ignore[type-arg]
    if isinstance(content, bytes):
        return hashlib.sha256(content).hexdigest()
    digest = hashlib.sha256()
    content.seek(0)
    for chunk in content.chunks():
        digest.update(chunk)
    content.seek(0)
    return digest.hexdigest()


def address_of(field_file: FieldFile, sha256: str) -> str:
    """The name part that stands for content with this SHA-256: what the storage makes of it (an encrypting
    storage keys it, so a file's name does not confirm a guess of its content), else the SHA-256 itself.
    The same bytes give the same address, so a retry finds the file an interrupted attempt left."""
    keyed = getattr(field_file.storage, "content_address", None)
    return str(keyed(sha256)) if callable(keyed) else sha256


def _stored_sha256(field_file: FieldFile, name: str) -> str:
    digest = hashlib.sha256()
    with field_file.storage.open(name, "rb") as stored:
        for chunk in iter(lambda: stored.read(64 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def store_once(
    field_file: FieldFile,
    name: str,
    content: bytes | File,  # type: ignore[type-arg]
    sha256: str,
) -> None:
    """Store ``content`` under its content address ``name`` and point ``field_file`` at it.

    Runs inside ``removed_on_failure``, which deletes the file again if the block fails.
    The caller holds the lock of the case, so no one else stores under this name meanwhile. A file already
    there with the same bytes (left by an interrupted attempt) is adopted; one with other bytes (cut off
    while being written) is replaced.
    """
    written = _open_lists.get()
    if written is None:
        raise RuntimeError("store_once runs inside removed_on_failure (or an action decorated with atomic)")
    storage = field_file.storage
    if storage.exists(name):
        try:
            same = _stored_sha256(field_file, name) == sha256
        except DamagedFile:  # cut off while being written (or damaged since): replaced below
            same = False
        if same:
            field_file.name = name
            return
        storage.delete(name)
    upload = as_file(content)
    upload.seek(0)
    saved = storage.save(name, upload)
    written.append((storage, saved))
    field_file.name = saved


_open_lists: ContextVar[list[tuple[Storage, str]] | None] = ContextVar("stored_files_open_lists", default=None)


@contextmanager
def removed_on_failure() -> Iterator[list[tuple[Storage, str]]]:
    """Yields the list ``store_once`` appends to; if the block raises, those files are deleted again.

    Put the ``transaction.atomic`` block inside it: by the time a file is deleted its rows are rolled back.
    Nested blocks (an action calling another) hand what they wrote to the enclosing block, so a failure of
    the outer transaction after the inner one returned removes those files too.
    """
    enclosing = _open_lists.get()
    written: list[tuple[Storage, str]] = []
    token = _open_lists.set(written)
    try:
        yield written
    except BaseException:
        for storage, name in written:
            storage.delete(name)
        raise
    else:
        if enclosing is not None:
            enclosing.extend(written)
    finally:
        _open_lists.reset(token)


def atomic(action: Callable[P, R]) -> Callable[P, R]:
    """``transaction.atomic`` for an action that stores files: the transaction inside ``removed_on_failure``,
    so when it rolls back (an error, the commit failing, a worker timeout) the files it wrote are deleted."""

    @functools.wraps(action)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with removed_on_failure(), transaction.atomic():
            return action(*args, **kwargs)

    return run


OWNERS: dict[str, Callable[[], Iterable[str]]] = {}
"""Each folder of stored uploads and the function naming every file a row of its app points to; registered
by the owning app when it is ready, so this layer reads no case data itself."""


def register_owner(folder: str, named: Callable[[], Iterable[str]]) -> None:
    OWNERS[folder] = named


def stored_names(storage: Storage, folder: str) -> list[str]:
    """Every file stored under ``folder``, at any depth."""
    if not storage.exists(folder):
        return []
    folders, files = storage.listdir(folder)
    names = [f"{folder}/{name}" for name in files]
    for sub in folders:
        names += stored_names(storage, f"{folder}/{sub}")
    return names
