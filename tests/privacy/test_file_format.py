"""The format of files encrypted at rest (issue #19, ADR 0012): what goes in comes out, from any byte on, across
segment boundaries; a changed byte, a file cut short, segments swapped or bytes appended are refused; a header
re-wrapped under a new key opens with the new key alone and leaves the segments as they were."""

from __future__ import annotations

import io
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xiaobao.kernel.errors import DamagedFile
from xiaobao.privacy import streaming
from xiaobao.privacy.crypto import Keyring

OLD_KEY, NEW_KEY = os.urandom(32), os.urandom(32)
RING = Keyring({"k2026": OLD_KEY})
SEGMENT = 32  # small segments, so a few hundred bytes cross many boundaries


def encrypted(plain: bytes, ring: Keyring = RING, segment_size: int = SEGMENT) -> bytes:
    return streaming.EncryptingReader(io.BytesIO(plain), ring, segment_size=segment_size).read()


def opened(stored: bytes, ring: Keyring = RING) -> streaming.DecryptingReader:
    return streaming.DecryptingReader(io.BytesIO(stored), ring)


def sized(longest: int, shortest: int = 0) -> st.SearchStrategy[bytes]:
    """Bytes of any length up to ``longest``, drawn evenly (hypothesis' own binary() stays short, under one
    small segment, and would never cross a boundary)."""
    return st.integers(shortest, longest).flatmap(lambda n: st.binary(min_size=n, max_size=n))


def around_boundaries(segment_size: int) -> st.SearchStrategy[int]:
    """Lengths at, just under and just over a multiple of the segment size (and anything up to a few)."""
    return st.one_of(
        st.integers(0, 5 * segment_size),
        st.builds(lambda n, d: max(0, n * segment_size + d), st.integers(0, 5), st.integers(-1, 1)),
    )


@given(data=st.data(), segment_size=st.integers(1, 80))
def test_what_is_encrypted_decrypts_to_the_same_bytes_across_segment_boundaries(
    data: st.DataObject, segment_size: int
) -> None:
    plain = data.draw(around_boundaries(segment_size).flatmap(lambda n: st.binary(min_size=n, max_size=n)))

    stored = encrypted(plain, segment_size=segment_size)
    reader = opened(stored)

    assert reader.size == len(plain)
    assert len(stored) == streaming.encrypted_size(len(plain), reader.header)
    reader.verify()
    assert reader.read() == plain


@given(plain=sized(8 * SEGMENT), data=st.data())
def test_any_byte_range_reads_the_same_bytes_as_the_plaintext(plain: bytes, data: st.DataObject) -> None:
    reader = opened(encrypted(plain))
    start = data.draw(st.integers(0, len(plain) + 5))
    length = data.draw(st.integers(0, len(plain) + 5))

    reader.seek(start)
    got = reader.read(length)

    assert got == plain[start : start + length]
    assert reader.tell() == start + len(got)


@given(plain=sized(6 * SEGMENT, shortest=1), data=st.data())
def test_a_one_byte_change_anywhere_is_refused(plain: bytes, data: st.DataObject) -> None:
    stored = bytearray(encrypted(plain))
    where = data.draw(st.integers(0, len(stored) - 1))
    stored[where] ^= data.draw(st.integers(1, 255))

    with pytest.raises(DamagedFile):
        opened(bytes(stored)).verify()


@given(plain=sized(6 * SEGMENT), data=st.data())
def test_a_file_cut_short_anywhere_is_refused(plain: bytes, data: st.DataObject) -> None:
    stored = encrypted(plain)
    kept = data.draw(st.integers(0, len(stored) - 1))

    with pytest.raises(DamagedFile):
        opened(stored[:kept]).verify()


def test_a_file_cut_at_a_segment_boundary_is_refused() -> None:
    stored = encrypted(b"x" * (3 * SEGMENT))
    header = opened(stored).header

    with pytest.raises(DamagedFile, match="segment 1"):
        opened(stored[: header.length + 2 * (SEGMENT + streaming.TAG_BYTES)]).verify()


def test_bytes_appended_are_refused() -> None:
    stored = encrypted(b"y" * (2 * SEGMENT))

    with pytest.raises(DamagedFile):
        opened(stored + b"\0" * (SEGMENT + streaming.TAG_BYTES)).verify()


def test_segments_swapped_are_refused() -> None:
    stored = encrypted(bytes(range(3 * SEGMENT)))
    header_length, unit = opened(stored).header.length, SEGMENT + streaming.TAG_BYTES
    first, second = (stored[header_length + i * unit : header_length + (i + 1) * unit] for i in (0, 1))
    swapped = stored[:header_length] + second + first + stored[header_length + 2 * unit :]

    with pytest.raises(DamagedFile, match="segment 0"):
        opened(swapped).verify()


def test_a_header_edited_to_another_segment_size_does_not_open() -> None:
    stored = bytearray(encrypted(b"z" * 100))
    stored[len(streaming.MAGIC) + 3] = SEGMENT // 2  # the low byte of the segment size

    with pytest.raises(DamagedFile, match="fails authentication"):
        opened(bytes(stored))


def test_a_file_whose_key_left_the_ring_says_which_key_it_needs() -> None:
    stored = encrypted(b"letter")

    with pytest.raises(DamagedFile, match="k2026"):
        opened(stored, Keyring({"other": os.urandom(32)}))


def test_a_rewrapped_file_opens_with_the_new_key_alone_and_keeps_its_segments() -> None:
    plain = os.urandom(5 * SEGMENT + 7)
    stored = encrypted(plain)
    newer = Keyring({"k2027": NEW_KEY, "k2026": OLD_KEY})
    raw = io.BytesIO(stored)
    old_header = streaming.read_header(raw)

    rewrapped = streaming.RewrappedReader(streaming.rewrapped(old_header, newer), raw).read()

    new_header = streaming.read_header(io.BytesIO(rewrapped))
    assert new_header.key_id == "k2027"
    assert rewrapped[new_header.length :] == stored[old_header.length :]  # the content was not re-encrypted
    only_new = Keyring({"k2027": NEW_KEY})
    assert opened(rewrapped, only_new).read() == plain


def test_a_file_without_the_header_is_not_taken_for_an_encrypted_one() -> None:
    assert not streaming.is_encrypted(b"%PDF-1.4")
    assert not streaming.is_encrypted(b"\x89PNG\r\n\x1a\n")
    with pytest.raises(DamagedFile, match="no encryption header"):
        opened(b"%PDF-1.4 a letter")


def test_encrypting_reads_the_plaintext_a_segment_at_a_time() -> None:
    sizes: list[int] = []
    plain = io.BytesIO(os.urandom(10 * streaming.SEGMENT_SIZE))
    read = plain.read

    def measured(size: int = -1) -> bytes:
        sizes.append(size)
        return read(size)

    plain.read = measured  # type: ignore[method-assign]
    reader = streaming.EncryptingReader(plain, RING)
    while reader.read(4096):
        pass

    assert all(0 < size <= streaming.SEGMENT_SIZE for size in sizes)
