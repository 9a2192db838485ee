"""Words people read for states, steps and flags (translated where shown)."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

STEP_TEXT = {
    "accept": _("Accept the complaint"),
    "decline": _("Decline: not a complaint"),
    "assign": _("Assign an investigator"),
    "declare_conflict": _("Declare a conflict of interest"),
    "investigate": _("Start the investigation"),
    "pause": _("Pause the clock"),
    "resume": _("Resume the clock"),
    "new_facts": _("New facts received: restart the clock"),
    "extend": _("Ask for more time"),
    "decide": _("Record the decision"),
    "notify": _("Send the decision notice"),
    "close": _("Close the complaint"),
    "withdraw": _("Withdraw for the complainant"),
    "decide_review": _("Decide the review"),
    "forward": _("Forward to an agent or outsourcer"),
    "request_information": _("Ask the complainant for information"),
}

FLAG_TEXT = {
    "elderly": _("elderly"),
    "disabled": _("disabled"),
    "new_urban_resident": _("new urban resident"),
    "major_emergency": _("major emergency"),
    "group": _("group complaint"),
}

REVEAL_FIELD_TEXT = {
    "name": _("full name"),
    "phone": _("full phone number"),
    "resident_id": _("full ID number"),
}
"""What a case page may reveal of the complainant (privacy.actions.REVEALABLE_FIELDS), in words."""

CLOCK_TEXT = {
    "running": _("on time"),
    "due soon": _("due soon"),
    "overdue": _("overdue"),
    "paused": _("paused"),
    "met": _("met"),
    "missed": _("missed"),
}


def days_text(days_left: int | None) -> str:
    """Days left in words, for a page that also shows the date."""
    if days_left is None:
        return ""
    if days_left < 0:
        return gettext("%(days)s days overdue") % {"days": -days_left}
    if days_left == 0:
        return gettext("due today")
    return gettext("%(days)s days left") % {"days": days_left}
