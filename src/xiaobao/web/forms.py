"""The log-in form: says plainly when the account is locked for a while, instead of "wrong password"."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from xiaobao.identity import login_throttle
from xiaobao.ops.client import client_ip
from xiaobao.ops.i18n import message_of
from xiaobao.ops.ratelimit import TooManyAttempts


class ThrottledAuthenticationForm(AuthenticationForm):
    locked_message = ""

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        if self.request is not None and username:
            try:
                login_throttle.check(username, client_ip(self.request))
            except TooManyAttempts as locked:
                self.locked_message = message_of(locked)
                raise forms.ValidationError(message_of(locked), code="locked") from locked
        return super().clean()
