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


def check(bucket: str, *, limit: int, window: timedelta) -> None:
    """Refuse when the bucket already holds ``limit`` attempts within the window."""
    if window > KEPT_FOR:
        raise ValueError(f"a rate-limit window of {window} is longer than attempts are kept ({KEPT_FOR})")
    since = clock.now() - window
    if RateLimitHit.objects.filter(bucket=bucket, at__gte=since).count() >= limit:
        raise TooManyAttempts(minutes=int(window.total_seconds() // 60))


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
