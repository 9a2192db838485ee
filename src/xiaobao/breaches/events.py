"""Audit event types of breach response (SEC-3, PI-5): ids, kinds and counts only, never a person's data."""

from django.utils.translation import gettext_lazy as _

from xiaobao.audit.registry import event_type

INCIDENT_OPENED = event_type(
    "breaches.incident_opened",
    _("personal-data breach incident opened"),
    fields=("reference", "discovered_at", "window_start", "window_end", "source", "data_types"),
)
INCIDENT_ASSESSED = event_type(
    "breaches.incident_assessed",
    _("affected consumers of a breach found and frozen"),
    fields=("state", "affected", "by_type"),
)
CONSUMERS_NOTIFIED = event_type(
    "breaches.consumers_notified", _("consumers told of a breach"), fields=("state", "sent", "already_told")
)
REGULATOR_REPORTED = event_type(
    "breaches.regulator_reported", _("breach reported to the regulator"), fields=("state", "by_type", "notices")
)
INCIDENT_CLOSED = event_type("breaches.incident_closed", _("breach incident closed"), fields=("state",))
