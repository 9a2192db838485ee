"""The Redis task queue (issue #20 item 3, ADR 0022): django-tasks on RQ, enqueued only when the data commits.

``XIAOBAO_TASK_QUEUE=redis`` swaps the database queue (django-tasks-db, the default, ``make run``) for
django-tasks-rq, so workers on several hosts share one queue; the code that enqueues keeps calling
``task.enqueue()``. What the library does not do is done here:

- **Enqueued on commit, known to PostgreSQL.** django-tasks-rq pushes the job to Redis at once. A task
  enqueued inside an action's transaction could then run before the row it concerns is committed (and find
  nothing), or for a change that is rolled back. ``OnCommitRQBackend`` writes the job as a ``PushedJob`` row
  in the enqueuing transaction and pushes it to Redis in ``transaction.on_commit``: nothing for a rolled-back
  change, never before the data.
- **Nothing lost with Redis.** A Redis restart without its data loses the jobs in it; PostgreSQL still has
  their rows, and the periodic ``ops.push_lost_jobs`` (``push_lost_jobs``) pushes again each one Redis no
  longer holds. The worker deletes a job's row when it has finished.
- **A dead worker's job taken up in seconds.** RQ's simple worker (no fork) keeps a job's entry in the
  started registry alive for the job's whole timeout (600 s): a worker killed mid-job left it there for ten
  minutes. ``DjangoWorker`` beats every ``XIAOBAO_RQ_HEARTBEAT_SECONDS`` while a job runs and lets the entry
  lapse three beats after the last, so the next registry cleaning (every ``MAINTENANCE_SECONDS``, by any
  worker) hands the job to its retries. Every job gets a few retries (tasks are idempotent).

PostgreSQL stays the one source of truth: Redis holds only which task to run next.
"""

from __future__ import annotations

import logging
import math
import threading
from datetime import datetime, timedelta
from typing import Any, TypeVar

import django_rq
from django.conf import settings
from django.db import close_old_connections, transaction
from django_tasks.base import TASK_MAX_PRIORITY, Task, TaskResult, TaskResultStatus
from django_tasks.signals import task_enqueued
from django_tasks.utils import get_random_id
from django_tasks_rq.backend import Job, RQBackend, failed_callback, success_callback
from redis import Redis
from rq import Callback, Retry, SimpleWorker
from rq.executions import Execution
from rq.job import JobStatus
from rq.registry import ScheduledJobRegistry, StartedJobRegistry
from rq.worker.base import WorkerStatus

from xiaobao.ops import clock
from xiaobao.ops.models import PushedJob

logger = logging.getLogger("xiaobao.ops.task_queue")

T = TypeVar("T")

RETRY_INTERVALS = [5, 30, 120]
"""Seconds before each new try of a job that failed or whose worker died (RQ's abandoned jobs)."""

LOST_GRACE_SECONDS = 30
"""A job younger than this may still be on its way to Redis (its transaction has just committed)."""


def uses_redis() -> bool:
    return bool(settings.XIAOBAO_TASK_QUEUE == "redis")


def redis_connection() -> Redis:
    return django_rq.get_connection("default")


class OnCommitRQBackend(RQBackend):
    """django-tasks-rq's backend, keeping each job as a row in the enqueuing transaction and pushing it to Redis
    only once that transaction commits."""

    def enqueue(self, task: Task[Any, T], args: Any, kwargs: Any) -> TaskResult[T]:
        self.validate_task(task)
        task_result: TaskResult[T] = TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        job = PushedJob.objects.create(
            job_id=task_result.id,
            task_path=task.module_path,
            queue_name=task.queue_name,
            args=list(args),
            kwargs=dict(kwargs),
            at_front=task.priority == TASK_MAX_PRIORITY,
            run_after=task.run_after,
            enqueued_at=clock.now(),
        )

        def push() -> None:
            _push(job, backend=self.alias)
            task_enqueued.send(type(self), task_result=task_result)

        # robust: the data is committed whatever Redis says; a job that did not reach Redis is pushed again by
        # ``push_lost_jobs`` from its row.
        transaction.on_commit(push, robust=True)
        return task_result


def _push(pushed: PushedJob, *, backend: str = "default") -> None:
    queue = django_rq.get_queue(pushed.queue_name, job_class=Job)
    job = queue.create_job(
        pushed.task_path,
        args=pushed.args,
        kwargs=pushed.kwargs,
        job_id=pushed.job_id,
        status=JobStatus.SCHEDULED if pushed.run_after else JobStatus.QUEUED,
        on_failure=Callback(failed_callback),
        on_success=Callback(success_callback),
        meta={"backend_name": backend},
        retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS) if RETRY_INTERVALS else None,
    )
    if pushed.run_after is None:
        queue.enqueue_job(job, at_front=pushed.at_front)
    else:
        queue.schedule_job(job, pushed.run_after)


def push_lost_jobs(*, now: datetime | None = None) -> int:
    """Push again every job PostgreSQL knows and Redis does not hold; settle the rows of jobs that ended.

    A row older than ``LOST_GRACE_SECONDS`` whose job is gone from Redis (restarted without its data, evicted)
    is pushed again under the same id; a finished job's row whose deletion was missed is deleted, a failed
    one's marked failed. How many jobs were pushed again.
    """
    cutoff = (now or clock.now()) - timedelta(seconds=LOST_GRACE_SECONDS)
    rows = list(PushedJob.objects.filter(failed_at__isnull=True, enqueued_at__lt=cutoff).order_by("enqueued_at")[:5000])
    if not rows:
        return 0
    jobs = Job.fetch_many([row.job_id for row in rows], connection=redis_connection())
    lost = 0
    for row, job in zip(rows, jobs, strict=True):
        if job is None:
            _push(row)
            lost += 1
        else:
            _settle(row.job_id, job.get_status(refresh=False))
    if lost:
        logger.warning("Redis queue: %d job(s) PostgreSQL knew were gone from Redis; pushed again", lost)
    return lost


def _settle(job_id: str, status: JobStatus | None) -> None:
    """A finished job's row is deleted; a failed one's (its retries spent) is kept, marked failed, for the
    operators; any other (waiting, scheduled for a retry, running) is left."""
    if status == JobStatus.FINISHED:
        PushedJob.objects.filter(job_id=job_id).delete()
    elif status == JobStatus.FAILED:
        PushedJob.objects.filter(job_id=job_id, failed_at__isnull=True).update(failed_at=clock.now())


def queue_report() -> dict[str, Any]:
    """For /healthz: whether Redis answers, and how many jobs wait, run and failed."""
    try:
        queue = django_rq.get_queue("default", job_class=Job)
        return {
            "status": "ok",
            "queued": queue.count,
            "scheduled": ScheduledJobRegistry(queue=queue).count,  # type: ignore[no-untyped-call]
            "running": StartedJobRegistry(queue=queue).count,
            "failed": queue.failed_job_registry.count,
        }
    except Exception as error:  # a health report says what is down; it never fails itself
        return {"status": "down", "error": error.__class__.__name__}


def heartbeat_seconds() -> float:
    return float(settings.XIAOBAO_RQ_HEARTBEAT_SECONDS)


class _Beating(threading.Thread):
    """While a job runs in the worker's own thread, keeps its entry in the started registry (and the worker's
    key) alive, as RQ's forking worker does for its work horse."""

    def __init__(self, worker: DjangoWorker, job: Any, execution: Execution) -> None:
        super().__init__(name=f"heartbeat-{job.id}", daemon=True)
        self.worker, self.job, self.execution = worker, job, execution
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(heartbeat_seconds()):
            try:
                self.worker.maintain_heartbeats(self.job, self.execution)
            except Exception:  # Redis away for a moment: the next beat tries again
                logger.warning("heartbeat of job %s failed", self.job.id, exc_info=True)


class DjangoWorker(SimpleWorker):
    """RQ's worker running each job in its own process (no fork: Django's connections stay the worker's own),
    dropping database connections that broke or aged between jobs, as Django does between requests; beating
    while a job runs so that a dead worker's job is taken up in seconds, and settling the job's row after it."""

    def get_heartbeat_ttl(self, job: Any, working_time: float = 0.0) -> int:
        """Three beats (and a second: RQ's registries count whole seconds): the started registry's entry lapses
        that long after the worker's last sign of life."""
        return math.ceil(3 * heartbeat_seconds()) + 1

    def execute_job(self, job: Any, queue: Any) -> None:
        close_old_connections()
        execution = self.prepare_execution(job)
        beating = _Beating(self, job, execution)
        beating.start()
        try:
            self.perform_job(job, queue, execution)
        finally:
            beating.done.set()
            beating.join()
            self.set_state(WorkerStatus.IDLE)
            try:
                _settle(job.id, job.get_status(refresh=True))
            except Exception:  # the database away: push_lost_jobs settles the row later
                logger.warning("could not settle job %s", job.id, exc_info=True)
            close_old_connections()

    def subscribe(self) -> None:
        """RQ's own, listening for commands (stop, kill the job) in a thread that wakes every second instead of
        every minute: a stopping worker waits for that thread, so it used to take up to a minute to exit."""
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(  # type: ignore[assignment]
            sleep_time=1, daemon=True, exception_handler=self._pubsub_exception_handler
        )


MAINTENANCE_SECONDS = 30
"""How often a worker cleans RQ's registries: a job whose worker died (its entry lapsed three heartbeats after
the worker's last) goes to its retries at the next cleaning."""


def run_rq_worker(worker_id: str, *, max_jobs: int | None = None, burst: bool = False) -> None:
    """Work the Redis queue until stopped (SIGTERM/SIGINT end it after the job in hand); the scheduler that
    moves delayed jobs (retries, ``run_after``) to the queue runs in one of the workers, RQ choosing which."""
    worker = DjangoWorker(
        [django_rq.get_queue("default", job_class=Job)],
        name=worker_id,
        connection=redis_connection(),
        job_class=Job,
        maintenance_interval=MAINTENANCE_SECONDS,
    )
    worker.work(with_scheduler=True, max_jobs=max_jobs, burst=burst, logging_level="WARNING")
