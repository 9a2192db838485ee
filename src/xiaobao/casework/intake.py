"""The intake worker's loop (``manage.py run_intake``), over every registered kind of receipt (ADR 0023).

Claims pending receipts of each kind in batches (``SELECT … FOR UPDATE SKIP LOCKED``, so any number of these
run side by side, on any host) and processes each through its kind's ``process`` — one transaction per
receipt, the receipt marked done in it. Killed in the middle, it leaves its claimed receipts to the sweep (each
kind's periodic sweep, and its own at start-up); a database restart is waited out, as ``run_worker`` does
(ADR 0009). Stopping finishes the receipt in hand and hands back the rest.
"""

from __future__ import annotations

import contextlib
import logging
import threading

from django.db import close_old_connections, connection

from xiaobao.casework import receipts
from xiaobao.casework.receipts import ReceiptKind
from xiaobao.ops.management.commands.run_worker import (
    CONNECTION_ERRORS,
    close_all_connections,
    until_database_answers,
)

logger = logging.getLogger("xiaobao.intake")


class IntakeWorker:
    """The loop, apart from the command so tests drive it in process."""

    def __init__(self, *, worker_id: str, batch: int, interval: float) -> None:
        self.worker_id = worker_id
        self.batch = batch
        self.interval = interval
        self.stopping = threading.Event()
        self.registered = 0

    def run_once(self) -> int:
        """Claim one batch of each kind and process it; how many receipts were claimed."""
        claimed = 0
        for kind in receipts.kinds():
            ids = receipts.claim(kind.model, worker_id=self.worker_id, limit=self.batch)
            claimed += len(ids)
            for receipt_id in ids:
                if self.stopping.is_set():
                    return claimed  # the rest stay claimed until release (or the sweep, after the lease)
                self._process(kind, receipt_id)
        return claimed

    def _process(self, kind: ReceiptKind, receipt_id: int) -> None:
        try:
            kind.process(receipt_id)
            self.registered += 1
        except CONNECTION_ERRORS:
            raise
        except Exception as error:  # a defect, not a refusal: the receipt is tried again, then failed
            logger.exception("%s receipt %s failed", kind.name, receipt_id)
            receipts.failed_attempt(kind, receipt_id=receipt_id, error=error.__class__.__name__)

    def drain(self) -> int:
        """Process until nothing is pending (tests, benchmarks)."""
        while self.run_once():
            pass
        return self.registered

    def release_claims(self) -> None:
        for kind in receipts.kinds():
            receipts.release(kind.model, worker_id=self.worker_id)

    def release(self) -> None:
        self.release_claims()
        receipts.sweep_all()

    def run(self, *, max_receipts: int | None = None) -> None:
        until_database_answers(receipts.sweep_all)
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
                self.release_claims()
