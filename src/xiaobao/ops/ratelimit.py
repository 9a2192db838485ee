"""A rate limit shared by every process: at most N counted attempts per bucket in a sliding window."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction

from xiaobao.kernel.errors import DomainError
from xiaobao.kernel.i18n import _
from xiaobao.ops import clock
from xiaobao.ops.models import RateLimitHit

KEPT_FOR = timedelta(days=2)
"""Attempts are kept this long, then pruned (``prune``): longer than any window a limit counts in."""


class TooManyAttempts(DomainError):
    code = "too_many_attempts"
    default_message = _("Too many attempts. Please wait %(minutes)s minutes and try again, or call us.")


def _kept(window: timedelta) -> timedelta:
    if window > KEPT_FOR:
        raise ValueError(f"a rate-limit window of {window} is longer than attempts are kept ({KEPT_FOR})")
    return window


def count(bucket: str, *, window: timedelta) -> int:
    return RateLimitHit.objects.filter(bucket=bucket, at__gte=clock.now() - _kept(window)).count()


def check(bucket: str, *, limit: int, window: timedelta) -> None:
    """Refuse when the bucket already holds ``limit`` attempts within the window."""
    if count(bucket, window=window) >= limit:
        raise TooManyAttempts(minutes=int(window.total_seconds() // 60))


def take(bucket: str, *, limit: int, window: timedelta) -> int:
    """Count this attempt *first* (committed at once), then refuse it — uncounted again — if the window now
    holds more than ``limit``: attempts running at the same time each see the others' rows, so however many
    arrive together, no more than ``limit`` get through (a check before and a count after would let them
    all through the check). Returns the attempt's id, for ``give_back``."""
    _kept(window)
    with transaction.atomic():
        attempt = RateLimitHit.objects.create(bucket=bucket, at=clock.now())
    if count(bucket, window=window) > limit:
        give_back(attempt.pk)
        raise TooManyAttempts(minutes=int(window.total_seconds() // 60))
    return int(attempt.pk)


def give_back(attempt: int) -> None:
    """Uncount an attempt ``take`` counted (it succeeded, or was refused)."""
    RateLimitHit.objects.filter(pk=attempt).delete()


def clear(bucket: str) -> None:
    """Forget every attempt of the bucket (an administrator lifts a lock)."""
    RateLimitHit.objects.filter(bucket=bucket).delete()


def hit(bucket: str) -> None:
    """Count one attempt (committed even if the caller's request then fails)."""
    with transaction.atomic():
        RateLimitHit.objects.create(bucket=bucket, at=clock.now())


def prune() -> int:
    """Delete attempts older than any window counts (issue #19: the table no longer grows for ever)."""
    deleted, _kinds = RateLimitHit.objects.filter(at__lt=clock.now() - KEPT_FOR).delete()
    return deleted


def forget(key: str) -> int:
    """Delete the attempts counted under buckets naming ``key`` (a phone's blind index), when the person it
    stands for is erased (issue #19): no bucket keeps their index."""
    deleted, _kinds = RateLimitHit.objects.filter(bucket__endswith=f":{key}").delete()
    return deleted
