"""The log-in form: says plainly when the account is locked for a while, instead of "wrong password"; and the
renderer every form uses, whose labels end in one punctuation mark, never two."""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import SafeString

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


class PlainLabelBoundField(BoundField):
    """A label that ends in punctuation of its own ("涉及哪类保险？", "Which insurance?", "备注：") gets no label
    suffix: never "？:" or "：:" (issue #15). Django adds the suffix unless the label ends in ASCII ":?.!" only."""

    def label_tag(
        self,
        contents: str | None = None,
        attrs: dict[str, Any] | None = None,
        label_suffix: str | None = None,
        tag: str | None = None,
    ) -> SafeString:
        text = str(self.label if contents is None else contents).rstrip()
        if text and unicodedata.category(text[-1]) == "Po":  # ? ？ : ： . 。 ! ！ — not a closing bracket
            label_suffix = ""
        return super().label_tag(contents, attrs, label_suffix=label_suffix, tag=tag)


class PlainPunctuationRenderer(DjangoTemplates):
    """The form renderer of the whole site (``FORM_RENDERER``): Django's, with ``PlainLabelBoundField``."""

    bound_field_class = PlainLabelBoundField
