"""Audit event types of education (MISSION EDU-1..3): plans and events kept, library items written, published and
withdrawn, questions asked, answered, drafted for the library and published."""

from django.utils.translation import gettext_lazy as _

from xiaobao.audit.registry import event_type

PLAN_CREATED = event_type(
    "outreach.plan_created",
    _("outreach plan created"),
    fields=("title", "audience", "period_start", "period_end", "owner", "planned_events"),
)
EVENT_RECORDED = event_type(
    "outreach.event_recorded",
    _("outreach event recorded"),
    fields=("event", "held_on", "place", "audience", "topic", "languages", "attendance"),
)
ITEM_WRITTEN = event_type(
    "outreach.item_written",
    _("education item written"),
    fields=("kind", "language", "title", "video_sha256", "video_size", "video_type"),
)
TEXT_SAVED = event_type(
    "outreach.text_saved",
    _("education item text saved"),
    fields=("language", "title", "body_sha256", "captions_sha256"),
)
ITEM_PUBLISHED = event_type(
    "outreach.item_published", _("education item published"), fields=("state", "written_by", "languages")
)
ITEM_WITHDRAWN = event_type("outreach.item_withdrawn", _("education item withdrawn"), fields=("state", "reason"))
QUESTION_ASKED = event_type("outreach.question_asked", _("question asked by the public"), fields=("language",))
QUESTION_ANSWERED = event_type(
    "outreach.question_answered", _("public question answered"), fields=("state", "answer_sha256")
)
QUESTION_DRAFTED = event_type(
    "outreach.question_drafted", _("public question drafted for the library"), fields=("state", "item", "title")
)
QUESTION_DRAFT_WITHDRAWN = event_type(
    "outreach.question_draft_withdrawn",
    _("draft of a public question withdrawn"),
    fields=("state", "item", "reason"),
)
QUESTION_PUBLISHED = event_type(
    "outreach.question_published", _("public question published"), fields=("state", "item", "title")
)
