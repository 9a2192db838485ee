"""Audit event types of root causes and fairness (CMP-S1, INC-4): ids and counts, never a complaint's words."""

from django.utils.translation import gettext_lazy as _

from xiaobao.audit.registry import event_type

COMPLAINTS_GROUPED = event_type(
    "insights.complaints_grouped",
    _("similar complaints grouped"),
    fields=("complaints", "groups", "grouped", "followed"),
)
ACTION_RECORDED = event_type(
    "insights.action_recorded", _("remediation action recorded"), fields=("group", "owner", "due_on")
)
ACTION_PROGRESSED = event_type("insights.action_progressed", _("remediation progress recorded"), fields=("characters",))
ACTION_COMPLETED = event_type(
    "insights.action_completed", _("remediation action completed"), fields=("state", "completed_on")
)
FAIRNESS_REPORTED = event_type(
    "insights.fairness_reported", _("monthly fairness report sent to compliance"), fields=("month", "flagged")
)
