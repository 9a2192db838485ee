"""The audit log's own events: an auditor verified chains, or exported a verified timeline (issue #18).

Each is recorded on the chain of its ``Verification`` row, never on the chains it verified: verifying
a case twice finds the same chain, with the same head hash, both times.
"""

from django.utils.translation import gettext_lazy as _

from xiaobao.audit.registry import event_type

RESULT_FIELDS = (
    "scope",
    "reference",
    "subject",
    "result",
    "chains",
    "events",
    "broken_chains",
    "head_hash",
    "first_break",
)

CHAIN_VERIFIED = event_type("audit.chain_verified", _("audit chain verified"), fields=RESULT_FIELDS)
VERIFICATION_REQUESTED = event_type(
    "audit.verification_requested", _("verification of every chain requested"), fields=("scope",)
)
VERIFICATION_FINISHED = event_type(
    "audit.verification_finished", _("verification of every chain finished"), fields=(*RESULT_FIELDS, "seconds")
)
TIMELINE_EXPORTED = event_type(
    "audit.timeline_exported", _("verified timeline exported"), fields=(*RESULT_FIELDS, "format")
)
