"""Periodic tasks: the worker's heartbeat thread enqueues each one when its interval has passed.

A row per task, locked while deciding, makes several workers enqueue it once: each worker claims the row
with ``SELECT … FOR UPDATE SKIP LOCKED``, so while one decides the others pass it by instead of queueing
behind the lock, and the one that enqueues moves ``last_enqueued_at`` on in the same transaction (the
task itself is pushed to the queue when that transaction commits, whichever queue it is).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from xiaobao.ops import clock
from xiaobao.ops.models import PeriodicRun


def enqueue_due_periodic_tasks() -> list[str]:
    enqueued = []
    specs: dict[str, dict[str, Any]] = settings.XIAOBAO_PERIODIC_TASKS
    for name, spec in specs.items():
        with transaction.atomic():
            PeriodicRun.objects.get_or_create(name=name)
            run = PeriodicRun.objects.select_for_update(skip_locked=True).filter(name=name).first()
            if run is None:  # another worker is deciding it now
                continue
            now = clock.now()
            if run.last_enqueued_at is not None and now - run.last_enqueued_at < timedelta(
                seconds=spec["every_seconds"]
            ):
                continue
            import_string(spec["task"]).enqueue()
            run.last_enqueued_at = now
            run.save(update_fields=["last_enqueued_at"])
            enqueued.append(name)
    return enqueued
