"""The second sign-in step in tests: the code an authenticator app would show, computed from the secret with
django-otp's own TOTP function, as the person's phone does (RFC 6238)."""

from __future__ import annotations

import time
from base64 import b32decode
from typing import Any
from urllib.parse import urlparse

from django_otp.oath import TOTP

from xiaobao.identity.models import Authenticator


def code_from_secret(secret: str, *, at: float | None = None) -> str:
    """The code for the base32 key shown at enrolment (spaces allowed)."""
    key = b32decode(secret.replace(" ", "").upper())
    totp = TOTP(key)
    if at is not None:
        totp.time = at
    return f"{totp.token():06d}"


def fresh_code(device: Authenticator) -> str:
    """The device's code now; if this step's code was already used (each code counts once), the next step's,
    after waiting for it."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    while totp.t() <= device.last_t:
        time.sleep(device.step - (time.time() - device.t0) % device.step + 0.05)
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
