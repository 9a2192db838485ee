"""Showing a domain error to a person, in their language.

Pure code raises errors whose ``message`` is an English msgid marked with
``kernel.i18n._``; here, at the boundary, it is translated and filled in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from django.utils.functional import Promise
from django.utils.translation import get_language, gettext, gettext_lazy

from xiaobao.kernel.errors import DomainError

K = TypeVar("K")


def message_of(error: DomainError) -> str:
    """The refusal in the reader's language; a parameter that is a tuple of marked words is translated word by
    word and listed the way the language lists things."""
    translated = gettext(error.message)
    if not error.params:
        return translated
    return translated % {name: _listed(value) for name, value in dict(error.params).items()}


def _listed(value: object) -> object:
    if not isinstance(value, tuple):
        return value
    separator = "、" if (get_language() or "").startswith("zh") else ", "
    return separator.join(gettext(str(word)) for word in value)


def translated_labels(labels: Mapping[K, str]) -> dict[K, str | Promise]:
    """Labels marked in pure code, translated lazily in the language of whoever reads them (form choices,
    filters): a Chinese reader never sees the English msgid."""
    return {key: gettext_lazy(text) for key, text in labels.items()}
