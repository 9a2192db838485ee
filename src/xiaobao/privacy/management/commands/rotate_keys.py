"""``manage.py rotate_keys``: re-encrypt personal data under the first key of XIAOBAO_ENCRYPTION_KEYS."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from xiaobao.privacy.keys import keyring
from xiaobao.privacy.rotation import rotate_all


class Command(BaseCommand):
    help = "Re-encrypt every encrypted column under the newest key (the first in XIAOBAO_ENCRYPTION_KEYS)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"current key: {keyring().current_id}")
        for result in rotate_all():
            self.stdout.write(f"{result.column}: {result.reencrypted} of {result.examined} re-encrypted")
