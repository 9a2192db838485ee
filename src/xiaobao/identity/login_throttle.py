"""Password guessing is slowed and stopped (SEC-1, PI-4): failed staff log-ins are counted per account
and address, per account, and per address, in the shared rate-limit table.

Locking per account *and* address first means a guesser at one address is stopped after a few tries
without locking the real person out from their own desk; the per-account limit, higher, stops guessing
spread over many addresses; the per-address limit stops one address trying many accounts.
"""

from __future__ import annotations

from datetime import timedelta

from xiaobao.ops import ratelimit

WINDOW = timedelta(minutes=15)
PER_ACCOUNT_AND_ADDRESS = 5
PER_ACCOUNT = 20
PER_ADDRESS = 50


def _buckets(username: str, address: str) -> list[tuple[str, int]]:
    account = username.strip().lower()[:80]
    return [
        (f"login:{account}:{address}", PER_ACCOUNT_AND_ADDRESS),
        (f"login-account:{account}", PER_ACCOUNT),
        (f"login-ip:{address}", PER_ADDRESS),
    ]


def check(username: str, address: str) -> None:
    """Raise ``ratelimit.TooManyAttempts`` while any of the three limits is reached: even the right
    password is refused until the window has passed."""
    for bucket, limit in _buckets(username, address):
        ratelimit.check(bucket, limit=limit, window=WINDOW)


def failed(username: str, address: str) -> None:
    for bucket, _limit in _buckets(username, address):
        ratelimit.hit(bucket)
