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
