"""Real processes in tests: the database they must reach, and waiting for what they do."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import connection


def database_url() -> str:
    """The test database, as a ``DATABASE_URL`` another process can use (PostgreSQL)."""
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    return f"postgres://{settings['USER']}{password}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"


def until(check: Any, seconds: float) -> bool:
    """Ask ``check()`` every 0.2 s until it is true or ``seconds`` have passed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


PROJECT = Path(__file__).resolve().parents[2]


@contextmanager
def running_worker(log: Path, **env: str) -> Iterator[subprocess.Popen[bytes]]:
    """``manage.py run_worker`` against the test database, with ``env`` on top; its output goes to ``log`` (a
    pipe nobody reads would fill and stop it). Stopped, gently then for good, when the block ends."""
    process = subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--interval", "0.2"],
        cwd=PROJECT,
        env={**os.environ, "DATABASE_URL": database_url(), **env},
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
