"""Audit event types of mediation and judicial confirmation (DSP-1, DSP-3). Recorded on the complaint, so they
make its timeline; the consumer-visible ones also reach the mediator's shared file. Ids and dates only."""

from django.utils.translation import gettext_lazy as _

from xiaobao.audit.registry import event_type

SHARING_AGREEMENT_RECORDED = event_type(
    "disputes.sharing_agreement_recorded",
    _("data-sharing agreement with a mediation organisation recorded"),
    fields=("organisation", "reference", "valid_from", "valid_until"),
)
CONSENT_GIVEN = event_type(
    "disputes.consent_given",
    _("you consented to mediation"),
    visible_to_consumer=True,
    fields=("consent", "documents", "organisation", "shared"),
)
REFERRED = event_type(
    "disputes.referred",
    _("referred to a mediation organisation"),
    visible_to_consumer=True,
    fields=("documents", "organisation", "paused", "referral", "shared"),
)
ACCEPTED = event_type(
    "disputes.accepted",
    _("the mediation organisation took the case"),
    visible_to_consumer=True,
    fields=("due", "referral"),
)
OUTCOME_RECORDED = event_type(
    "disputes.outcome_recorded",
    _("the mediation ended"),
    visible_to_consumer=True,
    fields=("effective_on", "outcome", "referral", "resumed", "window_ends"),
)
BUNDLE_MADE = event_type(
    "disputes.bundle_made",
    _("the file for judicial confirmation produced (parties' identities included)"),
    fields=("referral",),
)
APPLIED = event_type(
    "disputes.applied",
    _("judicial confirmation applied for"),
    visible_to_consumer=True,
    fields=("applied_on", "court", "referral"),
)
COURT_RESULT = event_type(
    "disputes.court_result",
    _("the court ruled on the mediation agreement"),
    visible_to_consumer=True,
    fields=("referral", "result", "ruled_on", "ruling_number"),
)
PERFORMANCE_OWED = event_type(
    "disputes.performance_owed",
    _("what the insurer must do under the agreement recorded"),
    visible_to_consumer=True,
    fields=("due", "performance", "referral"),
)
PERFORMED = event_type(
    "disputes.performed",
    _("the insurer did what the agreement asks"),
    visible_to_consumer=True,
    fields=("performance", "performed_on", "sha256"),
)
REMINDED = event_type(
    "disputes.reminded",
    _("mediation date reminder sent"),
    fields=("clock", "days_left", "due", "kind", "referral"),
)
ESCALATED = event_type(
    "disputes.escalated",
    _("mediation date passed: escalated"),
    fields=("clock", "days_left", "due", "kind", "referral"),
)
CONFIRMED = event_type(
    "disputes.date_confirmed",
    _("mediation date confirmed with the year's official calendar"),
    fields=("clock", "due", "provisional", "rule"),
)
