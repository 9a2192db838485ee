"""``manage.py run_worker``: the django-tasks database worker, plus a heartbeat for /healthz, surviving the database.

django-tasks-db's ``db_worker`` lets a database connection error out of its loop, so every
PostgreSQL restart used to end the worker. Here the library's own ``Worker`` runs inside a
supervising loop (docs/adr/0009-worker-survives-database-restarts.md): a connection error
closes the broken connections, waits with backoff until the database answers, puts back the
task it interrupted, and carries on. The heartbeat thread keeps each worker's lease and takes
back tasks of dead workers (``ops.tasks_lease``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import Error, InterfaceError, OperationalError, close_old_connections, connection, connections
from django.db.models.functions import Now
from django.utils import timezone
from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME, TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from xiaobao.ops import tasks_lease
from xiaobao.ops.models import WorkerHeartbeat
from xiaobao.ops.periodic import enqueue_due_periodic_tasks

HEARTBEAT_SECONDS = 5.0
FIRST_WAIT_SECONDS = 0.5
LONGEST_WAIT_SECONDS = 30.0
CONNECTION_ERRORS = (OperationalError, InterfaceError)

logger = logging.getLogger("xiaobao.ops.worker")


def beat(worker_id: str, started_at: Any) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname(),
            "pid": os.getpid(),
            "started_at": started_at,
            "last_seen": Now(),  # the database's clock, the one every host's lease is judged by
        },
    )


def new_worker_id() -> str:
    """Unique across the pool and at most 64 characters (the heartbeat column and db_worker's limit)."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def close_all_connections() -> None:
    """Drop this thread's connections; closing a connection the server already dropped may itself fail."""
    for each in connections.all(initialized_only=True):
        with contextlib.suppress(Error):  # the connection is forgotten even when closing it fails
            each.close()


def until_database_answers(step: Callable[[], object], *, sleep: Callable[[float], None] = time.sleep) -> None:
    """Run ``step`` until it gets through a connection error, waiting 0.5 s, 1 s, 2 s … 30 s between tries."""
    wait = FIRST_WAIT_SECONDS
    while True:
        try:
            step()
            return
        except CONNECTION_ERRORS as error:
            logger.warning("database unavailable (%s); trying again in %.1f s", _first_line(error), wait)
            close_all_connections()
            sleep(wait)
            wait = min(wait * 2, LONGEST_WAIT_SECONDS)


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{error.__class__.__name__}: {text[0] if text else ''}"


class LeasedWorker(Worker):
    """django-tasks-db's ``Worker``, remembering the task in hand so that a database outage does not strand it.

    When the database goes away mid-task, the library records the failure if it can (and the task
    is made READY again, ``tasks_lease.retry_after_connection_error``) or lets the error out with the
    task still RUNNING (and the supervising loop releases it, ``tasks_lease.release_task``).
    """

    current_task_id: str | None = None

    def run_task(self, db_task_result: DBTaskResult[Any, Any]) -> None:
        self.current_task_id = str(db_task_result.pk)
        super().run_task(db_task_result)  # an error out of here leaves current_task_id set for the supervisor
        self.current_task_id = None
        if db_task_result.status == TaskResultStatus.FAILED:
            tasks_lease.retry_after_connection_error(db_task_result)


def supervise(worker: LeasedWorker, *, sleep: Callable[[float], None] = time.sleep) -> None:
    """Run the worker's loop until it ends by itself (a signal, ``--max-tasks``); a database error never ends it."""

    def release_interrupted_task() -> None:
        connection.ensure_connection()  # the database answers again (else: wait longer)
        if worker.current_task_id is not None:
            tasks_lease.release_task(worker.current_task_id, worker.worker_id)
            worker.current_task_id = None

    while True:
        try:
            worker.run()
            return
        except CONNECTION_ERRORS as error:
            logger.warning("worker %s lost the database (%s); it waits and carries on", worker.worker_id, error)
            close_all_connections()
            worker.startup_delay = False
            until_database_answers(release_interrupted_task, sleep=sleep)
            logger.info("worker %s: the database answers again", worker.worker_id)


class Command(BaseCommand):
    help = "Run the background task worker with a heartbeat; it survives database restarts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls when idle")
        parser.add_argument("--max-tasks", type=int, default=None, help="stop after this many tasks")

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id = new_worker_id()
        uses_redis = settings.XIAOBAO_TASK_QUEUE == "redis"
        started_at = timezone.now()
        stop = threading.Event()

        def heartbeat_loop() -> None:
            while not stop.is_set():
                try:
                    beat(worker_id, started_at)
                    if not uses_redis:  # RQ takes back its own abandoned jobs (with retries)
                        tasks_lease.recover_orphaned_tasks()
                    tasks_lease.forget_dead_workers()
                    enqueue_due_periodic_tasks()
                except Exception as error:  # the worker keeps working while the database blips
                    self.stderr.write(f"heartbeat failed: {_first_line(error)}")
                    close_all_connections()
                finally:
                    close_old_connections()
                stop.wait(HEARTBEAT_SECONDS)

        until_database_answers(lambda: beat(worker_id, started_at))
        thread = threading.Thread(target=heartbeat_loop, name="heartbeat", daemon=True)
        thread.start()
        if uses_redis:
            from xiaobao.ops.task_queue import run_rq_worker  # RQ is loaded only where it is used

            try:
                run_rq_worker(worker_id, max_jobs=options["max_tasks"])
            finally:
                stop.set()
                with contextlib.suppress(Error):
                    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()
            return
        worker = LeasedWorker(
            queue_names=[DEFAULT_TASK_QUEUE_NAME],
            interval=options["interval"],
            batch=False,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=True,
            max_tasks=options["max_tasks"],
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        worker.configure_signals()
        try:
            supervise(worker)
        finally:
            stop.set()
            with contextlib.suppress(Error):  # else the row goes stale and a live worker forgets it
                WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()
