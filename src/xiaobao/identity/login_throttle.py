"""Password guessing is slowed and stopped (SEC-1, PI-4): failed staff log-ins are counted per account
and address, per account, and per address, in the shared rate-limit table.

Locking per account *and* address first means a guesser at one address is stopped after a few tries
without locking the real person out from their own desk; the per-account limit, higher, stops guessing
spread over many addresses; the per-address limit stops one address trying many accounts.
"""

from __future__ import annotations

from datetime import timedelta

from xiaobao.kernel.i18n import _
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
# window lock the account's code step, whatever the address, so a password thief cannot try them all. That
# alone still allows 480 guesses a day (with drift, about one chance in 25 a month): three windows' worth of
# wrong codes within a day lock the code step for a whole day, the account holder is told by email, and only
# the day ending or an administrator's reset of their two-step sign-in opens it again.
CODES_PER_ACCOUNT = 5
CODE_WINDOWS_PER_DAY = 3
CODE_LOCK = timedelta(hours=24)
# Password-reset mails: asked for at most this often per address and per address typed, so the form sends
# no flood of mail and cannot be used to learn which addresses have accounts faster than by hand.
RESETS_PER_ADDRESS = 5
RESETS_PER_EMAIL = 3


class CodeStepLocked(ratelimit.TooManyAttempts):
    code = "code_step_locked"
    default_message = _(
        "Too many wrong codes today: your sign-in code step is locked for 24 hours. Ask your administrator to "
        "reset your two-step sign-in, or try again tomorrow."
    )


def _code_bucket(user_id: int) -> str:
    return f"login-code:{user_id}"


def _code_lock_bucket(user_id: int) -> str:
    return f"login-code-lock:{user_id}"


def code_attempt(user_id: int) -> int:
    """Count a code attempt before the code is checked; raise ``ratelimit.TooManyAttempts`` (``CodeStepLocked``
    for the day's lock) while the account's code step is locked: even the right code is then refused. Counting
    first means attempts sent at the same moment cannot all pass a check made before any of them failed.
    Returns the attempt, to give back with ``code_right``."""
    if ratelimit.count(_code_lock_bucket(user_id), window=CODE_LOCK):
        raise CodeStepLocked
    return ratelimit.take(_code_bucket(user_id), limit=CODES_PER_ACCOUNT, window=WINDOW)


def code_right(attempt: int) -> None:
    """A right code is not a guess: it is uncounted."""
    ratelimit.give_back(attempt)


def code_wrong(user_id: int) -> bool:
    """A wrong code stays counted. True when it is the one that locks the code step for the day (once, even if
    several arrive together: the lock too is counted first)."""
    if ratelimit.count(_code_bucket(user_id), window=CODE_LOCK) < CODES_PER_ACCOUNT * CODE_WINDOWS_PER_DAY:
        return False
    try:
        ratelimit.take(_code_lock_bucket(user_id), limit=1, window=CODE_LOCK)
    except ratelimit.TooManyAttempts:
        return False  # already locked
    return True


def code_unlock(user_id: int) -> None:
    """The administrator reset the person's two-step sign-in: the wrong codes and the day's lock are forgotten."""
    ratelimit.clear(_code_bucket(user_id))
    ratelimit.clear(_code_lock_bucket(user_id))


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
