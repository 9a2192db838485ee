from __future__ import annotations

from django.db import models


class WorkerHeartbeat(models.Model):
    """Each background worker writes its heartbeat here every few seconds; /healthz reads it."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=200)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)


class PeriodicRun(models.Model):
    """When a periodic task was last enqueued (see ``ops.periodic``)."""

    name = models.CharField(max_length=64, unique=True)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)


class LoadProbe(models.Model):
    """The one-row insert of the bare baseline endpoint the intake benchmark compares against."""

    created_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=64)


class RateLimitHit(models.Model):
    """One counted attempt in a rate-limit bucket (tracking guesses, code requests); shared by all processes."""

    bucket = models.CharField(max_length=128)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["bucket", "at"], name="rate_limit_bucket")]


class IdempotentRequest(models.Model):
    """A create request seen before: the same key from the same caller returns the same result."""

    scope = models.CharField(max_length=64)
    caller = models.CharField(max_length=64)
    key = models.CharField(max_length=128)
    request_hash = models.CharField(max_length=64)
    result_id = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "caller", "key"], name="idempotent_request_once")]


class PushedJob(models.Model):
    """A job for the Redis queue as PostgreSQL knows it (``XIAOBAO_TASK_QUEUE=redis``, ADR 0022 addendum).

    Written in the transaction that enqueues the task, so it exists exactly when the change it is for is
    committed; the job is pushed to Redis on commit. The worker deletes the row when the job has finished, marks
    it failed when its retries are spent. A row whose job Redis no longer holds (a restart without its data, an
    evicted key) is pushed again by the periodic ``ops.push_lost_jobs``: Redis holds only what to run next,
    never the only copy of it. Tasks are idempotent, so a job pushed again after all runs twice harmlessly.
    """

    job_id = models.CharField(max_length=64, primary_key=True)
    task_path = models.CharField(max_length=200)
    queue_name = models.CharField(max_length=64, default="default")
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    at_front = models.BooleanField(default=False)
    run_after = models.DateTimeField(null=True, blank=True)
    enqueued_at = models.DateTimeField()
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["enqueued_at"], name="pushed_job_open", condition=models.Q(failed_at__isnull=True))
        ]

    def __str__(self) -> str:
        return f"{self.task_path} {self.job_id}"
