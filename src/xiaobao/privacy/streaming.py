"""Files encrypted at rest in segments (issue #19, SEC-1; ADR 0012). No Django here.

Envelope encryption with the key ring of the text fields: each file gets its own random 256-bit data key,
sealed (AES-GCM) under the ring's current key, whose id is written in the header; the content is encrypted
with the data key in fixed-size segments, the STREAM construction over AES-256-GCM (Hoang, Reyhanitabar,
Rogaway, Vizár: "Online authenticated-encryption and its nonce-reuse misuse-resistance"; the layout of
Tink's AES-GCM-HKDF streaming AEAD). Segment ``i`` is sealed with the nonce ``prefix ‖ i ‖ last``, so a
changed byte, segments swapped, a file cut short (even at a segment boundary) or bytes appended all fail
authentication. The file is encrypted and decrypted a segment at a time, never whole in memory, and a byte
range is read by seeking to its segment.

Layout::

    magic (8) ‖ segment size (4, big-endian) ‖ nonce prefix (7) ‖ key id length (1) ‖ key id
    ‖ sealed data key (12 nonce + 32 + 16 tag)
    ‖ segment 0 ‖ … ‖ segment n-1        each ``segment size`` + 16 bytes, the last one 16 to that

The sealed data key is bound to everything before it, so a header edited to another segment size, prefix
or key id does not open — and, from format version 2, to the file's name in the storage too, so two stored
files swapped (or one copied over another) do not open under each other's name. Re-wrapping under a newer
key (``rotate_keys``) rewrites the header only, and brings a version-1 file (bound to no name) to version 2.
A file without the magic is one stored before encryption (or not ours): ``is_encrypted`` tells them apart.
"""

from __future__ import annotations

import io
import os
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from xiaobao.kernel.errors import DamagedFile
from xiaobao.privacy.crypto import DecryptionError, Keyring

MAGIC = b"\x89XBF\r\n\x1a\x02"
"""Like PNG's: not text, not any accepted upload type's start; the last byte is the format version."""
MAGIC_V1 = b"\x89XBF\r\n\x1a\x01"
"""Version 1: the data key bound to the header only, not to the file's name (read; rotate_keys upgrades)."""
VERSION = 2
SEGMENT_SIZE = 64 * 1024
TAG_BYTES = 16
DATA_KEY_BYTES = 32
PREFIX_BYTES = 7
_FIXED = struct.Struct(">8sI7sB")  # magic, segment size, nonce prefix, key id length
_WRAPPED_BYTES = 12 + DATA_KEY_BYTES + TAG_BYTES
_LONGEST_SEGMENT = 16 * 1024 * 1024
_LAST_SEGMENT = 2**32 - 1


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def is_encrypted(head: bytes) -> bool:
    """Whether a stored file's first bytes are this format's header."""
    return head[: len(MAGIC)] in (MAGIC, MAGIC_V1)


@dataclass(frozen=True)
class Header:
    segment_size: int
    prefix: bytes
    key_id: str
    wrapped_key: bytes
    version: int = VERSION

    @property
    def length(self) -> int:
        return _FIXED.size + len(self.key_id.encode("ascii")) + _WRAPPED_BYTES

    def bound(self) -> bytes:
        """What the sealed data key is bound to: everything in the header before it."""
        key_id = self.key_id.encode("ascii")
        magic = MAGIC if self.version == VERSION else MAGIC_V1
        return _FIXED.pack(magic, self.segment_size, self.prefix, len(key_id)) + key_id

    def context(self, name: str) -> bytes:
        """The associated data of the sealed data key: the header before it and, from version 2, the name."""
        if self.version == 1:
            return self.bound()
        return self.bound() + b"\x00" + name.replace("\\", "/").lstrip("/").encode("utf-8")

    def to_bytes(self) -> bytes:
        return self.bound() + self.wrapped_key


def new_header(ring: Keyring, *, name: str = "file", segment_size: int = SEGMENT_SIZE) -> tuple[Header, bytes]:
    """A fresh header for the file stored as ``name``, and the data key it seals."""
    data_key, prefix = AESGCM.generate_key(bit_length=256), os.urandom(PREFIX_BYTES)
    return _sealed(ring, data_key, prefix, segment_size, name), data_key


def _sealed(ring: Keyring, data_key: bytes, prefix: bytes, segment_size: int, name: str) -> Header:
    key_id = ring.current_id
    unsealed = Header(segment_size, prefix, key_id, b"")
    _, wrapped = ring.wrap(data_key, context=unsealed.context(name))
    return Header(segment_size, prefix, key_id, wrapped)


def read_header(raw: Readable, *, name: str = "file") -> Header:
    fixed = _read_exactly(raw, _FIXED.size)
    if len(fixed) < _FIXED.size or not is_encrypted(fixed):
        raise DamagedFile(f"{name}: no encryption header (stored before encryption, or not a stored file)")
    magic, segment_size, prefix, key_id_length = _FIXED.unpack(fixed)
    if not 0 < segment_size <= _LONGEST_SEGMENT:
        raise DamagedFile(f"{name}: segment size {segment_size} in the header is not possible")
    key_id = _read_exactly(raw, key_id_length)
    wrapped = _read_exactly(raw, _WRAPPED_BYTES)
    if len(key_id) < key_id_length or len(wrapped) < _WRAPPED_BYTES:
        raise DamagedFile(f"{name}: cut short inside its header")
    try:
        return Header(segment_size, prefix, key_id.decode("ascii"), wrapped, 1 if magic == MAGIC_V1 else VERSION)
    except UnicodeDecodeError:
        raise DamagedFile(f"{name}: the key id in the header is not a key id") from None


def data_key_of(header: Header, ring: Keyring, *, name: str = "file") -> bytes:
    try:
        return ring.unwrap(header.key_id, header.wrapped_key, context=header.context(name))
    except DecryptionError as error:
        raise DamagedFile(f"{name}: {error} (or it is another stored file's, moved here)") from None


def rewrapped(header: Header, ring: Keyring, *, name: str = "file") -> Header:
    """The same data key (so the same segments) sealed under the ring's current key, bound to ``name``."""
    return _sealed(ring, data_key_of(header, ring, name=name), header.prefix, header.segment_size, name)


def _nonce(prefix: bytes, index: int, *, last: bool) -> bytes:
    if index >= _LAST_SEGMENT:
        raise DamagedFile("too many segments for one file")
    return prefix + struct.pack(">IB", index, 1 if last else 0)


def encrypted_size(plain_size: int, header: Header) -> int:
    segments = max(1, -(-plain_size // header.segment_size))
    return header.length + plain_size + segments * TAG_BYTES


def _read_exactly(raw: Readable, size: int) -> bytes:
    """``size`` bytes, or fewer only at the end: a reader may return short reads before its end."""
    first = raw.read(size)
    if len(first) == size or not first:
        return bytes(first)
    parts, left = [first], size - len(first)
    while left > 0:
        more = raw.read(left)
        if not more:
            break
        parts.append(more)
        left -= len(more)
    return b"".join(parts)


class _ReadOnlyStream(io.RawIOBase):
    """Bytes handed out from ``_produce``'s blocks, through the file interface storages expect."""

    def __init__(self) -> None:
        self._pending = memoryview(b"")

    def _produce(self) -> bytes | None:
        raise NotImplementedError

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view, filled = memoryview(buffer).cast("B"), 0
        while filled < len(view):
            if not self._pending:
                block = self._produce()
                if block is None:
                    break
                self._pending = memoryview(block)
                continue
            count = min(len(view) - filled, len(self._pending))
            view[filled : filled + count] = self._pending[:count]
            self._pending = self._pending[count:]
            filled += count
        return filled


class EncryptingReader(_ReadOnlyStream):
    """Reading it gives the encrypted file of what ``plain`` holds from its current position: the header, then
    each segment as soon as the next one shows whether it was the last. Not seekable (a storage copies it)."""

    def __init__(
        self,
        plain: Readable,
        ring: Keyring,
        *,
        name: str = "file",
        plain_size: int | None = None,
        segment_size: int = SEGMENT_SIZE,
    ) -> None:
        super().__init__()
        self._plain = plain
        self.header, data_key = new_header(ring, name=name, segment_size=segment_size)
        self._cipher = AESGCM(data_key)
        self._index = 0
        self._started = self._finished = False
        self._next = b""
        self.size = None if plain_size is None else encrypted_size(plain_size, self.header)

    def _produce(self) -> bytes | None:
        if self._finished:
            return None
        if not self._started:
            self._started = True
            self._next = _read_exactly(self._plain, self.header.segment_size)
            return self.header.to_bytes()
        current = self._next
        self._next = b"" if len(current) < self.header.segment_size else self._read_next()
        last = not self._next
        sealed = self._cipher.encrypt(_nonce(self.header.prefix, self._index, last=last), current, None)
        self._index += 1
        self._finished = last
        return sealed

    def _read_next(self) -> bytes:
        return _read_exactly(self._plain, self.header.segment_size)


class RewrappedReader(_ReadOnlyStream):
    """An encrypted file with its header replaced (the data key sealed under another key); the segments are
    copied as they are, never decrypted."""

    def __init__(self, header: Header, raw_after_header: Readable, *, block: int = SEGMENT_SIZE) -> None:
        super().__init__()
        self._header: bytes | None = header.to_bytes()
        self._raw, self._block = raw_after_header, block

    def _produce(self) -> bytes | None:
        if self._header is not None:
            header, self._header = self._header, None
            return header
        block = self._raw.read(self._block)
        return bytes(block) if block else None


class DecryptingReader(io.RawIOBase):
    """The plaintext of an encrypted file, read and sought a segment at a time; every segment is authenticated
    before any of its bytes is handed out (``DamagedFile`` otherwise). ``verify`` authenticates them all."""

    def __init__(self, raw: IO[bytes], ring: Keyring, *, name: str = "file") -> None:
        super().__init__()
        self._raw, self._name = raw, name
        raw.seek(0, io.SEEK_END)
        total = raw.tell()
        raw.seek(0)
        self.header = read_header(raw, name=name)
        self._cipher = AESGCM(data_key_of(self.header, ring, name=name))
        self._unit = self.header.segment_size + TAG_BYTES
        full, rest = divmod(total - self.header.length, self._unit)
        if (rest == 0 and full == 0) or 0 < rest < TAG_BYTES:
            raise DamagedFile(f"{name}: cut short (its length fits no whole segment)")
        self._segments = full + (1 if rest else 0)
        self.size = full * self.header.segment_size + (rest - TAG_BYTES if rest else 0)
        self._position = 0
        self._cached: tuple[int, bytes] | None = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self.size}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._position = base + offset
        return self._position

    def segment(self, index: int) -> bytes:
        """Segment ``index`` decrypted and authenticated (with whether it is the last one)."""
        if self._cached is not None and self._cached[0] == index:
            return self._cached[1]
        self._raw.seek(self.header.length + index * self._unit)
        sealed = _read_exactly(self._raw, self._unit)
        last = index == self._segments - 1
        try:
            plain = self._cipher.decrypt(_nonce(self.header.prefix, index, last=last), sealed, None)
        except InvalidTag:
            what = "changed, cut short or appended to" if last else "changed"
            raise DamagedFile(f"{self._name}: segment {index} fails authentication ({what})") from None
        self._cached = (index, plain)
        return plain

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        """Fills ``buffer`` across segment boundaries (short only at the end): readers such as Pillow take a
        short read for the end of the file."""
        view, filled = memoryview(buffer).cast("B"), 0
        while filled < len(view) and self._position < self.size:
            index, offset = divmod(self._position, self.header.segment_size)
            plain = self.segment(index)[offset : offset + len(view) - filled]
            view[filled : filled + len(plain)] = plain
            filled += len(plain)
            self._position += len(plain)
        return filled

    def readall(self) -> bytes:
        parts = []
        while block := self.read(self.header.segment_size):
            parts.append(block)
        return b"".join(parts)

    def verify(self) -> None:
        """Authenticate every segment (one pass, one segment in memory), so a file that opens is whole."""
        for index in range(self._segments):
            self.segment(index)

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
            self._cached = None
        super().close()


def copy(source: Readable, write: Callable[[bytes], object], *, block: int = SEGMENT_SIZE) -> None:
    while chunk := source.read(block):
        write(chunk)
