"""A rate limit shared by every process: at most N counted attempts per bucket in a sliding window."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction

from xiaobao.kernel.errors import DomainError
from xiaobao.kernel.i18n import _
from xiaobao.ops import clock
from xiaobao.ops.models import RateLimitHit


class TooManyAttempts(DomainError):
    code = "too_many_attempts"
    default_message = _("Too many attempts. Please wait %(minutes)s minutes and try again, or call us.")


def check(bucket: str, *, limit: int, window: timedelta) -> None:
    """Refuse when the bucket already holds ``limit`` attempts within the window."""
    since = clock.now() - window
    if RateLimitHit.objects.filter(bucket=bucket, at__gte=since).count() >= limit:
        raise TooManyAttempts(minutes=int(window.total_seconds() // 60))


def hit(bucket: str) -> None:
    """Count one attempt (committed even if the caller's request then fails)."""
    with transaction.atomic():
        RateLimitHit.objects.create(bucket=bucket, at=clock.now())
