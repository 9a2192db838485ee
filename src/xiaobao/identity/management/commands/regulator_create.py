"""``manage.py regulator_create USERNAME --name "…" [--office "…"]``: a regulator's account (CMP-S2).

The password is asked for on the terminal (twice), never taken from the command line, so it stays out of the
shell's history. Made by the platform's operators only: no insurer can make one.
"""

from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xiaobao.identity import actions
from xiaobao.kernel.actors import SYSTEM
from xiaobao.kernel.errors import DomainError


class Command(BaseCommand):
    help = "Create a regulator's account: every insurer's complaint statistics, no case and no personal data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="The name shown on the regulator's pages.")
        parser.add_argument("--office", default="", help="The regulator's office, e.g. a local bureau.")

    def handle(self, *args: Any, **options: Any) -> None:
        password = getpass.getpass("Password: ")
        if not password or password != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ, or none was given.")
        try:
            actions.regulator_create(
                actor=SYSTEM,
                username=options["username"],
                display_name=options["name"],
                office=options["office"],
                password=password,
            )
        except DomainError as refused:
            raise CommandError(str(refused)) from refused
        self.stdout.write(f"regulator {options['username']} created")
