from django.utils.translation import gettext_lazy as _

from xiaobao.audit.registry import event_type

PRODUCT_FIELDS = (
    "by",
    "code",
    "line",
    "name",
    "on_sale",
    "register_number",
    "register_url",
    "summary",
    "terms_sha256",
    # SAL-S1 (issue #16): the tier and what it is decided from, and the sale-rule properties
    "tier",
    "complexity",
    "premium_burden",
    "risk",
    "term_months",
    "cooling_off_days",
    "uncertain_benefit",
    "investment_linked",
)
PRODUCT_PUBLISHED = event_type("sales.product_published", _("product page published"), fields=PRODUCT_FIELDS)
PRODUCT_CHANGED = event_type("sales.product_changed", _("product page changed"), fields=PRODUCT_FIELDS)

MATERIAL_REGISTERED = event_type(
    "sales.material_registered",
    _("sales material registered"),
    fields=("product", "kind", "title", "text_sha256", "sha256", "size", "content_type"),
)
MATERIAL_APPROVED = event_type(
    "sales.material_approved", _("sales material approved"), fields=("state", "registered_by")
)
MATERIAL_REJECTED = event_type("sales.material_rejected", _("sales material rejected"), fields=("state", "reason"))
MATERIAL_WITHDRAWN = event_type("sales.material_withdrawn", _("sales material withdrawn"), fields=("state", "reason"))

SALESPERSON_FIELDS = ("name", "practice_number", "grade", "active", "staff", "partner")
SALESPERSON_ADDED = event_type("sales.salesperson_added", _("salesperson added"), fields=SALESPERSON_FIELDS)
SALESPERSON_CHANGED = event_type("sales.salesperson_changed", _("salesperson changed"), fields=SALESPERSON_FIELDS)
