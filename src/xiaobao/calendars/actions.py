"""Loading a year's schedule: checked, audited, and in force for new computations at once."""

from __future__ import annotations

from django.db import transaction

from xiaobao.audit.recorder import record
from xiaobao.calendars import events
from xiaobao.calendars.models import CalendarDay, CalendarYear
from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.kernel.calendar import YearSchedule
from xiaobao.kernel.errors import InvalidInput, PermissionDenied
from xiaobao.kernel.i18n import _


@transaction.atomic
def calendar_year_load(*, actor: Actor, schedule: YearSchedule, replace: bool = False) -> CalendarYear:
    """Store one year's schedule. Years stay contiguous; a loaded year is replaced only when asked."""
    if actor.kind is not ActorKind.SYSTEM:
        raise PermissionDenied()  # platform operators, through the command or the admin site
    weekday_adjusted = sorted(d for d in schedule.adjusted_working_days if d.weekday() < 5)
    if weekday_adjusted:
        raise InvalidInput(
            _("Adjusted working days must be weekend days; %(day)s is a weekday."), day=weekday_adjusted[0].isoformat()
        )
    years = set(CalendarYear.objects.values_list("year", flat=True))
    existing = CalendarYear.objects.select_for_update().filter(year=schedule.year).first()
    if existing is not None and not replace:
        raise InvalidInput(
            _("%(year)s is already loaded; load it again with replace to change it."), year=schedule.year
        )
    if years and existing is None and schedule.year not in {min(years) - 1, max(years) + 1}:
        raise InvalidInput(
            _("Load years in order: the calendar holds %(first)s–%(last)s."), first=min(years), last=max(years)
        )
    old = {}
    if existing is not None:
        old = {"days": existing.days.count(), "source": existing.source}
        existing.days.all().delete()
        existing.source = schedule.source
        existing.save(update_fields=["source", "loaded_at"])
        calendar_year = existing
    else:
        calendar_year = CalendarYear.objects.create(year=schedule.year, source=schedule.source)
    CalendarDay.objects.bulk_create(
        [
            CalendarDay(calendar_year=calendar_year, date=d, kind=CalendarDay.HOLIDAY, name=n)
            for d, n in schedule.holidays.items()
        ]
        + [
            CalendarDay(calendar_year=calendar_year, date=d, kind=CalendarDay.ADJUSTED_WORKING_DAY)
            for d in schedule.adjusted_working_days
        ]
    )
    record(
        event_type=events.CALENDAR_YEAR_LOADED,
        actor=actor,
        subject=calendar_year,
        insurer_id=None,
        old=old,
        new={
            "holidays": len(schedule.holidays),
            "adjusted_working_days": sorted(d.isoformat() for d in schedule.adjusted_working_days),
            "source": schedule.source,
        },
    )
    transaction.on_commit(forget_cached_calendar)
    return calendar_year


def forget_cached_calendar() -> None:
    from xiaobao.calendars.selectors import business_calendar

    business_calendar.cache_clear()
