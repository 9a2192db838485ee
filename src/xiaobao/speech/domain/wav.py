"""The WAV espeak-ng writes to a pipe, made whole.

Writing to ``--stdout`` it cannot seek back, so its RIFF and ``data`` sizes say "as long as it goes"
(0x7FFFF000-ish); players and the stdlib ``wave`` module then misread the length. The sizes are set here
from the bytes actually received."""

from __future__ import annotations

import struct


class NotWav(ValueError):
    """The engine's output is not a RIFF/WAVE stream with a data chunk."""


def with_true_sizes(data: bytes) -> bytes:
    """``data`` with its RIFF size and its ``data`` chunk size set to what follows them."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise NotWav("no RIFF/WAVE header")
    fixed = bytearray(data)
    position = 12
    while position + 8 <= len(fixed):
        chunk, size = fixed[position : position + 4], struct.unpack_from("<I", fixed, position + 4)[0]
        if chunk == b"data":
            samples = len(fixed) - position - 8
            samples -= samples % 2  # whole 16-bit samples only
            del fixed[position + 8 + samples :]
            struct.pack_into("<I", fixed, position + 4, samples)
            struct.pack_into("<I", fixed, 4, len(fixed) - 8)
            return bytes(fixed)
        position += 8 + size + (size & 1)
    raise NotWav("no data chunk")
