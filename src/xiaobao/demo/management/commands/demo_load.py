"""``manage.py demo_load``: load the demo data once and print the log-ins."""

from __future__ import annotations

from base64 import b32encode
from typing import Any

from django.core.management.base import BaseCommand

from xiaobao.demo.data import DEMO_PASSWORD, DEMO_TOTP_KEY, load


class Command(BaseCommand):
    help = "Load demo insurers, staff, partners, consumers and a mediation organisation (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = load()
        self.stdout.write("demo data loaded" if result.created else "demo data already present; nothing changed")
        self.stdout.write(f"demo log-ins (password for all: {DEMO_PASSWORD}):")
        for login in result.logins:
            self.stdout.write(f"  {login.username:<24} {login.who}")
        self.stdout.write(
            "staff then type the code of their authenticator: `.venv/bin/python manage.py demo_code anhe.handler` "
            f"prints it (or add the key {b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode()} to an authenticator app)"
        )
