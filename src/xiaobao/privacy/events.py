from django.utils.translation import gettext_lazy as _

from xiaobao.audit.registry import event_type

PERSONAL_DATA_REVEALED = event_type("privacy.revealed", _("personal data revealed in full"), fields=("field", "reason"))
AGREEMENT_SIGNED = event_type(
    "privacy.agreement_signed",
    _("data-sharing agreement recorded"),
    fields=("categories", "partner", "purpose", "reference", "valid_from", "valid_until"),
)
