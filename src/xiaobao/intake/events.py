"""Audit event types of intake: drafts a consumer keeps while filing online."""

from django.utils.translation import gettext_lazy as _

from xiaobao.audit.registry import event_type

DRAFT_KEPT = event_type("intake.draft_kept", _("draft kept for a day"), fields=("kind", "expires_at", "why"))
DRAFT_DISCARDED = event_type("intake.draft_discarded", _("draft discarded"), fields=("kind", "why"))
