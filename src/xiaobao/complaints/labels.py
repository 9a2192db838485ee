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
