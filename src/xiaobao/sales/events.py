from django.utils.translation import gettext_lazy as _

from xiaobao.audit.registry import event_type

PRODUCT_PUBLISHED = event_type(
    "sales.product_published",
    _("product page published"),
    fields=("by", "code", "line", "name", "on_sale", "register_number", "register_url", "summary", "terms_sha256"),
)
PRODUCT_CHANGED = event_type(
    "sales.product_changed",
    _("product page changed"),
    fields=("by", "code", "line", "name", "on_sale", "register_number", "register_url", "summary", "terms_sha256"),
)
