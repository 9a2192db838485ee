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


# The second step (issue #19): a code of six digits is guessed one in a million; five wrong codes in the
# window lock the account's code step, whatever the address, so a password thief cannot try them all.
CODES_PER_ACCOUNT = 5
# Password-reset mails: asked for at most this often per address and per address typed, so the form sends
# no flood of mail and cannot be used to learn which addresses have accounts faster than by hand.
RESETS_PER_ADDRESS = 5
RESETS_PER_EMAIL = 3


def _code_bucket(user_id: int) -> str:
    return f"login-code:{user_id}"


def code_check(user_id: int) -> None:
    """Raise ``ratelimit.TooManyAttempts`` while the account's code step is locked: even the right code is
    refused until the window has passed."""
    ratelimit.check(_code_bucket(user_id), limit=CODES_PER_ACCOUNT, window=WINDOW)


def code_failed(user_id: int) -> None:
    ratelimit.hit(_code_bucket(user_id))


def _reset_buckets(email: str, address: str) -> list[tuple[str, int]]:
    return [
        (f"password-reset-ip:{address}", RESETS_PER_ADDRESS),
        (f"password-reset:{email.strip().lower()[:120]}", RESETS_PER_EMAIL),
    ]


def reset_check(email: str, address: str) -> None:
    for bucket, limit in _reset_buckets(email, address):
        ratelimit.check(bucket, limit=limit, window=WINDOW)


def reset_asked(email: str, address: str) -> None:
    for bucket, _limit in _reset_buckets(email, address):
        ratelimit.hit(bucket)
