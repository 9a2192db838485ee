"""Audit event types of the complaint lifecycle; consumer-visible ones make the progress page (CMP-2)."""

from django.utils.translation import gettext_lazy as _

from xiaobao.audit.registry import event_type

REGISTERED = event_type("complaint.registered", _("complaint received"), visible_to_consumer=True)
ACCEPTED = event_type("complaint.accepted", _("complaint accepted"), visible_to_consumer=True)
DECLINED = event_type("complaint.declined", _("not accepted as a complaint, with the reason"), visible_to_consumer=True)
ASSIGNED = event_type("complaint.assigned", _("investigator assigned"), visible_to_consumer=True)
ASSIGNMENT_REFUSED = event_type("complaint.assignment_refused", _("assignment refused: conflict of interest"))
CONFLICT_DECLARED = event_type("complaint.conflict_declared", _("conflict of interest declared"))
INVESTIGATING = event_type("complaint.investigating", _("investigation started"), visible_to_consumer=True)
PAUSED = event_type("complaint.paused", _("clock paused for appraisal or mediation"), visible_to_consumer=True)
RESUMED = event_type("complaint.resumed", _("clock running again"), visible_to_consumer=True)
EXTENSION_REQUESTED = event_type("complaint.extension_requested", _("extension requested"))
EXTENSION_DECIDED = event_type("complaint.extension_decided", _("extension approved or refused"))
EXTENDED = event_type("complaint.extended", _("time limit extended, with the reason"), visible_to_consumer=True)
DECIDED = event_type("complaint.decided", _("decision made"), visible_to_consumer=True)
NOTIFIED = event_type("complaint.notified", _("decision notice sent"), visible_to_consumer=True)
CLOSED = event_type("complaint.closed", _("complaint closed"), visible_to_consumer=True)
WITHDRAWN = event_type("complaint.withdrawn", _("complaint withdrawn"), visible_to_consumer=True)
NEW_FACTS = event_type(
    "complaint.new_facts", _("new facts received: the time limit restarts"), visible_to_consumer=True
)
REVIEW_REQUESTED = event_type("complaint.review_requested", _("review requested"), visible_to_consumer=True)
REVIEW_DECIDED = event_type("complaint.review_decided", _("review decided"), visible_to_consumer=True)
FORWARDED = event_type("complaint.forwarded_to_partner", _("forwarded to the agent or outsourcer concerned"))
PARTNER_ANSWERED = event_type("complaint.partner_answered", _("the agent or outsourcer answered"))
REMINDED = event_type("complaint.deadline_reminder", _("deadline reminder sent"))
ESCALATED = event_type("complaint.deadline_escalated", _("overdue: escalated"))
DEADLINE_CONFIRMED = event_type(
    "complaint.deadline_confirmed", _("due date confirmed with the year's official calendar"), visible_to_consumer=True
)
DUPLICATE_LINKED = event_type("complaint.duplicate_linked", _("the same complaint came again and was linked"))
ATTACHED = event_type("complaint.attached", _("files received"), visible_to_consumer=True)
MEDIATION_WANTED = event_type(
    "complaint.mediation_wanted", _("the complainant asked for mediation"), visible_to_consumer=True
)
MESSAGE_RECEIVED = event_type("complaint.message_received", _("a further message received"), visible_to_consumer=True)
INFORMATION_REQUESTED = event_type(
    "complaint.information_requested", _("information requested from you"), visible_to_consumer=True
)
