from django.utils.translation import gettext_lazy as _

from xiaobao.audit.registry import event_type

REPORTED = event_type("claim.reported", _("claim received"), visible_to_consumer=True)
DOCUMENTS_REQUESTED = event_type(
    "claim.documents_requested", _("documents requested, all at once"), visible_to_consumer=True
)
DOCUMENT_RECEIVED = event_type("claim.document_received", _("document received"), visible_to_consumer=True)
DOCUMENTS_COMPLETE = event_type("claim.documents_complete", _("documents complete"), visible_to_consumer=True)
ASSESSING = event_type("claim.assessing", _("claim being assessed"), visible_to_consumer=True)
AMOUNT_AGREED = event_type("claim.amount_agreed", _("amount agreed"), visible_to_consumer=True)
PAID = event_type("claim.paid", _("claim paid"), visible_to_consumer=True)
REFUSED = event_type("claim.refused", _("claim refused, with reasons"), visible_to_consumer=True)
ADVANCE_PAID = event_type("claim.advance_paid", _("advance payment made"), visible_to_consumer=True)
GREEN_CHANNEL = event_type("claim.green_channel", _("green channel: priority handling"), visible_to_consumer=True)
EMERGENCY_DECLARED = event_type("claim.emergency_declared", _("major emergency declared"))
PAUSED = event_type("claim.paused", _("waiting for an appraisal: the clock is stopped"), visible_to_consumer=True)
RESUMED = event_type("claim.resumed", _("assessment continues"), visible_to_consumer=True)
HOME_VISIT_BOOKED = event_type("claim.home_visit_booked", _("home visit booked"), visible_to_consumer=True)
REMINDED = event_type("claim.reminded", _("deadline reminder sent to staff"))
DEADLINE_CONFIRMED = event_type(
    "claim.deadline_confirmed", _("date confirmed with the year's official calendar"), visible_to_consumer=True
)
ESCALATED = event_type("claim.escalated", _("overdue: escalated to supervisors and compliance"))
CHECKLIST_CHANGED = event_type("claim.checklist_changed", _("document checklist changed"))
