"""``manage.py run_intake``: the second half of write-behind intake (issue #20, ADR 0023).

Claims pending receipts in batches (``SELECT … FOR UPDATE SKIP LOCKED``, so any number of these run side by
side, on any host) and registers each through ``complaints.actions.receipt_register`` — one transaction per
receipt, the receipt marked done in it. Killed in the middle, it leaves its claimed receipts to the sweep
(``complaints.sweep_receipts``, and its own at start-up); a database restart is waited out, as ``run_worker``
does (ADR 0009). SIGTERM and SIGINT finish the receipt in hand and stop.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection

from xiaobao.complaints import actions
from xiaobao.ops.management.commands.run_worker import (
    CONNECTION_ERRORS,
    close_all_connections,
    new_worker_id,
    until_database_answers,
)

logger = logging.getLogger("xiaobao.complaints.intake")


class IntakeWorker:
    """The loop, apart from the command so tests drive it in process."""

    def __init__(self, *, worker_id: str, batch: int, interval: float) -> None:
        self.worker_id = worker_id
        self.batch = batch
        self.interval = interval
        self.stopping = threading.Event()
        self.registered = 0

    def run_once(self) -> int:
        """Claim one batch and register it; how many receipts were claimed."""
        claimed = actions.receipts_claim(worker_id=self.worker_id, limit=self.batch)
        for receipt_id in claimed:
            if self.stopping.is_set():
                break  # the rest stay claimed: the sweep hands them back after the lease
            self._register(receipt_id)
        return len(claimed)

    def _register(self, receipt_id: int) -> None:
        try:
            actions.receipt_register(receipt_id=receipt_id)
            self.registered += 1
        except CONNECTION_ERRORS:
            raise
        except Exception as error:  # a defect, not a refusal: the receipt is tried again, then failed
            logger.exception("receipt %s failed to register", receipt_id)
            actions.receipt_failed_attempt(receipt_id=receipt_id, error=error.__class__.__name__)

    def drain(self) -> int:
        """Register until nothing is pending (tests, benchmarks)."""
        while self.run_once():
            pass
        return self.registered

    def release(self) -> None:
        actions.receipts_release(worker_id=self.worker_id)
        actions.receipts_sweep()

    def run(self, *, max_receipts: int | None = None) -> None:
        until_database_answers(actions.receipts_sweep)
        try:
            while not self.stopping.is_set():
                try:
                    claimed = self.run_once()
                except CONNECTION_ERRORS as error:
                    logger.warning("intake worker %s lost the database (%s); it waits", self.worker_id, error)
                    close_all_connections()
                    until_database_answers(self.release)  # its claims back at once, not after the lease
                    continue
                finally:
                    if not connection.in_atomic_block:  # a worker run inside a test's transaction keeps it
                        close_old_connections()
                if max_receipts is not None and self.registered >= max_receipts:
                    return
                if not claimed:
                    self.stopping.wait(self.interval)
        finally:
            with contextlib.suppress(Exception):  # a worker that cannot reach the database leaves them to the sweep
                actions.receipts_release(worker_id=self.worker_id)


class Command(BaseCommand):
    help = "Register the complaints received through the API (write-behind intake); several may run at once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=20, help="receipts claimed at a time")
        parser.add_argument("--interval", type=float, default=0.1, help="seconds between polls when idle")
        parser.add_argument("--max-receipts", type=int, default=None, help="stop after this many")
        parser.add_argument("--drain", action="store_true", help="register what is pending, then stop")

    def handle(self, *args: Any, **options: Any) -> None:
        worker = IntakeWorker(worker_id=new_worker_id(), batch=options["batch"], interval=options["interval"])
        if options["drain"]:
            until_database_answers(actions.receipts_sweep)
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
