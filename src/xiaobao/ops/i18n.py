"""Showing a domain error to a person, in their language.

Pure code raises errors whose ``message`` is an English msgid marked with
``kernel.i18n._``; here, at the boundary, it is translated and filled in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from xiaobao.kernel.errors import DomainError

K = TypeVar("K")


def message_of(error: DomainError) -> str:
    translated = gettext(error.message)
    return translated % dict(error.params) if error.params else translated


def translated_labels(labels: Mapping[K, str]) -> dict[K, str | Promise]:
    """Labels marked in pure code, translated lazily in the language of whoever reads them (form choices,
    filters): a Chinese reader never sees the English msgid."""
    return {key: gettext_lazy(text) for key, text in labels.items()}
