"""Audit event types of public disclosure (issue #18 item 4)."""

from django.utils.translation import gettext_lazy as _

from xiaobao.audit.registry import event_type

REPORT_PREPARED = event_type(
    "disclosure.report_prepared", _("yearly complaint report prepared"), fields=("year", "received", "state")
)
REPORT_APPROVED = event_type(
    "disclosure.report_approved", _("yearly complaint report approved"), fields=("year", "state")
)
OPEN_DATA_CONSENT_GIVEN = event_type(
    "disclosure.open_data_consent_given",
    _("agreed to the complaint's publication without personal data"),
    fields=("open_data",),
    visible_to_consumer=True,
)
OPEN_DATA_CONSENT_WITHDRAWN = event_type(
    "disclosure.open_data_consent_withdrawn",
    _("withdrew the agreement to publish the complaint"),
    fields=("open_data",),
    visible_to_consumer=True,
)
OPEN_DATA_PUBLISHED = event_type(
    "disclosure.open_data_published", _("open complaint data published"), fields=("rows", "sha256")
)
