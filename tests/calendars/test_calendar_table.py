"""The calendar table: seeded, extended with a new year without a release, checked and audited."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from xiaobao.audit.models import AuditEvent
from xiaobao.calendars.models import CalendarDay, CalendarYear
from xiaobao.calendars.selectors import business_calendar
from xiaobao.deadlines.clock import due_date
from xiaobao.deadlines.rules import DEFAULT
from xiaobao.kernel.calendar import CalendarYearNotLoaded

pytestmark = pytest.mark.django_db


def schedule_for(year: int, adjusted: str = "02-13") -> dict:
    return {
        "year": year,
        "source": f"test notice for {year}",
        "holidays": {f"{year}-01-01": "New Year's Day", f"{year}-02-05": "Spring Festival"},
        "adjusted_working_days": [f"{year}-{adjusted}"],
    }


SCHEDULE_2027 = schedule_for(2027)  # 2027-02-13 is a Saturday


def _write(tmp_path: Path, schedule: dict) -> Path:
    path = tmp_path / "schedule.json"
    path.write_text(json.dumps(schedule), encoding="utf-8")
    return path


def test_the_migration_seeds_every_published_year() -> None:
    years = list(CalendarYear.objects.values_list("year", flat=True))
    assert years[0] == 2004
    assert years[-1] == 2026
    assert business_calendar().is_adjusted_working_day(date(2026, 2, 28))


def test_a_new_year_loaded_from_a_file_is_used_at_once_and_audited(
    tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    with pytest.raises(CalendarYearNotLoaded):
        due_date(DEFAULT["CMP-T1"], date(2026, 12, 20), business_calendar())

    with django_capture_on_commit_callbacks(execute=True):
        call_command("calendar_load", file=_write(tmp_path, SCHEDULE_2027), stdout=open("/dev/null", "w"))  # noqa: SIM115

    calendar = business_calendar()
    assert due_date(DEFAULT["CMP-T1"], date(2026, 12, 20), calendar) == date(2027, 1, 4)  # 01-04 Monday
    assert calendar.is_working_day(date(2027, 2, 13))  # the adjusted Saturday
    event = AuditEvent.objects.get(event_type="calendar.year_loaded")
    assert event.new_values["adjusted_working_days"] == ["2027-02-13"]


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        (schedule_for(2029, adjusted="02-10"), "请按年份顺序载入"),
        (schedule_for(2026, adjusted="02-14"), "年已载入"),
        ({**SCHEDULE_2027, "adjusted_working_days": ["2027-02-10"]}, "调休上班日必须是周末"),
        ({**SCHEDULE_2027, "holidays": {"2028-01-01": "x"}}, "不是有效的节假日安排文件"),
        ({"year": 2027}, "不是有效的节假日安排文件"),
    ],
)
def test_a_bad_schedule_is_refused_and_nothing_is_written(tmp_path: Path, schedule: dict, message: str) -> None:
    days, events = CalendarDay.objects.count(), AuditEvent.objects.count()

    with pytest.raises(CommandError, match=message) as refused:
        call_command("calendar_load", file=_write(tmp_path, schedule))

    assert refused.value.returncode == 2
    assert (CalendarDay.objects.count(), AuditEvent.objects.count()) == (days, events)


def test_loading_from_the_package_twice_changes_nothing() -> None:
    before = CalendarDay.objects.count()
    call_command("calendar_load", from_package=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert CalendarDay.objects.count() == before


def test_a_platform_operator_loads_a_year_through_the_admin_page(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    operator = get_user_model().objects.create_superuser("operator", password="operator-pass-2026")
    client.force_login(operator)
    upload = SimpleUploadedFile("2027.json", json.dumps(SCHEDULE_2027).encode(), content_type="application/json")

    page = client.get("/admin/calendars/calendaryear/load/")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/calendars/calendaryear/load/", {"schedule": upload})

    assert page.status_code == 200
    assert response.status_code == 302
    assert CalendarYear.objects.filter(year=2027).exists()
    assert business_calendar().is_working_day(date(2027, 2, 13))


def test_the_admin_page_shows_a_refusal_and_keeps_the_form(client: Client) -> None:
    operator = get_user_model().objects.create_superuser("operator", password="operator-pass-2026")
    client.force_login(operator)
    upload = SimpleUploadedFile("bad.json", json.dumps(schedule_for(2030, adjusted="02-09")).encode())

    response = client.post("/admin/calendars/calendaryear/load/", {"schedule": upload, "replace": "on"})

    assert response.status_code == 200
    assert "请按年份顺序载入：日历目前包含 2004–2026 年。" in response.content.decode()
    assert 'name="replace" id="id_replace" checked' in response.content.decode()  # what was chosen stays chosen
    assert not CalendarYear.objects.filter(year=2030).exists()


def test_insurer_staff_cannot_reach_the_admin_page(client: Client) -> None:
    user = get_user_model().objects.create_user("staff-member", password="staff-pass-2026")
    client.force_login(user)
    response = client.get("/admin/calendars/calendaryear/load/")
    assert response.status_code == 302  # to the admin log-in
