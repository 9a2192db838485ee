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

# Suitability (SAL-2, SAL-S2..S4): recorded on the sale, so its timeline shows what the buyer was told.
SUITABILITY_ASSESSED = event_type(
    "sales.suitability_assessed",
    _("suitability assessed"),
    fields=("outcome", "risk_profile", "reasons", "thresholds", "advised_against", "elder_care", "buyer_age", "by"),
    visible_to_consumer=True,
)
OWN_CHOICE_DECLARED = event_type(
    "sales.own_choice_declared",
    _("buyer declared the purchase their own choice"),
    fields=("covers", "text_sha256", "language", "signed_at"),
    visible_to_consumer=True,
)
# Policies and the cooling-off period (issue #16 item 5): recorded on the policy.
POLICY_ISSUED = event_type(
    "sales.policy_issued",
    _("policy issued"),
    fields=("number", "product", "starts_on", "received_on", "cooling_off_ends", "ends_on", "premium_paid"),
    visible_to_consumer=True,
)
SURRENDER_REQUESTED = event_type(
    "sales.surrender_requested",
    _("surrender requested"),
    fields=("path", "requested_on", "refund", "deduction", "refund_due", "on_behalf"),
    visible_to_consumer=True,
)
REFUND_PAID = event_type(
    "sales.refund_paid", _("refund paid"), fields=("refunded_on", "refund", "met"), visible_to_consumer=True
)
REFUND_REMINDED = event_type("sales.refund_reminded", _("refund reminder sent"), fields=("kind", "due", "days_left"))
REFUND_ESCALATED = event_type("sales.refund_escalated", _("refund overdue"), fields=("kind", "due", "days_left"))
REFUND_DEADLINE_CONFIRMED = event_type(
    "sales.refund_deadline_confirmed", _("refund date confirmed"), fields=("due", "provisional")
)
MATERIAL_APPROVED = event_type(
    "sales.material_approved", _("sales material approved"), fields=("state", "registered_by")
)
MATERIAL_REJECTED = event_type("sales.material_rejected", _("sales material rejected"), fields=("state", "reason"))
MATERIAL_WITHDRAWN = event_type("sales.material_withdrawn", _("sales material withdrawn"), fields=("state", "reason"))

SALESPERSON_FIELDS = ("name", "practice_number", "grade", "active", "staff", "partner")
SALESPERSON_ADDED = event_type("sales.salesperson_added", _("salesperson added"), fields=SALESPERSON_FIELDS)
SALESPERSON_CHANGED = event_type("sales.salesperson_changed", _("salesperson changed"), fields=SALESPERSON_FIELDS)
# -- the replayable sale (SAL-3, SAL-R1..R4) ---------------------------------------------------------------------
SALE_STARTED = event_type(
    "sales.sale_started",
    _("sale session started"),
    fields=("reference", "product", "seller", "channel", "buyer_age", "recording_required"),
)
SALE_EVENTS_APPENDED = event_type(
    "sales.sale_events_appended", _("sale events received"), fields=("count", "first", "last", "head")
)
RECORDING_UPLOAD_OPENED = event_type(
    "sales.recording_upload_opened", _("recording upload started"), fields=("upload", "media_type", "duration", "size")
)
RECORDING_UPLOAD_EXPIRED = event_type(
    "sales.recording_upload_expired",
    _("recording upload closed unfinished"),
    fields=("upload", "received", "size", "chunks", "because"),
)
RECORDING_RECEIVED = event_type(
    "sales.recording_received",
    _("recording received"),
    fields=("recording", "upload", "already_kept", "sha256", "size", "duration", "media_type", "recorded_by"),
)
SALE_COMPLETED = event_type("sales.sale_completed", _("sale completed"), fields=("events", "head", "recordings"))
SAMPLE_DRAWN = event_type(
    "sales.quality_sample_drawn",
    _("quality-check sample drawn"),
    fields=("period_start", "period_end", "seed", "rate", "population", "sampled", "high_risk"),
)
QUALITY_CHECKED = event_type(
    "sales.quality_checked", _("sale quality checked"), fields=("check", "finding", "notes_sha256", "chain_intact")
)
DISPUTE_OPENED = event_type(
    "sales.dispute_opened", _("dispute about the sale opened"), fields=("kind", "complaint", "reference", "opened_on")
)
DISPUTE_ENDED = event_type("sales.dispute_ended", _("dispute about the sale ended"), fields=("dispute", "ended_on"))
BUNDLE_EXPORTED = event_type("sales.bundle_exported", _("sale bundle exported"), fields=("sha256", "files"))
