from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "xiaobao.calendars"
    label = "calendars"
    verbose_name = "Working-day calendar"

    def ready(self) -> None:
        from xiaobao.calendars import events  # noqa: F401
