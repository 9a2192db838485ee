"""``manage.py demo_load``: load the demo data once and print the log-ins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from xiaobao.demo.data import DEMO_PASSWORD, load


class Command(BaseCommand):
    help = "Load demo insurers, staff, partners, consumers and a mediation organisation (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = load()
        self.stdout.write("demo data loaded" if result.created else "demo data already present; nothing changed")
        self.stdout.write(f"demo log-ins (password for all: {DEMO_PASSWORD}):")
        for login in result.logins:
            self.stdout.write(f"  {login.username:<24} {login.who}")
