"""Audit event types of the complaint lifecycle; consumer-visible ones make the progress page (CMP-2)."""

from django.utils.translation import gettext_lazy as _

from xiaobao.audit.registry import event_type

REGISTERED = event_type(
    "complaint.registered",
    _("complaint received"),
    visible_to_consumer=True,
    fields=("channel", "due", "receipt", "received_on", "reference"),
)
RECEIPT_REFUSED = event_type(
    "complaint.receipt_refused",
    _("complaint acknowledged but not registered: refused"),
    fields=("code", "receipt", "received_at"),
)
RECEIPT_FAILED = event_type(
    "complaint.receipt_failed",
    _("complaint acknowledged but not registered: failed"),
    fields=("attempts", "failure", "receipt", "received_at"),
)
ACCEPTED = event_type("complaint.accepted", _("complaint accepted"), visible_to_consumer=True, fields=("state",))
DECLINED = event_type(
    "complaint.declined",
    _("not accepted as a complaint, with the reason"),
    visible_to_consumer=True,
    fields=("reason", "reason_on_case", "state"),  # "reason" held the text itself before issue #19
)
ASSIGNED = event_type(
    "complaint.assigned", _("investigator assigned"), visible_to_consumer=True, fields=("handler", "state")
)
ASSIGNMENT_REFUSED = event_type(
    "complaint.assignment_refused", _("assignment refused: conflict of interest"), fields=("handler", "reasons")
)
CONFLICT_DECLARED = event_type(
    "complaint.conflict_declared", _("conflict of interest declared"), fields=("handler", "state")
)
INVESTIGATING = event_type(
    "complaint.investigating", _("investigation started"), visible_to_consumer=True, fields=("state",)
)
PAUSED = event_type(
    "complaint.paused",
    _("clock paused for appraisal or mediation"),
    visible_to_consumer=True,
    fields=("due_if_resumed_today", "kind", "state"),
)
RESUMED = event_type(
    "complaint.resumed", _("clock running again"), visible_to_consumer=True, fields=("due", "paused_days", "state")
)
EXTENSION_REQUESTED = event_type(
    "complaint.extension_requested", _("extension requested"), fields=("extension", "reason", "to")
)
EXTENSION_DECIDED = event_type(
    "complaint.extension_decided",
    _("extension approved or refused"),
    fields=("approved", "extension", "note", "note_message", "office"),  # "note": the text, before issue #19
)
EXTENDED = event_type(
    "complaint.extended",
    _("time limit extended, with the reason"),
    visible_to_consumer=True,
    fields=("due", "extension", "reason", "rule"),  # "reason" held the text itself before issue #19
)
DECIDED = event_type("complaint.decided", _("decision made"), visible_to_consumer=True, fields=("outcome", "state"))
NOTIFIED = event_type(
    "complaint.notified",
    _("decision notice sent"),
    visible_to_consumer=True,
    fields=("deadline", "notice", "state", "target_met"),
)
CLOSED = event_type("complaint.closed", _("complaint closed"), visible_to_consumer=True, fields=("state",))
WITHDRAWN = event_type("complaint.withdrawn", _("complaint withdrawn"), visible_to_consumer=True, fields=("state",))
NEW_FACTS = event_type(
    "complaint.new_facts",
    _("new facts received: the time limit restarts"),
    visible_to_consumer=True,
    fields=("due", "note", "note_message", "restart"),  # "note" held the text itself before issue #19
)
REVIEW_REQUESTED = event_type(
    "complaint.review_requested",
    _("review requested"),
    visible_to_consumer=True,
    fields=("due", "grounds", "grounds_message", "state"),  # "grounds" held the text itself before issue #19
)
REVIEW_DECIDED = event_type(
    "complaint.review_decided", _("review decided"), visible_to_consumer=True, fields=("outcome", "state")
)
FORWARDED = event_type(
    "complaint.forwarded_to_partner",
    _("forwarded to the agent or outsourcer concerned"),
    fields=("due", "forward", "partner"),
)
PARTNER_ANSWERED = event_type(
    "complaint.partner_answered", _("the agent or outsourcer answered"), fields=("forward", "on_time")
)
PARTNER_REMINDED = event_type(
    "complaint.partner_reminded",
    _("the agent or outsourcer reminded of its deadline"),
    fields=("days_left", "due", "forward", "kind", "partner"),
)
PARTNER_OVERDUE = event_type(
    "complaint.partner_overdue",
    _("the agent or outsourcer is late: escalated"),
    fields=("days_left", "due", "forward", "kind", "partner"),
)
REMINDED = event_type("complaint.deadline_reminder", _("deadline reminder sent"), fields=("days_left", "due", "kind"))
ESCALATED = event_type("complaint.deadline_escalated", _("overdue: escalated"), fields=("days_left", "due", "kind"))
DEADLINE_CONFIRMED = event_type(
    "complaint.deadline_confirmed",
    _("due date confirmed with the year's official calendar"),
    visible_to_consumer=True,
    fields=("due", "provisional", "rule"),
)
DUPLICATE_LINKED = event_type(
    "complaint.duplicate_linked", _("the same complaint came again and was linked"), fields=("channel", "receipt")
)
ATTACHED = event_type("complaint.attached", _("files received"), visible_to_consumer=True, fields=("files",))
MEDIATION_WANTED = event_type(
    "complaint.mediation_wanted", _("the complainant asked for mediation"), visible_to_consumer=True, fields=("on",)
)
NEXT_STEP_CHOSEN = {
    option: event_type(
        f"complaint.next_step_{option}", label, visible_to_consumer=True, fields=("on", "option", "previous")
    )
    for option, label in (
        ("review", _("the complainant chose what to do next: a review")),
        ("mediation", _("the complainant chose what to do next: mediation")),
        ("arbitration", _("the complainant chose what to do next: arbitration")),
        ("court", _("the complainant chose what to do next: court")),
    )
}
"""DSP-2: the complainant's choice after the decision, one type per option so the timeline reads it; a changed
mind is a new event with the previous choice."""
MESSAGE_RECEIVED = event_type(
    "complaint.message_received",
    _("a further message received"),
    visible_to_consumer=True,
    fields=("channel", "length", "message"),
)
INFORMATION_REQUESTED = event_type(
    "complaint.information_requested", _("information requested from you"), visible_to_consumer=True, fields=("length",)
)
QUEUE_VIEW_SAVED = event_type("complaint.queue_view_saved", _("a queue view saved"), fields=("name", "query"))
QUEUE_VIEW_DELETED = event_type("complaint.queue_view_deleted", _("a queue view deleted"), fields=("name",))
QUEUE_EXPORTED = event_type(
    "complaint.queue_exported",
    _("the complaint queue exported (personal data masked)"),
    fields=("capped", "format", "query", "rows"),
)
