"""The green channel (CLM-2, INC-2): elderly or disabled claimants, and claims inside a declared major emergency."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

from xiaobao.kernel.errors import InvalidInput
from xiaobao.kernel.i18n import _

ELDERLY_AGE = 60


@dataclass(frozen=True)
class Emergency:
    """A declared major emergency: regions (resident-ID style area codes, any prefix length) and dates."""

    region_prefixes: Collection[str]
    first_day: date
    last_day: date

    def covers(self, *, region_code: str, incident_date: date) -> bool:
        in_time = self.first_day <= incident_date <= self.last_day
        return in_time and any(region_code.startswith(prefix) for prefix in self.region_prefixes)


def green_channel_reasons(
    *,
    claimant_age: int | None,
    disabled: bool,
    region_code: str,
    incident_date: date,
    emergencies: Collection[Emergency],
) -> list[str]:
    """Why a claim is in the green channel (empty: it is not)."""
    reasons = []
    if claimant_age is not None and claimant_age >= ELDERLY_AGE:
        reasons.append("elderly")
    if disabled:
        reasons.append("disabled")
    if any(e.covers(region_code=region_code, incident_date=incident_date) for e in emergencies):
        reasons.append("major_emergency")
    return reasons


HOME_VISIT_HORIZON_DAYS = 60


class HomeVisitNotOffered(InvalidInput):
    code = "home_visit_not_offered"
    default_message = _("Home visits are offered to claims in the green channel that are still open.")


class HomeVisitDay(InvalidInput):
    code = "home_visit_day"
    default_message = _("Choose a day from tomorrow up to %(days)s days ahead.")


def check_home_visit(*, reasons: Collection[str], closed: bool, day: date, today: date) -> None:
    """A visit is for an open green-channel claim, on a day from tomorrow up to the horizon."""
    if not reasons or closed:
        raise HomeVisitNotOffered()
    if not today < day <= today + timedelta(days=HOME_VISIT_HORIZON_DAYS):
        raise HomeVisitDay(days=HOME_VISIT_HORIZON_DAYS)
