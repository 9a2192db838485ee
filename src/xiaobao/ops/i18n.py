"""Showing a domain error to a person, in their language.

Pure code raises errors whose ``message`` is an English msgid marked with
``kernel.i18n._``; here, at the boundary, it is translated and filled in.
"""

from __future__ import annotations

from django.utils.translation import gettext

from xiaobao.kernel.errors import DomainError


def message_of(error: DomainError) -> str:
    translated = gettext(error.message)
    return translated % dict(error.params) if error.params else translated
