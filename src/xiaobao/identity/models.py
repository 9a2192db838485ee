"""Who is who in xiaobao. Every tenant-owned row carries its ``insurer``.

Read these only through ``identity.access``; write them only through ``identity.actions``.
"""

from __future__ import annotations

from binascii import unhexlify
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from xiaobao.identity.domain.branches import BranchLevel
from xiaobao.identity.domain.documents import ID_KIND_TEXT, IdKind
from xiaobao.kernel.actors import Role
from xiaobao.privacy.fields import EncryptedTextField


class Insurer(models.Model):
    """A tenant: one insurance company. Its contact details are public (CMP-P1, CHN-2)."""

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    complaint_phone = models.CharField(_("complaint phone"), max_length=32, blank=True)
    complaint_address = models.CharField(_("complaint address"), max_length=300, blank=True)
    complaint_email = models.EmailField(_("complaint email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True, db_default="")
    """The insurer's USCC (统一社会信用代码), named as a party in the file for the court (DSP-3)."""
    recuse_involved_branch = models.BooleanField(
        _("staff of the branch a complaint is about may not investigate it"), default=True
    )
    further_extension_by_head_office_only = models.BooleanField(
        _("the further 30 days (CMP-T3) approved only by a senior manager of the head office"), default=False
    )
    """Stricter than the law, never looser: the law also lets the higher-level office approve (RULES.md CMP-T3)."""

    def __str__(self) -> str:
        return self.name


class ServicePoint(models.Model):
    """A counter where consumers complain and claim in person (CHN-2, CMP-P1): published on the insurer's page
    with its hours, what it offers people with disabilities, and the languages spoken there."""

    insurer = models.ForeignKey(Insurer, on_delete=models.PROTECT, related_name="service_points")
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    hours = models.CharField(_("opening hours"), max_length=200)
    accessibility = models.CharField(
        _("access for people with disabilities"), max_length=300, blank=True, help_text=_("e.g. step-free entrance")
    )
    languages = models.CharField(_("languages spoken"), max_length=200, blank=True)
    published = models.BooleanField(_("shown on the insurer's page"), default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("order", "pk")

    def __str__(self) -> str:
        return self.name


class Branch(models.Model):
    """An office of an insurer: head office → provincial → city → outlet."""

    insurer = models.ForeignKey(Insurer, on_delete=models.PROTECT, related_name="branches")
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    level = models.PositiveSmallIntegerField(
        _("level"),
        choices=[
            (BranchLevel.HEAD_OFFICE.value, _("head office")),
            (BranchLevel.PROVINCIAL.value, _("provincial branch")),
            (BranchLevel.CITY.value, _("city branch")),
            (BranchLevel.OUTLET.value, _("outlet")),
        ],
    )
    code = models.CharField(max_length=32)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["insurer", "code"], name="branch_code_per_insurer")]

    def __str__(self) -> str:
        return self.name


ROLE_CHOICES = [
    (Role.HANDLER.value, _("complaint handler / claims adjuster")),
    (Role.SUPERVISOR.value, _("supervisor")),
    (Role.SENIOR_MANAGER.value, _("senior manager")),
    (Role.COMPLIANCE_OFFICER.value, _("compliance officer")),
    (Role.AUDITOR.value, _("auditor")),
    (Role.ADMINISTRATOR.value, _("administrator")),
]


class Staff(models.Model):
    """A person working for one insurer, at one branch, with roles."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff")
    insurer = models.ForeignKey(Insurer, on_delete=models.PROTECT, related_name="staff")
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="staff")
    display_name = models.CharField(_("name"), max_length=100)
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.display_name


class StaffRole(models.Model):
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=32, choices=ROLE_CHOICES)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["staff", "role"], name="staff_role_once")]


class Consumer(models.Model):
    """A person: policyholder, insured or beneficiary. Not owned by an insurer; may deal with several.

    Personal data is encrypted (SEC-1, PI-4); ``*_index`` columns are HMAC blind
    indexes for exact lookup. Only what a step needs is collected (PI-1).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="consumer"
    )
    name = EncryptedTextField(_("name"))
    name_index = models.CharField(max_length=64, null=True, blank=True, db_index=True)  # noqa: DJ001
    """The blind index of the normalised name (``privacy.domain.identifiers.normalise_name``): staff find a
    complainant by exact name in the queue without the database holding the name."""
    id_kind = models.CharField(
        _("kind of ID document"),
        max_length=32,
        choices=[(kind.value, _(text)) for kind, text in ID_KIND_TEXT.items()],
        default=IdKind.RESIDENT_ID.value,
    )
    """Which document ``resident_id`` holds the number of (INC-3): a resident ID, a passport, a permit…"""
    resident_id = EncryptedTextField(_("resident ID number"), null=True, blank=True)
    """The number of the document ``id_kind`` names (the field kept its name from when it held resident IDs only)."""
    resident_id_index = models.CharField(max_length=64, null=True, blank=True, unique=True)
    """Blind index of the number under its kind (``identity.domain.documents.index_kind``): one person, one record,
    and the same characters under two kinds never match."""
    phone = EncryptedTextField(_("phone"), null=True, blank=True)
    phone_index = models.CharField(max_length=64, null=True, blank=True, db_index=True)  # noqa: DJ001
    email = EncryptedTextField(_("email"), null=True, blank=True)
    email_index = models.CharField(max_length=64, null=True, blank=True, db_index=True)  # noqa: DJ001
    # Set on a record made by a verified phone that typed an ID number already on record with another phone:
    # the number is kept as stated, never as an identity, so it opens nothing of the person on record (SEC-1).
    stated_resident_id_index = models.CharField(max_length=64, null=True, blank=True, db_index=True)  # noqa: DJ001
    id_checked_by_staff = models.BooleanField(default=False)
    """Staff registered this person by their ID number (at a counter, on a call): the number is theirs. A record
    made on the portal holds a number only a phone vouched for, and gives it up to the person staff check."""
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    preferred_language = models.CharField(max_length=8, default="zh-hans")
    preferred_channel = models.CharField(
        max_length=8, default="sms", choices=[("sms", "SMS"), ("email", _("email")), ("in_app", _("in the app"))]
    )
    visually_impaired = models.BooleanField(default=False)
    disabled = models.BooleanField(default=False)
    new_urban_resident = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"consumer {self.pk}"

    @property
    def identity_confirmed(self) -> bool:
        """False when the ID number was only stated by a phone other than the one on record (see above)."""
        return self.stated_resident_id_index is None


class ConsumerRelationship(models.Model):
    """The consumer deals with this insurer (a policy, a claim, a complaint): its staff may see them."""

    consumer = models.ForeignKey(Consumer, on_delete=models.PROTECT, related_name="relationships")
    insurer = models.ForeignKey(Insurer, on_delete=models.PROTECT, related_name="consumer_relationships")
    since = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["consumer", "insurer"], name="consumer_relationship_once")]


class Partner(models.Model):
    """An agent or outsourcer of one insurer (CHN-3, CMP-P2)."""

    AGENT = "agent"
    OUTSOURCER = "outsourcer"

    insurer = models.ForeignKey(Insurer, on_delete=models.PROTECT, related_name="partners")
    kind = models.CharField(max_length=16, choices=[(AGENT, _("agent")), (OUTSOURCER, _("outsourcer"))])
    code = models.CharField(max_length=32)
    name = models.CharField(_("name"), max_length=200)
    contact_email = models.EmailField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["insurer", "code"], name="partner_code_per_insurer")]

    def __str__(self) -> str:
        return self.name


class ApiKeyBase(models.Model):
    """A bearer key: looked up by its prefix, checked against the SHA-256 of its secret; revocation is immediate."""

    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    label = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class PartnerKey(ApiKeyBase):
    """An API key of a partner (CHN-3)."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="keys")


class StaffKey(ApiKeyBase):
    """An API token of a staff member (scripts, the call-centre system)."""

    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="keys")


class MediationOrganisation(models.Model):
    """An industry mediation organisation (DSP-1). Belongs to no insurer; its directory is public."""

    INDUSTRY_CENTRE, COURT_DESK = "industry_centre", "court_desk"

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(max_length=32, blank=True)
    address = models.CharField(max_length=300, blank=True)
    email = models.EmailField(blank=True)
    kind = models.CharField(
        _("kind of organisation"),
        max_length=24,
        choices=[(INDUSTRY_CENTRE, _("industry mediation centre")), (COURT_DESK, _("court mediation desk"))],
        default=INDUSTRY_CENTRE,
    )
    product_lines = models.JSONField(_("lines of insurance it mediates"), default=list, blank=True)
    """DSP-1 scope: ``complaints.domain.classification.ProductLine`` values; empty means every line."""
    regions = models.JSONField(_("regions it serves"), default=list, blank=True)
    """DSP-1 scope: the regions it serves, as its own rules name them (shown to the consumer and the insurer)."""
    contact_person = models.CharField(_("contact person"), max_length=100, blank=True)

    def __str__(self) -> str:
        return self.name


class Mediator(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mediator")
    organisation = models.ForeignKey(MediationOrganisation, on_delete=models.PROTECT, related_name="mediators")
    display_name = models.CharField(max_length=100)


class Regulator(models.Model):
    """An official of the insurance regulator (CMP-S2): not staff of any insurer. Signs in with a password, as a
    mediator does, and sees the complaint statistics of every insurer side by side — aggregates only, never a
    case, a name or any other personal data (``reports.access``)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="regulator")
    display_name = models.CharField(max_length=100)
    office = models.CharField(max_length=200, blank=True, default="")

    def __str__(self) -> str:
        return self.display_name


class PhoneVerification(models.Model):
    """A one-time code sent to a phone to verify the person filing (SEC-1, CMP-I1). Only its hash is kept."""

    phone_index = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=64)
    purpose = models.CharField(max_length=32)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    verified_at = models.DateTimeField(null=True, blank=True)


def random_hex_20() -> str:
    return str(random_hex(20))


class Authenticator(TimestampMixin, ThrottlingMixin, Device):  # type: ignore[misc]
    """A staff member's authenticator app (TOTP, RFC 6238; issue #19): django-otp's ``TOTPDevice`` with its secret
    encrypted at rest under the key ring, as every other secret is (``rotate_keys`` re-encrypts it with the
    other encrypted columns). django-otp has no hook to encrypt the key of its own model, whose column is too
    short for the ciphertext; the checking of codes, the throttle and the ``otpauth://`` address are its own,
    taken over unchanged."""

    key = EncryptedTextField(default=random_hex_20, help_text="The secret: 20 random bytes, hex-encoded.")
    step: models.PositiveSmallIntegerField[int, int] = models.PositiveSmallIntegerField(default=30)
    t0: models.BigIntegerField[int, int] = models.BigIntegerField(default=0)
    digits: models.PositiveSmallIntegerField[int, int] = models.PositiveSmallIntegerField(
        choices=[(6, 6), (8, 8)], default=6
    )
    tolerance: models.PositiveSmallIntegerField[int, int] = models.PositiveSmallIntegerField(default=1)
    drift: models.SmallIntegerField[int, int] = models.SmallIntegerField(default=0)
    last_t: models.BigIntegerField[int, int] = models.BigIntegerField(default=-1)

    objects: ClassVar[models.Manager[Authenticator]] = models.Manager()

    class Meta:
        verbose_name = "authenticator"

    @property
    def bin_key(self) -> bytes:
        return unhexlify(self.key.encode())

    verify_token = TOTPDevice.verify_token
    get_throttle_factor = TOTPDevice.get_throttle_factor
    config_url = TOTPDevice.config_url
    _read_str_from_settings = TOTPDevice._read_str_from_settings


class EnrolmentTicket(models.Model):
    """The one-time set-up code an administrator's reset of two-step sign-in issues (issue #19): after a reset,
    a new authenticator is enrolled only by whoever presents it, not by whoever knows the password. Only its
    keyed hash is kept; it is used up when the new authenticator is confirmed."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolment_ticket")
    digest = models.CharField(max_length=64)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
