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
    "sales.recording_upload_opened", _("recording upload started"), fields=("upload", "media_type", "duration")
)
RECORDING_RECEIVED = event_type(
    "sales.recording_received",
    _("recording received"),
    fields=("recording", "sha256", "size", "duration", "media_type", "recorded_by"),
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
