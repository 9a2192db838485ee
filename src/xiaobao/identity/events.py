"""Audit event types of identity and tenancy."""

from django.utils.translation import gettext_lazy as _

from xiaobao.audit.registry import event_type

CONSUMER_REGISTERED = event_type("consumer.registered", _("consumer registered"))
CONSUMER_IDENTITY_UNCONFIRMED = event_type(
    "consumer.identity_unconfirmed", _("consumer's identity not confirmed: ID number given from another phone")
)
CONSUMER_RELATED = event_type("consumer.related_to_insurer", _("consumer started dealing with an insurer"))
PARTNER_KEY_ISSUED = event_type("partner.key_issued", _("partner API key issued"))
PARTNER_KEY_REVOKED = event_type("partner.key_revoked", _("partner API key revoked"))
STAFF_CREATED = event_type("staff.created", _("staff member created"))
STAFF_ROLE_GRANTED = event_type("staff.role_granted", _("role granted"))
STAFF_ROLE_REVOKED = event_type("staff.role_revoked", _("role revoked"))
INSURER_CREATED = event_type("insurer.created", _("insurer created"))
BRANCH_CREATED = event_type("branch.created", _("branch created"))
PARTNER_CREATED = event_type("partner.created", _("partner created"))
MEDIATION_ORGANISATION_CREATED = event_type("mediation_organisation.created", _("mediation organisation created"))
MEDIATOR_CREATED = event_type("mediator.created", _("mediator created"))
STAFF_KEY_ISSUED = event_type("staff.key_issued", _("staff API token issued"))
STAFF_KEY_REVOKED = event_type("staff.key_revoked", _("staff API token revoked"))
