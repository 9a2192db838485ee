"""Audit event types of the complaint statistics (CMP-S2)."""

from django.utils.translation import gettext_lazy as _

from xiaobao.audit.registry import event_type

STATISTICS_EXPORTED = event_type(
    "reports.exported", _("complaint statistics exported"), fields=("period", "table", "format", "scope")
)
DENOMINATOR_RECORDED = event_type(
    "reports.denominator_recorded",
    _("policies in force and premium recorded"),
    fields=("period", "policies_in_force", "premium_yuan"),
)
