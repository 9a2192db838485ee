"""Words people read for a complaint's states — the consumer's tracking page and the workbench alike."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

STATE_TEXT = {
    "registered": _("received, not yet accepted"),
    "accepted": _("accepted, waiting for an investigator"),
    "declined": _("not accepted as a complaint"),
    "assigned": _("investigator assigned"),
    "investigating": _("being investigated"),
    "paused": _("paused for appraisal or mediation"),
    "decided": _("decided, notice not yet sent"),
    "notified": _("decision sent"),
    "review_requested": _("review requested"),
    "closed": _("closed"),
    "withdrawn": _("withdrawn"),
}

# The stages of the complainant's road (complaints.domain.journey), and what happens while each is current.
STAGE_TEXT = {
    "received": _("We received it"),
    "accepted": _("We accept it as a complaint"),
    "investigated": _("We look into it"),
    "decided": _("We decide"),
    "told": _("We tell you our decision in writing"),
    "reviewed": _("We review the decision"),
    "closed": _("Closed"),
    "declined": _("Not accepted as a complaint"),
    "withdrawn": _("You withdrew it"),
}
STAGE_NOW_TEXT = {
    "accepted": _("We check that it is a complaint we handle, and tell you."),
    "investigated": _("Someone who had no part in the matter looks at what happened and may ask you for more."),
    "told": _("Our decision is made; the letter with our reasons is on its way to you."),
    "reviewed": _("Someone who did not make the first decision looks at it again."),
    "closed": _("You have our decision. If you do not accept it, the options are below."),
}
