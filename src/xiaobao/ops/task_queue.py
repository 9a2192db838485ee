"""The Redis task queue (issue #20 item 3, ADR 0022): django-tasks on RQ, enqueued only when the data commits.

``XIAOBAO_TASK_QUEUE=redis`` swaps the database queue (django-tasks-db, the default, ``make run``) for
django-tasks-rq, so workers on several hosts share one queue; the code that enqueues keeps calling
``task.enqueue()``. Two things the library does not do are done here:

- **Enqueued on commit.** django-tasks-rq pushes the job to Redis at once. A task enqueued inside an
  action's transaction could then run before the row it concerns is committed (and find nothing), or for
  a change that is rolled back. ``OnCommitRQBackend`` hands back the task's result (its id chosen now) and
  pushes the job in ``transaction.on_commit``: nothing for a rolled-back change, never before the data.
- **Taken up again.** A job whose worker dies is moved by RQ to its failed registry unless it has retries
  left: every job gets a few retries (tasks are idempotent, running one twice changes nothing).

PostgreSQL stays the one source of truth: Redis holds only which task to run next. A Redis restart loses
the jobs in it; the outbox's sweep (``notifications.tasks.resend_lost_notifications``) enqueues again every
pending notice no job stands for, and periodic tasks simply run at their next turn.
"""

from __future__ import annotations

from functools import partial
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
from rq.job import JobStatus
from rq.registry import DeferredJobRegistry, ScheduledJobRegistry, StartedJobRegistry

T = TypeVar("T")

RETRY_INTERVALS = [5, 30, 120]
"""Seconds before each new try of a job that failed or whose worker died (RQ's abandoned jobs)."""


def uses_redis() -> bool:
    return bool(settings.XIAOBAO_TASK_QUEUE == "redis")


def redis_connection() -> Redis:
    return django_rq.get_connection("default")


class OnCommitRQBackend(RQBackend):
    """django-tasks-rq's backend, pushing each job to Redis only once the enqueuing transaction commits."""

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
        # robust: the data is committed whatever Redis says; a notice whose job did not reach Redis is found
        # by the outbox's sweep and enqueued again.
        transaction.on_commit(partial(self._push, task, task_result), robust=True)
        return task_result

    def _push(self, task: Task[Any, Any], task_result: TaskResult[Any]) -> None:
        queue = django_rq.get_queue(task.queue_name, job_class=Job)
        job = queue.create_job(
            task.module_path,
            args=task_result.args,
            kwargs=task_result.kwargs,
            job_id=task_result.id,
            status=JobStatus.SCHEDULED if task.run_after else JobStatus.QUEUED,
            on_failure=Callback(failed_callback),
            on_success=Callback(success_callback),
            meta={"backend_name": self.alias},
            retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS),
        )
        if task.run_after is None:
            queue.enqueue_job(job, at_front=task.priority == TASK_MAX_PRIORITY)
        else:
            queue.schedule_job(job, task.run_after)
        task_enqueued.send(type(self), task_result=task_result)


def first_arguments_in_flight(task_path: str, queue_name: str = "default") -> set[str]:
    """The first argument of every job of ``task_path`` still waiting, scheduled, deferred or running in Redis.

    What the outbox's sweep compares the pending notices with: a pending notice none of these stands for was
    lost (Redis restarted without its data, or the job was dropped) and is enqueued again.
    """
    connection = redis_connection()
    queue = django_rq.get_queue(queue_name, job_class=Job)
    job_ids: set[str] = set(queue.get_job_ids())
    for registry_class in (ScheduledJobRegistry, StartedJobRegistry, DeferredJobRegistry):
        job_ids.update(registry_class(queue=queue).get_job_ids())
    found: set[str] = set()
    for job in Job.fetch_many(list(job_ids), connection=connection):
        if job is None or job.func_name != task_path or not job.args:
            continue
        found.add(str(job.args[0]))
    return found


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


class DjangoWorker(SimpleWorker):
    """RQ's worker running each job in its own process (no fork: Django's connections stay the worker's own),
    dropping database connections that broke or aged between jobs, as Django does between requests."""

    def execute_job(self, job: Any, queue: Any) -> None:
        close_old_connections()
        try:
            super().execute_job(job, queue)
        finally:
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
"""How often a worker cleans RQ's registries. A job whose worker died stays in the started registry until its
timeout (``RQ_QUEUES`` ``DEFAULT_TIMEOUT``, 600 s) and a minute have passed; the next cleaning then hands it to
its retries."""


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
