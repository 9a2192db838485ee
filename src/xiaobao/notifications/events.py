from django.utils.translation import gettext_lazy as _

from xiaobao.audit.registry import event_type

NOTIFICATION_QUEUED = event_type("notification.queued", _("notice queued"), fields=("channel", "purpose"))
NOTIFICATION_SENT = event_type("notification.sent", _("notice sent"), visible_to_consumer=True, fields=("proof",))
NOTIFICATION_FAILED = event_type("notification.failed", _("notice could not be delivered"), fields=("attempts",))
