"""Audit event types of identity and tenancy."""

from django.utils.translation import gettext_lazy as _

from xiaobao.audit.registry import event_type

CONSUMER_REGISTERED = event_type(
    "consumer.registered", _("consumer registered"), fields=("phone", "resident_id", "id_kind")
)
CONSUMER_IDENTITY_UNCONFIRMED = event_type(
    "consumer.identity_unconfirmed",
    _("consumer's identity not confirmed: ID number given from another phone"),
    fields=("on_record", "phone", "resident_id", "id_kind"),
)
CONSUMER_NEW_URBAN_RESIDENT = event_type(
    "consumer.new_urban_resident",
    _("consumer said they are a new urban resident (priority handling, INC-3)"),
    fields=("new_urban_resident",),
)
CONSUMER_ID_RELEASED = event_type(
    "consumer.resident_id_released",
    _("ID number given up by a portal record: staff registered its holder with another phone"),
    fields=("resident_id", "phone", "holder"),
)
SERVICE_POINT_SAVED = event_type(
    "identity.service_point_saved",
    _("counter published or changed"),
    fields=("by", "name", "address", "phone", "hours", "accessibility", "languages", "published"),
)
CONSUMER_RELATED = event_type(
    "consumer.related_to_insurer", _("consumer started dealing with an insurer"), fields=("insurer",)
)
PARTNER_KEY_ISSUED = event_type("partner.key_issued", _("partner API key issued"), fields=("key", "label"))
PARTNER_KEY_REVOKED = event_type("partner.key_revoked", _("partner API key revoked"), fields=("key",))
STAFF_CREATED = event_type("staff.created", _("staff member created"), fields=("branch", "roles", "username"))
STAFF_ROLE_GRANTED = event_type("staff.role_granted", _("role granted"), fields=("role",))
STAFF_ROLE_REVOKED = event_type("staff.role_revoked", _("role revoked"), fields=("role",))
INSURER_CREATED = event_type("insurer.created", _("insurer created"), fields=("code", "name"))
BRANCH_CREATED = event_type("branch.created", _("branch created"), fields=("code", "level", "name", "parent"))
PARTNER_CREATED = event_type("partner.created", _("partner created"), fields=("code", "kind", "name"))
MEDIATION_ORGANISATION_CREATED = event_type(
    "mediation_organisation.created", _("mediation organisation created"), fields=("code", "name")
)
MEDIATOR_CREATED = event_type("mediator.created", _("mediator created"), fields=("username",))
REGULATOR_CREATED = event_type("regulator.created", _("regulator account created"), fields=("username", "office"))
STAFF_KEY_ISSUED = event_type("staff.key_issued", _("staff API token issued"), fields=("key", "label"))
STAFF_KEY_REVOKED = event_type("staff.key_revoked", _("staff API token revoked"), fields=("key",))
BRANCH_RENAMED = event_type("branch.renamed", _("branch renamed"), fields=("name",))
STAFF_DEACTIVATED = event_type("staff.deactivated", _("staff member deactivated"), fields=("active",))
STAFF_PASSWORD_SET = event_type(
    "staff.password_set", _("staff member's password set"), fields=("by_self",)
)  # never the password itself
PARTNER_DEACTIVATED = event_type("partner.deactivated", _("partner deactivated"), fields=("active",))
INSURER_CHANNELS_CHANGED = event_type(
    "insurer.channels_changed",
    _("published complaint channels changed"),
    fields=("complaint_address", "complaint_email", "complaint_phone", "website"),
)
# Staff accounts (issue #19): the second factor and the password, never a secret or a code in the log.
TWO_FACTOR_ENROLMENT_STARTED = event_type(
    "account.two_factor_enrolment_started", _("two-factor sign-in: a new authenticator shown"), fields=("device",)
)
TWO_FACTOR_CONFIRMED = event_type(
    "account.two_factor_confirmed", _("two-factor sign-in: authenticator confirmed by a first code"), fields=("device",)
)
TWO_FACTOR_INSTALLED = event_type(
    "account.two_factor_installed", _("two-factor sign-in: authenticator with a known key (demo)"), fields=("device",)
)
TWO_FACTOR_RESET = event_type(
    "account.two_factor_reset",
    _("two-factor sign-in reset by an administrator: the person enrols again"),
    fields=("devices",),
)
TWO_FACTOR_LOCKED = event_type(
    "account.two_factor_locked",
    _("two-factor sign-in: code step locked for a day after many wrong codes, the holder told"),
    fields=("email",),
)
PASSWORD_CHANGED = event_type("account.password_changed", _("password changed by its holder"), fields=("by_self",))
PASSWORD_RESET_ASKED = event_type(
    "account.password_reset_asked", _("password reset link sent by email"), fields=("email",)
)
PASSWORD_RESET = event_type(
    "account.password_reset", _("password set again from the emailed link"), fields=("by_self",)
)
CONSUMER_CORRECTED = event_type(
    "consumer.corrected", _("consumer's data corrected at their request"), fields=("field", "value", "request")
)
