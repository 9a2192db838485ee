"""The calendar on the platform operator's admin site: every year, and a form to load a new one.

Loading goes through ``calendar_year_load`` (checked and audited), as the command does.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _

from xiaobao.calendars.actions import calendar_year_load
from xiaobao.calendars.models import CalendarDay, CalendarYear
from xiaobao.calendars.schedule_files import read_schedule
from xiaobao.kernel.actors import SYSTEM
from xiaobao.kernel.errors import DomainError
from xiaobao.ops.i18n import message_of


class CalendarDayInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CalendarDay
    extra = 0
    readonly_fields = ("date", "kind", "name")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ScheduleUploadForm(forms.Form):
    schedule = forms.FileField(label=_("Schedule file (JSON)"))
    replace = forms.BooleanField(label=_("Replace the year if it is already loaded"), required=False)


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("year", "source", "loaded_at")
    readonly_fields = ("year", "source", "loaded_at")
    inlines = [CalendarDayInline]
    change_list_template = "calendars/calendar_year_change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # years are added through the load form below, which checks and audits them

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        load = path("load/", self.admin_site.admin_view(self.load_view), name="calendars_calendaryear_load")
        return [load, *super().get_urls()]

    def load_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_superuser:
            return HttpResponse(status=403)
        form = ScheduleUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            with tempfile.TemporaryDirectory() as folder:
                path_ = Path(folder) / "schedule.json"
                path_.write_bytes(form.cleaned_data["schedule"].read())
                try:
                    schedule = read_schedule(path_)
                    calendar_year_load(actor=SYSTEM, schedule=schedule, replace=form.cleaned_data["replace"])
                except DomainError as error:
                    form.add_error("schedule", message_of(error))
                else:
                    messages.success(request, _("The %(year)s schedule is loaded.") % {"year": schedule.year})
                    return HttpResponseRedirect(reverse("admin:calendars_calendaryear_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": _("Load a year's schedule"),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "calendars/load_year.html", context)
