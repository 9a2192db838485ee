"""``manage.py demo_code anhe.handler``: the sign-in code a demo staff member's authenticator shows now."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xiaobao.demo.data import DEMO_TOTP_KEY
from xiaobao.identity.models import Authenticator
from xiaobao.identity.two_factor import code_now


class Command(BaseCommand):
    help = "Print the current two-factor sign-in code of a demo staff member (demo authenticators only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        device = Authenticator.objects.filter(
            user__username=options["username"], confirmed=True, key=DEMO_TOTP_KEY
        ).first()
        if device is None:
            raise CommandError(
                f"{options['username']!r} has no demo authenticator: only the demo staff of `manage.py demo_load` do."
            )
        self.stdout.write(code_now(device))
