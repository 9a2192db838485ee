"""Who outreach is for (MISSION EDU-1: community, village, school, enterprise, business district, each with its
own content; INC-1 and INC-4: elderly people and ethnic minorities reached as well as anyone), and a plan's
figures: events held against those planned, attendance by audience."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from xiaobao.kernel.errors import InvalidInput
from xiaobao.kernel.i18n import _

RULE_ID = "EDU-1"


class Audience(StrEnum):
    COMMUNITY = "community"
    VILLAGE = "village"
    SCHOOL = "school"
    ENTERPRISE = "enterprise"
    BUSINESS_DISTRICT = "business_district"
    ELDERLY = "elderly"
    MINORITY = "minority"


AUDIENCE_TEXT: dict[str, str] = {
    Audience.COMMUNITY: _("community"),
    Audience.VILLAGE: _("village"),
    Audience.SCHOOL: _("school"),
    Audience.ENTERPRISE: _("enterprise"),
    Audience.BUSINESS_DISTRICT: _("business district"),
    Audience.ELDERLY: _("elderly people"),
    Audience.MINORITY: _("ethnic minorities"),
}

MAX_PLANNED_EVENTS = 1000
MAX_ATTENDANCE = 100_000


def check_period(start: date, end: date) -> None:
    """EDU-1: a plan covers a period that ends on or after the day it starts."""
    if end < start:
        raise InvalidInput(_("The plan's period must end on or after the day it starts."))


def check_event_day(*, held_on: date, start: date, end: date) -> None:
    """EDU-1: an event of a plan is held within the plan's period."""
    if not start <= held_on <= end:
        raise InvalidInput(_("The event's date must fall within the plan's period."))


@dataclass(frozen=True)
class HeldEvent:
    audience: str
    attendance: int


@dataclass(frozen=True)
class PlanFigures:
    """EDU-1: events held against those planned, and attendance in all and by audience (every audience listed,
    those with no event at zero)."""

    planned: int
    held: int
    attendance: int
    by_audience: tuple[tuple[str, int, int], ...]  # (audience, events, attendance)

    @property
    def share_held(self) -> int | None:
        """Events held as a whole percentage of those planned (None when none were planned)."""
        return None if self.planned <= 0 else round(100 * self.held / self.planned)


def plan_figures(planned: int, events: Iterable[HeldEvent]) -> PlanFigures:
    counts: dict[str, list[int]] = {audience.value: [0, 0] for audience in Audience}
    held = attendance = 0
    for event in events:
        row = counts.setdefault(event.audience, [0, 0])
        row[0] += 1
        row[1] += event.attendance
        held += 1
        attendance += event.attendance
    return PlanFigures(
        planned=planned,
        held=held,
        attendance=attendance,
        by_audience=tuple((audience, row[0], row[1]) for audience, row in counts.items()),
    )
