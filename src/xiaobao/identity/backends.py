"""Django's password check, behind the log-in throttle: every way in (the log-in page, the admin site) passes here."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from xiaobao.identity import login_throttle
from xiaobao.ops.client import client_ip
from xiaobao.ops.ratelimit import TooManyAttempts

log = logging.getLogger(__name__)


class ThrottledModelBackend(ModelBackend):
    """Refuses every attempt, right or wrong, while the account or address is locked; counts each failure."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if username is None:
            username = kwargs.get("username", "")
        address = client_ip(request) if request is not None else "local"
        try:
            login_throttle.check(username or "", address)
        except TooManyAttempts as locked:
            log.warning("log-in refused while locked: account %r from %s", (username or "")[:80], address)
            raise PermissionDenied from locked
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            login_throttle.failed(username or "", address)
        return user
