"""What intake reports: when each complaint mailbox was last read, and what still waits in it."""

from __future__ import annotations

from typing import Any

from xiaobao.intake.models import MailboxPoll
from xiaobao.ops import clock


def mail_health() -> dict[str, Any] | None:
    """For /healthz: per mailbox, seconds since the last poll, messages waiting, the last error; None when
    no mailbox was ever polled."""
    polls = list(MailboxPoll.objects.order_by("source"))
    if not polls:
        return None
    now = clock.now()
    return {
        poll.source: {
            "last_poll_seconds_ago": round((now - poll.polled_at).total_seconds(), 1),
            "waiting": poll.waiting,
            **({"error": poll.error} if poll.error else {}),
        }
        for poll in polls
    }
