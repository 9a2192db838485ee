"""Marking messages for translation in pure code.

Pure packages cannot call Django's ``gettext``. They mark a message with
``_`` (a no-op that ``makemessages`` still extracts) and the boundary that
shows it to a person translates it with Django's ``gettext``.
"""

from __future__ import annotations


def _(message: str) -> str:
    return message
