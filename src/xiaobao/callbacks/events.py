"""Audit event types of call-back requests (RULES.md INC-E3): asked for, a call recorded, the number shown."""

from django.utils.translation import gettext_lazy as _

from xiaobao.audit.registry import event_type

CALLBACK_REQUESTED = event_type(
    "callbacks.requested",
    _("call-back requested"),
    fields=("reference", "phone", "slot", "language", "priority", "target_at", "late_after"),
)
CALLBACK_CALL_RECORDED = event_type(
    "callbacks.call_recorded", _("call-back call recorded"), fields=("state", "attempts", "timeliness")
)
CALLBACK_PHONE_SHOWN = event_type("callbacks.phone_shown", _("call-back number shown to call"), fields=("purpose",))
