"""Benchmark of files encrypted at rest (issue #19, ADR 0012).

Stores a 20 MB file through the encrypting storage and through the bare disk storage it wraps, reads it
back whole (open authenticates every segment first, then the read decrypts them) and as 1 MB ranges from
random places, and prints MB/s for each, best of a few runs, in one process:

    .venv/bin/python bench/files.py [--megabytes 20] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from _support import setup_django

MB = 1024 * 1024


def best_seconds(runs: int, step: Callable[[int], object]) -> float:
    times = []
    for run in range(runs):
        started = time.perf_counter()
        step(run)
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    setup_django()
    from django.core.files import File
    from django.core.files.storage import FileSystemStorage

    from xiaobao.privacy.storage import EncryptedStorage

    size = args.megabytes * MB
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        source = root / "source.pdf"
        source.write_bytes(b"%PDF-1.7\n" + os.urandom(size - 9))
        plain = FileSystemStorage(location=root / "plain")
        encrypted = EncryptedStorage(
            {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(root / "encrypted")}}
        )

        def store(storage: FileSystemStorage | EncryptedStorage) -> Callable[[int], object]:
            def step(run: int) -> object:
                with source.open("rb") as handle:
                    return storage.save(f"f{run}.pdf", File(handle, name="source.pdf"))

            return step

        def read_whole(storage: FileSystemStorage | EncryptedStorage) -> Callable[[int], object]:
            def step(run: int) -> object:
                with storage.open(f"f{run}.pdf", "rb") as stored:
                    while stored.read(64 * 1024):
                        pass
                return None

            return step

        def read_ranges(storage: FileSystemStorage | EncryptedStorage) -> Callable[[int], object]:
            places = random.Random(19)

            def step(run: int) -> object:
                with storage.open(f"f{run}.pdf", "rb") as stored:
                    for _ in range(args.megabytes):
                        stored.seek(places.randrange(size - MB))
                        stored.read(MB)
                return None

            return step

        rows = []
        for label, storage in (("plain copy", plain), ("encrypted", encrypted)):
            written = best_seconds(args.runs, store(storage))
            whole = best_seconds(args.runs, read_whole(storage))
            ranges = best_seconds(args.runs, read_ranges(storage))
            rows.append((label, written, whole, ranges))
        stored_size = (root / "encrypted" / "f0.pdf").stat().st_size

    print(
        f"files at rest, {args.megabytes} MB file, best of {args.runs} runs, one process (python {sys.version.split()[0]})"
    )
    print(f"{'':12} {'store MB/s':>11} {'read MB/s':>10} {'1 MB ranges MB/s':>17}")
    for label, written, whole, ranges in rows:
        print(f"{label:12} {size / MB / written:11.0f} {size / MB / whole:10.0f} {args.megabytes / ranges:17.0f}")
    overhead = stored_size - size
    print(
        f"encrypted file: {overhead} bytes larger ({overhead / size:.2%}: the header and a 16-byte tag a 64 KiB segment)"
    )


if __name__ == "__main__":
    main()
