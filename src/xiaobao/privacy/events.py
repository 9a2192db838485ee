from django.utils.translation import gettext_lazy as _

from xiaobao.audit.registry import event_type

PERSONAL_DATA_REVEALED = event_type(
    "privacy.revealed", _("personal data revealed in full"), fields=("access", "field", "reason")
)
# "reason" held the text itself before issue #19; "access" is the PersonalDataAccess row that keeps it
AGREEMENT_SIGNED = event_type(
    "privacy.agreement_signed",
    _("data-sharing agreement recorded"),
    fields=(
        "categories",
        "method",
        "partner",
        "protection_measures",
        "purpose",
        "purpose_detail",
        "reference",
        "valid_from",
        "valid_until",
    ),
)
AGREEMENT_APPROVED = event_type(
    "privacy.agreement_approved", _("data-sharing agreement approved"), fields=("approved_at", "recorded_by")
)
AGREEMENT_ENDED = event_type(
    "privacy.agreement_ended", _("data-sharing agreement ended early"), fields=("ended_at", "reason")
)
PARTNER_DATA_READ = event_type(
    "privacy.partner_read",
    _("consumer data read by a partner"),
    fields=("agreements", "categories", "key", "purpose", "reads"),
)
