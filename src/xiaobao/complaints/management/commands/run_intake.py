"""``manage.py run_intake``: the second half of write-behind intake (issue #20, ADR 0023), for every kind of
receipt registered (complaints, claims, claim documents).

The loop is ``xiaobao.casework.intake.IntakeWorker``: it claims pending receipts of each kind in batches
(``SELECT … FOR UPDATE SKIP LOCKED``, so any number of these run side by side, on any host) and processes each
through its kind's actions — one transaction per receipt, the receipt marked done in it. Killed in the middle,
it leaves its claimed receipts to the sweep (each kind's periodic sweep, and its own at start-up); a database
restart is waited out, as ``run_worker`` does (ADR 0009). SIGTERM and SIGINT finish the receipt in hand and stop.
"""

from __future__ import annotations

import logging
import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xiaobao.casework import receipts
from xiaobao.casework.intake import IntakeWorker
from xiaobao.ops.management.commands.run_worker import new_worker_id, until_database_answers

logger = logging.getLogger("xiaobao.complaints.intake")

__all__ = ["Command", "IntakeWorker"]


class Command(BaseCommand):
    help = "Register what was received through the API (write-behind intake); several may run at once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=20, help="receipts of each kind claimed at a time")
        parser.add_argument("--interval", type=float, default=0.1, help="seconds between polls when idle")
        parser.add_argument("--max-receipts", type=int, default=None, help="stop after this many")
        parser.add_argument("--drain", action="store_true", help="register what is pending, then stop")

    def handle(self, *args: Any, **options: Any) -> None:
        worker = IntakeWorker(worker_id=new_worker_id(), batch=options["batch"], interval=options["interval"])
        if options["drain"]:
            until_database_answers(receipts.sweep_all)
            self.stdout.write(f"registered {worker.drain()}")
            return

        def stop(signum: int, frame: object) -> None:
            worker.stopping.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        started = time.monotonic()
        worker.run(max_receipts=options["max_receipts"])
        logger.info(
            "intake worker %s registered %s in %.0f s", worker.worker_id, worker.registered, time.monotonic() - started
        )
