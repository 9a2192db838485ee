"""``manage.py rotate_keys``: re-encrypt personal data, and re-wrap stored files, under the first key of
XIAOBAO_ENCRYPTION_KEYS; files stored before encryption are encrypted."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from xiaobao.privacy.keys import keyring
from xiaobao.privacy.rotation import rotate_all, rotate_files


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted column and re-wrap every stored file under the newest key (the first in "
        "XIAOBAO_ENCRYPTION_KEYS); encrypt files stored before encryption."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"current key: {keyring().current_id}")
        for result in rotate_all():
            self.stdout.write(f"{result.column}: {result.reencrypted} of {result.examined} re-encrypted")
        files = rotate_files()
        self.stdout.write(
            f"stored files: {files.rewrapped} of {files.examined} re-wrapped, "
            f"{files.encrypted} stored before encryption now encrypted, {len(files.damaged)} damaged, "
            f"{len(files.vanished)} deleted meanwhile"
        )
        for name in files.damaged:
            self.stderr.write(f"damaged (left as it is; restore it from a backup): {name}")
        for name in files.vanished:
            self.stderr.write(f"deleted while the rotation ran (skipped, not brought back): {name}")
