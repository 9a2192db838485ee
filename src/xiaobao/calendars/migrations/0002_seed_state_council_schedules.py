"""Seed the calendar with every year the chinesecalendar package publishes (2004 on).

Later years are added with ``manage.py calendar_load`` or the admin form.
"""

from django.db import migrations


def seed(apps, schema_editor):
    from xiaobao.kernel.state_council import published_years, year_schedule

    CalendarYear = apps.get_model("calendars", "CalendarYear")
    CalendarDay = apps.get_model("calendars", "CalendarDay")
    for year in published_years():
        if CalendarYear.objects.filter(year=year).exists():
            continue
        schedule = year_schedule(year)
        row = CalendarYear.objects.create(year=year, source=schedule.source)
        CalendarDay.objects.bulk_create(
            [CalendarDay(calendar_year=row, date=d, kind="holiday", name=n) for d, n in schedule.holidays.items()]
            + [CalendarDay(calendar_year=row, date=d, kind="adjusted_working_day") for d in schedule.adjusted_working_days]
        )


class Migration(migrations.Migration):
    dependencies = [("calendars", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
