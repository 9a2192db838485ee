"""Real processes in tests: the database they must reach, and waiting for what they do."""

from __future__ import annotations

import time
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
