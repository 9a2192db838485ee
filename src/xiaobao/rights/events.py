"""Audit event types of data rights (PIPL): no value here ever holds personal data, only ids, kinds and counts."""

from django.utils.translation import gettext_lazy as _

from xiaobao.audit.registry import event_type

DATA_EXPORTED = event_type(
    "rights.data_exported", _("the consumer read and downloaded all their data"), fields=("records", "format")
)
REQUEST_MADE = event_type(
    "rights.request_made", _("the consumer asked to correct or delete their data"), fields=("kind", "field", "requests")
)
REQUEST_ACCEPTED = event_type(
    "rights.request_accepted",
    _("data request carried out"),
    fields=("kind", "field", "state", "counts", "notice", "closed"),
)
REQUEST_REFUSED = event_type(
    "rights.request_refused", _("data request refused"), fields=("kind", "state", "holds", "notice")
)
CONSUMER_ERASED = event_type(
    "rights.consumer_erased", _("consumer's personal data erased"), fields=("why", "insurer", "counts")
)
