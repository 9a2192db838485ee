"""The second sign-in step in tests: the code an authenticator app would show, computed from the secret with
django-otp's own TOTP function, as the person's phone does (RFC 6238).

django-otp reads the time for a code from ``time.time()`` in its TOTP device module; tests read it from
``AUTHENTICATOR_TIME`` (installed there by the root conftest for every test): the real time plus the steps
``fresh_code`` moved on. A test that needs the next step's code (each code counts once) moves this clock on by
one step instead of waiting up to 30 seconds for it; the device still checks the code, its step and its reuse
exactly as in production."""

from __future__ import annotations

import time
from base64 import b32decode
from typing import Any
from urllib.parse import urlparse

from django_otp.oath import TOTP

from xiaobao.identity.models import Authenticator


class AuthenticatorTime:
    """``time.time()`` for django-otp's TOTP device: the real time, plus ``offset`` seconds."""

    def __init__(self) -> None:
        self.offset = 0.0

    def time(self) -> float:
        return time.time() + self.offset


AUTHENTICATOR_TIME = AuthenticatorTime()


def code_from_secret(secret: str, *, at: float | None = None) -> str:
    """The code for the base32 key shown at enrolment (spaces allowed)."""
    key = b32decode(secret.replace(" ", "").upper())
    totp = TOTP(key)
    totp.time = AUTHENTICATOR_TIME.time() if at is None else at
    return f"{totp.token():06d}"


def fresh_code(device: Authenticator) -> str:
    """The device's code now; if this step's code was already used (each code counts once), the next step's,
    after moving the authenticators' clock on to it (as waiting for it would)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = AUTHENTICATOR_TIME.time()
    while totp.t() <= device.last_t:
        AUTHENTICATOR_TIME.offset += device.step - (totp.time - device.t0) % device.step + 0.05
        totp.time = AUTHENTICATOR_TIME.time()
    return f"{totp.token():0{device.digits}d}"


def pass_the_code_step(page: Any, username: str) -> None:
    """After the password: type the code on the code step, or enrol an authenticator first if asked to."""
    path = urlparse(page.url).path
    if path.startswith("/accounts/two-factor/enrol/"):
        code = code_from_secret(page.locator("#totp-secret").inner_text())
    elif path.startswith("/accounts/two-factor/"):
        code = fresh_code(Authenticator.objects.get(user__username=username, confirmed=True))
    else:
        return
    page.locator("#id_code").fill(code)
    with page.expect_navigation():
        page.locator("#id_code").press("Enter")
