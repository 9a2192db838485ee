from django.utils.translation import gettext_lazy as _

from xiaobao.audit.registry import event_type

CALENDAR_YEAR_LOADED = event_type(
    "calendar.year_loaded",
    _("working-day calendar year loaded"),
    fields=("adjusted_working_days", "holidays", "source"),
)
