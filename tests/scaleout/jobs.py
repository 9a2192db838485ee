"""A task for the Redis queue's tests: it runs for a while and marks a file each time it runs."""

from __future__ import annotations

import time
from pathlib import Path

from django_tasks import task


@task()
def slow_mark(path: str, seconds: float) -> None:
    time.sleep(seconds)
    with Path(path).open("a") as marks:
        marks.write("ran\n")
