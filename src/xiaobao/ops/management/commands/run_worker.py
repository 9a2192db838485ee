"""``manage.py run_worker``: the django-tasks database worker, plus a heartbeat for /healthz."""

from __future__ import annotations

import os
import socket
import threading
import uuid
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from xiaobao.ops.models import WorkerHeartbeat
from xiaobao.ops.periodic import enqueue_due_periodic_tasks

HEARTBEAT_SECONDS = 5.0


def beat(worker_id: str, started_at: Any) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname(),
            "pid": os.getpid(),
            "started_at": started_at,
            "last_seen": timezone.now(),
        },
    )


class Command(BaseCommand):
    help = "Run the background task worker with a heartbeat."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls when idle")

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        started_at = timezone.now()
        stop = threading.Event()

        def heartbeat_loop() -> None:
            while not stop.is_set():
                try:
                    beat(worker_id, started_at)
                    enqueue_due_periodic_tasks()
                except Exception as error:  # the worker keeps working while the database blips
                    self.stderr.write(f"heartbeat failed: {error}")
                finally:
                    close_old_connections()
                stop.wait(HEARTBEAT_SECONDS)

        beat(worker_id, started_at)
        thread = threading.Thread(target=heartbeat_loop, name="heartbeat", daemon=True)
        thread.start()
        try:
            call_command("db_worker", interval=options["interval"], worker_id=worker_id[:64], reload=False)
        finally:
            stop.set()
            WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()
