"""The stages of a complaint as its complainant reads them (issue #15: a case page that reads like a story):
received → accepted → looked into → decided → told, with the review and the end after, each done, current or
ahead. CMP-2: the consumer follows the case live; the stages follow the lifecycle's states."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from xiaobao.complaints.domain.lifecycle import State


class Stage(StrEnum):
    RECEIVED = "received"
    ACCEPTED = "accepted"
    INVESTIGATED = "investigated"
    DECIDED = "decided"
    TOLD = "told"
    REVIEWED = "reviewed"
    CLOSED = "closed"
    # endings that leave the usual road
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class Progress(StrEnum):
    DONE = "done"
    CURRENT = "current"
    AHEAD = "ahead"


@dataclass(frozen=True)
class Step:
    stage: Stage
    progress: Progress


ROAD = (Stage.RECEIVED, Stage.ACCEPTED, Stage.INVESTIGATED, Stage.DECIDED, Stage.TOLD, Stage.CLOSED)

# Where each state stands on the road: the stage being worked on now.
_CURRENT = {
    State.REGISTERED: Stage.ACCEPTED,
    State.ACCEPTED: Stage.INVESTIGATED,
    State.ASSIGNED: Stage.INVESTIGATED,
    State.INVESTIGATING: Stage.INVESTIGATED,
    State.PAUSED: Stage.INVESTIGATED,
    State.DECIDED: Stage.TOLD,
    State.NOTIFIED: Stage.CLOSED,
    State.REVIEW_REQUESTED: Stage.REVIEWED,
}


def journey(state: State, *, reviewed: bool = False) -> list[Step]:
    """Every stage of the complaint's road with its progress. A review requested (or held) adds its stage
    before the end; a complaint declined or withdrawn ends there, the stages it skipped not shown."""
    if state in (State.DECLINED, State.WITHDRAWN):
        ending = Stage.DECLINED if state is State.DECLINED else Stage.WITHDRAWN
        return [Step(Stage.RECEIVED, Progress.DONE), Step(ending, Progress.DONE)]
    road = list(ROAD)
    if reviewed or state is State.REVIEW_REQUESTED:
        road.insert(road.index(Stage.CLOSED), Stage.REVIEWED)
    if state is State.CLOSED:
        return [Step(s, Progress.DONE) for s in road]
    current = road.index(_CURRENT[state])
    return [
        Step(s, Progress.DONE if i < current else Progress.CURRENT if i == current else Progress.AHEAD)
        for i, s in enumerate(road)
    ]
