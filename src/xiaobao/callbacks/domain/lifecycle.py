"""A call-back request's states and what a handler may record on it (RULES.md INC-E3).

open → called (reached) | unreachable (no answer; try again) → called | unreachable | closed (given up, why noted).
"""

from __future__ import annotations

from enum import StrEnum

from xiaobao.kernel.errors import InvalidInput, TransitionNotAllowed
from xiaobao.kernel.i18n import _


class CallbackState(StrEnum):
    OPEN = "open"
    CALLED = "called"
    UNREACHABLE = "unreachable"
    CLOSED = "closed"


class CallOutcome(StrEnum):
    CALLED = "called"
    UNREACHABLE = "unreachable"
    CLOSED = "closed"


STATE_TEXT: dict[CallbackState, str] = {
    CallbackState.OPEN: _("waiting for a call"),
    CallbackState.CALLED: _("called"),
    CallbackState.UNREACHABLE: _("not reached yet"),
    CallbackState.CLOSED: _("closed without reaching them"),
}

OUTCOME_TEXT: dict[CallOutcome, str] = {
    CallOutcome.CALLED: _("Called: we spoke"),
    CallOutcome.UNREACHABLE: _("No answer: try again"),
    CallOutcome.CLOSED: _("Close without reaching them"),
}

WAITING = frozenset({CallbackState.OPEN, CallbackState.UNREACHABLE})
"""The states the queue lists: nobody has spoken to the person yet."""

_FROM: dict[CallOutcome, frozenset[CallbackState]] = {
    CallOutcome.CALLED: WAITING,
    CallOutcome.UNREACHABLE: WAITING,
    CallOutcome.CLOSED: frozenset({CallbackState.UNREACHABLE}),
}
MAX_NOTE = 500


def after_call(state: CallbackState, outcome: CallOutcome, note: str) -> CallbackState:
    """The state a recorded call leads to; closing needs a tried call first and a note saying why."""
    if state not in _FROM[outcome]:
        raise TransitionNotAllowed()
    if len(note) > MAX_NOTE:
        raise InvalidInput(_("Keep the note to %(limit)s characters."), limit=MAX_NOTE)
    if outcome is CallOutcome.CLOSED and not note.strip():
        raise InvalidInput(_("Say why the request is closed without reaching the person."))
    return CallbackState(outcome.value)
