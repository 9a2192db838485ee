"""The complaint's states and the one table of allowed steps (RULES.md CMP-*).

register → accept (or decline) → assign → investigate → (pause ⇄ resume) →
decide → notify → close; withdraw while open; reopen on new facts (CMP-T5);
review request within 30 days of the notice and review decision (CMP-N2).
"""

from __future__ import annotations

from enum import StrEnum

from xiaobao.kernel.errors import TransitionNotAllowed
from xiaobao.kernel.i18n import _


class State(StrEnum):
    REGISTERED = "registered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    ASSIGNED = "assigned"
    INVESTIGATING = "investigating"
    PAUSED = "paused"
    DECIDED = "decided"
    NOTIFIED = "notified"
    REVIEW_REQUESTED = "review_requested"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


class Step(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    ASSIGN = "assign"
    DECLARE_CONFLICT = "declare_conflict"
    INVESTIGATE = "investigate"
    PAUSE = "pause"
    RESUME = "resume"
    DECIDE = "decide"
    NOTIFY = "notify"
    CLOSE = "close"
    WITHDRAW = "withdraw"
    NEW_FACTS = "new_facts"
    REQUEST_REVIEW = "request_review"
    DECIDE_REVIEW = "decide_review"
    EXTEND = "extend"
    FORWARD = "forward"
    REQUEST_INFORMATION = "request_information"


BEING_HANDLED = frozenset(
    {State.REGISTERED, State.ACCEPTED, State.ASSIGNED, State.INVESTIGATING, State.PAUSED, State.DECIDED}
)
"""The decision clock runs (or stands paused) in these states; it is met when the notice goes out."""

WITH_HANDLER = frozenset({State.ASSIGNED, State.INVESTIGATING, State.PAUSED})

# step -> (states it may start from, state it leads to; None keeps the state)
TRANSITIONS: dict[Step, tuple[frozenset[State], State | None]] = {
    Step.ACCEPT: (frozenset({State.REGISTERED}), State.ACCEPTED),
    Step.DECLINE: (frozenset({State.REGISTERED}), State.DECLINED),
    Step.ASSIGN: (frozenset({State.ACCEPTED, State.ASSIGNED}), State.ASSIGNED),
    Step.DECLARE_CONFLICT: (WITH_HANDLER, State.ACCEPTED),
    Step.INVESTIGATE: (frozenset({State.ASSIGNED}), State.INVESTIGATING),
    Step.PAUSE: (frozenset({State.INVESTIGATING}), State.PAUSED),
    Step.RESUME: (frozenset({State.PAUSED}), State.INVESTIGATING),
    Step.DECIDE: (frozenset({State.INVESTIGATING}), State.DECIDED),
    Step.NOTIFY: (frozenset({State.DECIDED}), State.NOTIFIED),
    Step.CLOSE: (frozenset({State.NOTIFIED}), State.CLOSED),
    Step.WITHDRAW: (BEING_HANDLED, State.WITHDRAWN),
    Step.NEW_FACTS: (frozenset({State.ACCEPTED, State.ASSIGNED, State.INVESTIGATING, State.PAUSED}), None),
    Step.REQUEST_REVIEW: (frozenset({State.NOTIFIED, State.CLOSED}), State.REVIEW_REQUESTED),
    Step.DECIDE_REVIEW: (frozenset({State.REVIEW_REQUESTED}), State.CLOSED),
    Step.EXTEND: (frozenset({State.ACCEPTED, State.ASSIGNED, State.INVESTIGATING, State.PAUSED}), None),
    Step.FORWARD: (frozenset({State.ACCEPTED, State.ASSIGNED, State.INVESTIGATING, State.PAUSED}), None),
    Step.REQUEST_INFORMATION: (frozenset({State.ASSIGNED, State.INVESTIGATING, State.PAUSED}), None),
}


class StepNotAllowed(TransitionNotAllowed):
    code = "step_not_allowed"
    default_message = _("A complaint that is %(state)s cannot take the step “%(step)s”.")


def next_state(current: State, step: Step) -> State:
    """The state after ``step``, or ``StepNotAllowed`` saying why not."""
    allowed_from, to = TRANSITIONS[step]
    if current not in allowed_from:
        raise StepNotAllowed(state=current.value, step=step.value)
    return to or current


def allowed_steps(current: State) -> list[Step]:
    return [step for step, (allowed_from, _to) in TRANSITIONS.items() if current in allowed_from]
