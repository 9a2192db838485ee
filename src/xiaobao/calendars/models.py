"""The State Council schedule, year by year (RULES.md working-day calendar)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarYear(models.Model):
    """A year whose schedule is loaded. A year without a row is not known: deadlines in it are refused."""

    year = models.PositiveSmallIntegerField(unique=True)
    source = models.CharField(_("source"), max_length=300)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    HOLIDAY = "holiday"
    ADJUSTED_WORKING_DAY = "adjusted_working_day"

    calendar_year = models.ForeignKey(CalendarYear, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(unique=True)
    kind = models.CharField(
        max_length=24,
        choices=[(HOLIDAY, _("public holiday")), (ADJUSTED_WORKING_DAY, _("adjusted working day (调休)"))],
    )
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.kind}"
