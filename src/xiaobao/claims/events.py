from django.utils.translation import gettext_lazy as _

from xiaobao.audit.registry import event_type

REPORTED = event_type(
    "claim.reported",
    _("claim received"),
    visible_to_consumer=True,
    fields=("green_channel", "receipt", "received_at", "reference"),
)
RECEIPT_REFUSED = event_type(
    "claim.receipt_refused",
    _("claim or document acknowledged but not registered: refused"),
    fields=("code", "receipt", "received_at"),
)
RECEIPT_FAILED = event_type(
    "claim.receipt_failed",
    _("claim or document acknowledged but not registered: failed"),
    fields=("attempts", "failure", "receipt", "received_at"),
)
DOCUMENTS_REQUESTED = event_type(
    "claim.documents_requested",
    _("documents requested, all at once"),
    visible_to_consumer=True,
    fields=("items", "new_fact", "notice", "request"),
)
DOCUMENT_RECEIVED = event_type(
    "claim.document_received",
    _("document received"),
    visible_to_consumer=True,
    fields=("item", "receipt", "received_at", "sha256"),
)
DOCUMENTS_COMPLETE = event_type(
    "claim.documents_complete", _("documents complete"), visible_to_consumer=True, fields=("decision_due", "rule")
)
ASSESSING = event_type("claim.assessing", _("claim being assessed"), visible_to_consumer=True, fields=("state",))
AMOUNT_AGREED = event_type(
    "claim.amount_agreed", _("amount agreed"), visible_to_consumer=True, fields=("amount", "decision", "pay_by")
)
PAID = event_type("claim.paid", _("claim paid"), visible_to_consumer=True, fields=("paid", "payment"))
REFUSED = event_type(
    "claim.refused", _("claim refused, with reasons"), visible_to_consumer=True, fields=("decision", "notice")
)
ADVANCE_PAID = event_type(
    "claim.advance_paid", _("advance payment made"), visible_to_consumer=True, fields=("amount", "clock")
)
GREEN_CHANNEL = event_type(
    "claim.green_channel", _("green channel: priority handling"), visible_to_consumer=True, fields=("reasons",)
)
EMERGENCY_DECLARED = event_type(
    "claim.emergency_declared", _("major emergency declared"), fields=("from", "name", "regions", "to")
)
PAUSED = event_type(
    "claim.paused",
    _("waiting for an appraisal: the clock is stopped"),
    visible_to_consumer=True,
    fields=("reason", "reason_on_claim"),  # "reason" held the text itself before issue #19
)
RESUMED = event_type(
    "claim.resumed", _("assessment continues"), visible_to_consumer=True, fields=("decide_by", "paused_days")
)
HOME_VISIT_BOOKED = event_type(
    "claim.home_visit_booked", _("home visit booked"), visible_to_consumer=True, fields=("day",)
)
REMINDED = event_type(
    "claim.reminded", _("deadline reminder sent to staff"), fields=("clock", "days_left", "due", "kind")
)
DEADLINE_CONFIRMED = event_type(
    "claim.deadline_confirmed",
    _("date confirmed with the year's official calendar"),
    visible_to_consumer=True,
    fields=("clock", "due", "provisional"),
)
ESCALATED = event_type(
    "claim.escalated",
    _("overdue: escalated to supervisors and compliance"),
    fields=("clock", "days_left", "due", "kind"),
)
CHECKLIST_CHANGED = event_type(
    "claim.checklist_changed",
    _("document checklist changed"),
    fields=("by", "code", "line", "name", "required", "type", "waivable"),
)
CHECKLIST_ITEM_KEPT = event_type(
    "claim.checklist_item_kept",
    _("insurer's document checklist changed"),
    fields=("adopted", "code", "explanation", "line", "name", "required", "type", "waivable"),
)
CHECKLIST_WORDING_KEPT = event_type(
    "claim.checklist_wording_kept",
    _("document checklist worded in another language"),
    fields=("adopted", "code", "explanation", "language", "name"),
)
