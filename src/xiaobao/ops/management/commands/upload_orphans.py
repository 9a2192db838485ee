"""``manage.py upload_orphans [--delete] [--grace-minutes 60]``: files of claims and complaints with no row.

Uploads are stored under their content address and deleted again when their transaction fails
(``ops.stored_files``), and a retry adopts a file an interrupted attempt left. What can still remain is the
file of a worker killed outright (SIGKILL, power loss) between writing the file and committing its row,
whose client never retried. This lists such files — older than the grace period, so a transaction still
in progress is never touched — and deletes them with ``--delete``. It reads only file names.

It also sweeps uploads spooled to ``FILE_UPLOAD_TEMP_DIR`` that a killed worker left (Django deletes them when
the request ends): older than the grace period, they belong to no request still running.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.files.storage import Storage, default_storage
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from xiaobao.ops.limits import stale_spooled_uploads
from xiaobao.ops.stored_files import OWNERS, stored_names


def orphans(storage: Storage, grace: timedelta) -> list[str]:
    """Stored files no row names, written longer than ``grace`` ago."""
    cutoff = timezone.now() - grace
    found: list[str] = []
    for folder, named_by_rows in OWNERS.items():  # each app that stores uploads names its own files
        named = set(named_by_rows())
        found += [
            name
            for name in stored_names(storage, folder)
            if name not in named and storage.get_modified_time(name) < cutoff
        ]
    return sorted(found)


class Command(BaseCommand):
    help = "List (and with --delete remove) stored claim and complaint files that no row names."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--delete", action="store_true")
        parser.add_argument("--grace-minutes", type=int, default=60)

    def handle(self, *args: Any, **options: Any) -> None:
        grace = timedelta(minutes=options["grace_minutes"])
        found = orphans(default_storage, grace)
        for name in found:
            if options["delete"]:
                default_storage.delete(name)
            self.stdout.write(name)
        verb = "deleted" if options["delete"] else "found"
        self.stdout.write(f"{len(found)} files without a row {verb}")
        spooled = stale_spooled_uploads(grace)
        for path in spooled:
            if options["delete"]:
                path.unlink(missing_ok=True)
        self.stdout.write(f"{len(spooled)} stale spooled uploads {verb}")
