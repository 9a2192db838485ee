"""The only code that writes identity rows. One function per business action, each atomic and audited."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from xiaobao.audit.recorder import record
from xiaobao.identity import access, events
from xiaobao.identity.actions._verification import WrongCode as WrongCode
from xiaobao.identity.actions._verification import phone_verification_check as phone_verification_check
from xiaobao.identity.actions._verification import phone_verification_start as phone_verification_start
from xiaobao.identity.actors import PARTNER_KEY_SCHEME, STAFF_KEY_SCHEME, mint_key
from xiaobao.identity.domain.branches import BranchLevel, check_parent
from xiaobao.identity.domain.documents import (
    IdKind,
    birth_year_in,
    check_birth_year,
    id_kind,
    index_kind,
    mask_document,
    normalise_document,
)
from xiaobao.identity.domain.permissions import Permission
from xiaobao.identity.models import (
    Branch,
    Consumer,
    ConsumerRelationship,
    Insurer,
    MediationOrganisation,
    Mediator,
    Partner,
    PartnerKey,
    Regulator,
    ServicePoint,
    Staff,
    StaffKey,
    StaffRole,
)
from xiaobao.kernel.actors import Actor, ActorKind, Role
from xiaobao.kernel.errors import InvalidInput, NotFound, PermissionDenied
from xiaobao.kernel.i18n import _
from xiaobao.ops import clock, idempotency, sessions
from xiaobao.privacy.domain.identifiers import (
    mask_name,
    mask_phone,
    mask_text,
    normalise_name,
    normalise_phone,
)
from xiaobao.privacy.keys import blind_indexer


def name_index(name: str) -> str:
    """The blind index of a person's name as the queue's search looks it up (exact, after normalising)."""
    return blind_indexer().index("name", normalise_name(name))


BRANCH_NAME_LENGTH = 200


class AlreadyExists(InvalidInput):
    """A code or user name is taken (also what a form sent twice meets: the first one made the row)."""

    code = "already_exists"
    default_message = _("This already exists.")


def _require_system(actor: Actor) -> None:
    if actor.kind is not ActorKind.SYSTEM:
        raise PermissionDenied()


@transaction.atomic
def insurer_create(*, actor: Actor, code: str, name: str, **contacts: str) -> Insurer:
    """Platform operation: a new tenant."""
    _require_system(actor)
    insurer = Insurer.objects.create(code=code, name=name, **contacts)
    record(
        event_type=events.INSURER_CREATED,
        actor=actor,
        subject=insurer,
        insurer_id=insurer.pk,
        new={"code": code, "name": name},
    )
    return insurer


@transaction.atomic
def branch_create(
    *, actor: Actor, insurer_id: int, code: str, name: str, level: BranchLevel, parent_id: int | None = None
) -> Branch:
    """A branch sits one level below its parent, in the same insurer."""
    access.require_for_insurer(actor, Permission.MANAGE_STAFF, insurer_id)
    parent = access.one(Branch.objects.all(), parent_id) if parent_id is not None else None
    check_parent(
        level=level,
        parent_level=BranchLevel(parent.level) if parent else None,
        same_insurer=parent is None or parent.insurer_id == insurer_id,
    )
    if not code.strip() or not name.strip():
        raise InvalidInput(_("Give the branch a code and a name."))
    if Branch.objects.filter(insurer_id=insurer_id, code=code).exists():
        raise AlreadyExists(_("A branch with this code already exists."))
    branch = Branch.objects.create(insurer_id=insurer_id, code=code, name=name, level=level, parent=parent)
    record(
        event_type=events.BRANCH_CREATED,
        actor=actor,
        subject=branch,
        insurer_id=insurer_id,
        new={"code": code, "name": name, "level": int(level), "parent": parent_id},
    )
    return branch


@transaction.atomic
def branch_rename(*, actor: Actor, branch_id: int, name: str) -> Branch:
    """A branch keeps its code, level and place in the hierarchy; only what it is called changes."""
    branch = access.one(access.branches_administered_by(actor), branch_id, for_update=True)
    name = name.strip()
    if not name or len(name) > BRANCH_NAME_LENGTH:
        raise InvalidInput(_("Give the branch a name (at most 200 characters)."))
    if name != branch.name:
        old = branch.name
        branch.name = name
        branch.save(update_fields=["name"])
        record(
            event_type=events.BRANCH_RENAMED,
            actor=actor,
            subject=branch,
            insurer_id=branch.insurer_id,
            old={"name": old},
            new={"name": name},
        )
    return branch


@transaction.atomic
def staff_create(
    *,
    actor: Actor,
    insurer_id: int,
    branch_id: int,
    username: str,
    display_name: str,
    password: str,
    roles: Iterable[Role],
) -> Staff:
    access.require_for_insurer(actor, Permission.MANAGE_STAFF, insurer_id)
    branch = access.one(Branch.objects.filter(insurer_id=insurer_id), branch_id)
    if not username.strip() or not display_name.strip():
        raise InvalidInput(_("Give the staff member a user name and a name."))
    if get_user_model().objects.filter(username=username).exists():
        raise AlreadyExists(_("This user name is taken. Choose another."))
    user = get_user_model().objects.create_user(username=username, password=password)
    staff = Staff.objects.create(user=user, insurer_id=insurer_id, branch=branch, display_name=display_name)
    granted = sorted({Role(role) for role in roles})
    StaffRole.objects.bulk_create([StaffRole(staff=staff, role=role.value) for role in granted])
    record(
        event_type=events.STAFF_CREATED,
        actor=actor,
        subject=staff,
        insurer_id=insurer_id,
        new={"username": username, "branch": branch.pk, "roles": [role.value for role in granted]},
    )
    return staff


@transaction.atomic
def staff_grant_role(*, actor: Actor, staff_id: int, role: Role) -> None:
    staff = access.staff_member_for(actor, staff_id, Permission.MANAGE_STAFF, for_update=True)
    _, created = StaffRole.objects.get_or_create(staff=staff, role=role.value)
    if created:
        record(
            event_type=events.STAFF_ROLE_GRANTED,
            actor=actor,
            subject=staff,
            insurer_id=staff.insurer_id,
            new={"role": role.value},
        )


@transaction.atomic
def staff_revoke_role(*, actor: Actor, staff_id: int, role: Role) -> None:
    staff = access.staff_member_for(actor, staff_id, Permission.MANAGE_STAFF, for_update=True)
    if role is Role.ADMINISTRATOR and staff.pk == actor.staff_id:
        raise InvalidInput(_("You cannot take the administrator role from yourself; ask another administrator."))
    deleted, _per_model = StaffRole.objects.filter(staff=staff, role=role.value).delete()
    if deleted:
        record(
            event_type=events.STAFF_ROLE_REVOKED,
            actor=actor,
            subject=staff,
            insurer_id=staff.insurer_id,
            old={"role": role.value},
        )


@transaction.atomic
def staff_set_password(*, actor: Actor, staff_id: int, password: str) -> None:
    """An administrator sets a staff member's password (a first one, or after it was forgotten)."""
    staff = access.staff_member_for(actor, staff_id, Permission.MANAGE_STAFF, for_update=True)
    user = staff.user
    user.set_password(password)
    user.save(update_fields=["password"])
    record(
        event_type=events.STAFF_PASSWORD_SET,
        actor=actor,
        subject=staff,
        insurer_id=staff.insurer_id,
        new={"by_self": staff.pk == actor.staff_id},
    )


@transaction.atomic
def staff_deactivate(*, actor: Actor, staff_id: int) -> Staff:
    """Someone who has left: they can no longer sign in or use a token, and their sessions end; their name stays
    on what they did."""
    staff = access.staff_member_for(actor, staff_id, Permission.MANAGE_STAFF, for_update=True)
    if staff.pk == actor.staff_id:
        raise InvalidInput(_("You cannot deactivate yourself; ask another administrator."))
    if staff.active:
        staff.active = False
        staff.save(update_fields=["active"])
        user = staff.user
        user.is_active = False
        user.save(update_fields=["is_active"])
        sessions.end_sessions_of(user.pk)  # not only refused while inactive: gone, should they be reactivated
        record(
            event_type=events.STAFF_DEACTIVATED,
            actor=actor,
            subject=staff,
            insurer_id=staff.insurer_id,
            old={"active": True},
            new={"active": False},
        )
    return staff


@dataclass(frozen=True)
class ConsumerDetails:
    """What identifies a consumer; only the fields the step needs are filled (PI-1).

    ``resident_id`` is the number of the document ``id_kind`` names (a resident ID unless said otherwise,
    INC-3); ``birth_year`` is asked only of those whose document does not hold it (the elderly flag, INC-1).
    """

    name: str
    resident_id: str | None = None
    id_kind: str = IdKind.RESIDENT_ID.value
    birth_year: int | None = None
    phone: str | None = None
    email: str | None = None
    preferred_language: str = "zh-hans"
    preferred_channel: str = "sms"
    visually_impaired: bool = False
    disabled: bool = False
    new_urban_resident: bool = False


@transaction.atomic
def consumer_register(
    *, actor: Actor, details: ConsumerDetails, insurer_id: int | None = None, user_id: int | None = None
) -> Consumer:
    """Register a consumer, or return the one already known by this resident ID (one person, one record).

    Invalid ID numbers and phones are refused with a message the person can act on (SEC-1).
    When staff register, the consumer is related to their insurer so its staff may see them.

    A record made on the portal holds its ID number on the word of a phone only. When staff register the
    number with *another* phone, that record gives the number up (it keeps it as stated, and everything filed
    from its phone) and the person staff checked gets a record of their own: someone who typed another's ID
    number first never receives that person's cases or notices (SEC-1).
    """
    if actor.kind is ActorKind.STAFF:
        access.require(actor, Permission.VIEW_CONSUMER)
        insurer_id = actor.insurer_id
    elif actor.kind is not ActorKind.SYSTEM:
        raise PermissionDenied()
    if not details.name.strip():
        raise InvalidInput(_("Please enter the consumer's name."))
    kind = id_kind(details.id_kind)
    resident_id = normalise_document(kind, details.resident_id) if details.resident_id else None
    phone = normalise_phone(details.phone) if details.phone else None
    email = details.email.strip().lower() if details.email else None
    indexer = blind_indexer()
    resident_id_index = indexer.index(index_kind(kind), resident_id) if resident_id else None

    existing = None
    if resident_id_index is not None:
        existing = Consumer.objects.select_for_update().filter(resident_id_index=resident_id_index).first()
    phone_index = indexer.index("phone", phone) if phone else None
    if existing is not None and _vouched_by_another_phone(actor, existing, phone_index):
        _release_resident_id(actor, existing, insurer_id=insurer_id)
        existing = None
    if existing is not None:
        consumer = existing
        if actor.kind is ActorKind.STAFF and not consumer.id_checked_by_staff:
            consumer.id_checked_by_staff = True
            consumer.save(update_fields=["id_checked_by_staff"])
    else:
        consumer = Consumer.objects.create(
            user_id=user_id,
            name=details.name.strip(),
            name_index=name_index(details.name),
            id_kind=kind.value if resident_id else IdKind.RESIDENT_ID.value,
            resident_id=resident_id,
            resident_id_index=resident_id_index,
            phone=phone,
            phone_index=indexer.index("phone", phone) if phone else None,
            email=email,
            email_index=indexer.index("email", email) if email else None,
            birth_year=_birth_year(kind, resident_id, details.birth_year),
            preferred_language=details.preferred_language,
            preferred_channel=details.preferred_channel,
            visually_impaired=details.visually_impaired,
            disabled=details.disabled,
            new_urban_resident=details.new_urban_resident,
            id_checked_by_staff=actor.kind is ActorKind.STAFF and resident_id is not None,
        )
        record(
            event_type=events.CONSUMER_REGISTERED,
            actor=actor,
            subject=consumer,
            insurer_id=insurer_id,
            new={
                "resident_id": mask_document(kind, resident_id) if resident_id else None,
                "phone": mask_phone(phone) if phone else None,
                **({"id_kind": kind.value} if resident_id and kind is not IdKind.RESIDENT_ID else {}),
            },
        )
    if insurer_id is not None:
        consumer_relate(actor=actor, consumer=consumer, insurer_id=insurer_id)
    return consumer


@dataclass(frozen=True)
class PhoneIdentity:
    """Who a phone-verified person on the portal is: ``confirmed`` is False when the ID number they typed is on
    record with another phone, and ``consumer`` is then a record of their own that opens nothing earlier."""

    consumer: Consumer
    confirmed: bool


@transaction.atomic
def consumer_identify_by_phone(*, actor: Actor, details: ConsumerDetails) -> PhoneIdentity:
    """The consumer a person is once ``details.phone`` is verified by a code (SEC-1, CMP-I1).

    A person is who their verified phone says; a typed ID number proves nothing. So:
    - the ID number is on record *with this phone*: that consumer, with everything they have;
    - the ID number is unknown: a new consumer with this ID number and phone;
    - the ID number is on record with another phone (or none): a separate record for this phone, the ID
      number kept as stated only. It may file new cases and sees only those; earlier cases open when the
      person checks the phone on record, or staff confirm who they are and update it.
    """
    if actor.kind is not ActorKind.SYSTEM:
        raise PermissionDenied()
    if not details.phone or not details.resident_id:
        raise InvalidInput(_("Please enter your resident ID number and mobile phone."))
    kind = id_kind(details.id_kind)
    resident_id = normalise_document(kind, details.resident_id)
    phone = normalise_phone(details.phone)
    indexer = blind_indexer()
    resident_id_index = indexer.index(index_kind(kind), resident_id)
    phone_index = indexer.index("phone", phone)
    on_record = Consumer.objects.select_for_update().filter(resident_id_index=resident_id_index).first()
    if on_record is None:
        try:
            with transaction.atomic():  # a savepoint: another first visit with this number may win the race
                return PhoneIdentity(consumer_register(actor=actor, details=details), confirmed=True)
        except IntegrityError:
            on_record = Consumer.objects.select_for_update().get(resident_id_index=resident_id_index)
    if on_record.phone_index == phone_index:
        _note_new_urban_resident(actor, on_record, stated=details.new_urban_resident)
        return PhoneIdentity(on_record, confirmed=True)
    stated = (
        Consumer.objects.filter(phone_index=phone_index, stated_resident_id_index=resident_id_index)
        .order_by("pk")
        .first()
    )
    if stated is None:
        stated = Consumer.objects.create(
            name=details.name.strip(),
            name_index=name_index(details.name),
            id_kind=kind.value,
            resident_id=resident_id,
            stated_resident_id_index=resident_id_index,
            phone=phone,
            phone_index=phone_index,
            email=details.email.strip().lower() if details.email else None,
            email_index=indexer.index("email", details.email.strip().lower()) if details.email else None,
            birth_year=_birth_year(kind, resident_id, details.birth_year),
            preferred_language=details.preferred_language,
            preferred_channel=details.preferred_channel,
            new_urban_resident=details.new_urban_resident,
        )
        record(
            event_type=events.CONSUMER_IDENTITY_UNCONFIRMED,
            actor=actor,
            subject=stated,
            insurer_id=None,
            new={
                "resident_id": mask_document(kind, resident_id),
                "phone": mask_phone(phone),
                "on_record": on_record.pk,
                **({"id_kind": kind.value} if kind is not IdKind.RESIDENT_ID else {}),
            },
            first=True,
        )
    _note_new_urban_resident(actor, stated, stated=details.new_urban_resident)
    return PhoneIdentity(stated, confirmed=False)


def _birth_year(kind: IdKind, number: str | None, stated: int | None) -> int | None:
    """The year the document holds, else the one the person gave (INC-1: the elderly flag for every document)."""
    held = birth_year_in(kind, number) if number else None
    if held is not None or stated is None:
        return held
    return check_birth_year(stated, this_year=clock.today().year)


def _note_new_urban_resident(actor: Actor, consumer: Consumer, *, stated: bool) -> None:
    """INC-3: a person who says, when filing, that they moved to the city recently is a new urban resident from
    then on (their complaints get the shorter internal target and come first among equals). Saying nothing
    takes nothing away."""
    if stated and not consumer.new_urban_resident:
        consumer.new_urban_resident = True
        consumer.save(update_fields=["new_urban_resident"])
        record(
            event_type=events.CONSUMER_NEW_URBAN_RESIDENT,
            actor=actor,
            subject=consumer,
            insurer_id=None,
            old={"new_urban_resident": False},
            new={"new_urban_resident": True},
        )


def _vouched_by_another_phone(actor: Actor, existing: Consumer, phone_index: str | None) -> bool:
    """Staff give an ID number that a portal record holds on the word of a different phone (or give no phone
    to match it with): the number goes to the person staff checked, not to whoever typed it first."""
    return (
        actor.kind is ActorKind.STAFF
        and not existing.id_checked_by_staff
        and (phone_index is None or existing.phone_index != phone_index)
    )


def _release_resident_id(actor: Actor, holder: Consumer, *, insurer_id: int | None) -> None:
    """The portal record keeps the number as stated only; the unique index is free for the person checked."""
    holder.stated_resident_id_index, holder.resident_id_index = holder.resident_id_index, None
    holder.save(update_fields=["stated_resident_id_index", "resident_id_index"])
    record(
        event_type=events.CONSUMER_ID_RELEASED,
        actor=actor,
        subject=holder,
        insurer_id=insurer_id,
        new={
            "resident_id": mask_document(holder.id_kind, holder.resident_id) if holder.resident_id else None,
            "phone": mask_phone(holder.phone) if holder.phone else None,
            "holder": holder.pk,
        },
    )


def consumer_relate(*, actor: Actor, consumer: Consumer, insurer_id: int) -> None:
    """Record that the consumer deals with an insurer (called inside another action's transaction)."""
    _, created = ConsumerRelationship.objects.get_or_create(consumer=consumer, insurer_id=insurer_id)
    if created:
        record(
            event_type=events.CONSUMER_RELATED,
            actor=actor,
            subject=consumer,
            insurer_id=insurer_id,
            new={"insurer": insurer_id},
        )


def consumer_by_resident_id(resident_id: str, *, kind: str = IdKind.RESIDENT_ID.value) -> Consumer | None:
    """Exact lookup through the blind index (for identity verification; callers check access)."""
    normalised = normalise_document(kind, resident_id)
    return Consumer.objects.filter(resident_id_index=blind_indexer().index(index_kind(kind), normalised)).first()


@transaction.atomic
def partner_create(
    *, actor: Actor, insurer_id: int, kind: str, code: str, name: str, contact_email: str = ""
) -> Partner:
    access.require_for_insurer(actor, Permission.MANAGE_PARTNERS, insurer_id)
    if kind not in {Partner.AGENT, Partner.OUTSOURCER}:
        raise InvalidInput(_("A partner is an agent or an outsourcer."))
    if not code.strip() or not name.strip():
        raise InvalidInput(_("Give the partner a code and a name."))
    if Partner.objects.filter(insurer_id=insurer_id, code=code).exists():
        raise AlreadyExists(_("A partner with this code already exists."))
    partner = Partner.objects.create(
        insurer_id=insurer_id, kind=kind, code=code, name=name, contact_email=contact_email
    )
    record(
        event_type=events.PARTNER_CREATED,
        actor=actor,
        subject=partner,
        insurer_id=insurer_id,
        new={"kind": kind, "code": code, "name": name},
    )
    return partner


@transaction.atomic
def partner_deactivate(*, actor: Actor, partner_id: int) -> Partner:
    """An agent or outsourcer the insurer no longer works with: its keys stop working at once (CHN-3)."""
    partner = access.partner_for(actor, partner_id, Permission.MANAGE_PARTNERS, for_update=True)
    if partner.active:
        partner.active = False
        partner.save(update_fields=["active"])
        record(
            event_type=events.PARTNER_DEACTIVATED,
            actor=actor,
            subject=partner,
            insurer_id=partner.insurer_id,
            old={"active": True},
            new={"active": False},
        )
    return partner


@transaction.atomic
def mediation_organisation_create(*, actor: Actor, code: str, name: str, **contacts: object) -> MediationOrganisation:
    """Platform operation: mediation organisations belong to no insurer (their scope and contacts: DSP-1)."""
    _require_system(actor)
    organisation = MediationOrganisation.objects.create(code=code, name=name, **contacts)
    record(
        event_type=events.MEDIATION_ORGANISATION_CREATED,
        actor=actor,
        subject=organisation,
        insurer_id=None,
        new={"code": code, "name": name},
    )
    return organisation


@transaction.atomic
def mediator_create(*, actor: Actor, organisation_id: int, username: str, display_name: str, password: str) -> Mediator:
    _require_system(actor)
    organisation = access.one(MediationOrganisation.objects.all(), organisation_id)
    user = get_user_model().objects.create_user(username=username, password=password)
    mediator = Mediator.objects.create(user=user, organisation=organisation, display_name=display_name)
    record(
        event_type=events.MEDIATOR_CREATED,
        actor=actor,
        subject=organisation,
        insurer_id=None,
        new={"username": username},
    )
    return mediator


class UsernameTaken(InvalidInput):
    code = "username_taken"
    default_message = _("That user name is already taken: choose another.")


@transaction.atomic
def regulator_create(*, actor: Actor, username: str, display_name: str, password: str, office: str = "") -> Regulator:
    """A regulator's account (CMP-S2): made by the platform only (``manage.py regulator_create``), never by an
    insurer. Password-only sign-in, as a mediator's; it reads aggregates and nothing personal."""
    _require_system(actor)
    if get_user_model().objects.filter(username=username).exists():
        raise UsernameTaken()
    user = get_user_model().objects.create_user(username=username, password=password)
    regulator = Regulator.objects.create(user=user, display_name=display_name, office=office)
    record(
        event_type=events.REGULATOR_CREATED,
        actor=actor,
        subject=regulator,
        insurer_id=None,
        new={"username": username, "office": office},
        first=True,
    )
    return regulator


class KeyAlreadyIssued(InvalidInput):
    """The same form was sent twice: the key was issued the first time and its secret shown then, once."""

    code = "key_already_issued"
    default_message = _(
        "This key was already issued, and its secret shown once. If it was not kept, revoke the key and issue "
        "a new one."
    )


@transaction.atomic
def partner_key_issue(
    *, actor: Actor, partner_id: int, label: str = "", idempotency_key: str | None = None
) -> tuple[PartnerKey, str]:
    """A new API key; the full key is returned once and never stored. The same ``idempotency_key`` again (a
    form sent twice) issues nothing: ``KeyAlreadyIssued``."""
    partner = access.partner_for(actor, partner_id, Permission.MANAGE_PARTNERS, for_update=True)
    if not partner.active:
        raise InvalidInput(_("This partner is no longer active; it cannot be given a key."))
    hashed = idempotency.request_hash(partner.pk, label)
    if idempotency_key is not None and idempotency.previous_result(
        "partner_key_issue", actor.audit_id, idempotency_key, hashed
    ):
        raise KeyAlreadyIssued()
    prefix, secret_hash, raw = mint_key(PARTNER_KEY_SCHEME)
    key = PartnerKey.objects.create(partner=partner, prefix=prefix, secret_hash=secret_hash, label=label)
    if idempotency_key is not None:
        idempotency.remember("partner_key_issue", actor.audit_id, idempotency_key, hashed, key.pk)
    record(
        event_type=events.PARTNER_KEY_ISSUED,
        actor=actor,
        subject=partner,
        insurer_id=partner.insurer_id,
        new={"key": prefix, "label": label},
    )
    return key, raw


@transaction.atomic
def partner_key_revoke(*, actor: Actor, key_id: int) -> PartnerKey:
    key = access.partner_key_for(actor, key_id, for_update=True)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        record(
            event_type=events.PARTNER_KEY_REVOKED,
            actor=actor,
            subject=key.partner,
            insurer_id=key.partner.insurer_id,
            new={"key": key.prefix},
        )
    return key


@transaction.atomic
def staff_key_issue(*, actor: Actor, label: str = "") -> tuple[StaffKey, str]:
    """A personal API token for the acting staff member; shown once, stored as a hash."""
    if actor.kind is not ActorKind.STAFF or actor.staff_id is None:
        raise PermissionDenied()
    staff = access.staff_member_for(actor, actor.staff_id)
    prefix, secret_hash, raw = mint_key(STAFF_KEY_SCHEME)
    key = StaffKey.objects.create(staff=staff, prefix=prefix, secret_hash=secret_hash, label=label)
    record(
        event_type=events.STAFF_KEY_ISSUED,
        actor=actor,
        subject=staff,
        insurer_id=staff.insurer_id,
        new={"key": prefix, "label": label},
    )
    return key, raw


@transaction.atomic
def staff_key_revoke(*, actor: Actor, key_id: int) -> StaffKey:
    """The owner, or an administrator of the same insurer, revokes a staff token at once."""
    keys = StaffKey.objects.select_for_update().select_related("staff")
    key = access.one(keys, key_id)
    if not (key.staff_id == actor.staff_id or access.may(actor, Permission.MANAGE_STAFF)) or (
        actor.kind is ActorKind.STAFF and key.staff.insurer_id != actor.insurer_id
    ):
        raise NotFound()
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        record(
            event_type=events.STAFF_KEY_REVOKED,
            actor=actor,
            subject=key.staff,
            insurer_id=key.staff.insurer_id,
            new={"key": key.prefix},
        )
    return key


@transaction.atomic
def service_point_save(
    *, actor: Actor, point: ServicePoint, changed_by: str, idempotency_key: str | None = None
) -> ServicePoint:
    """Publish a counter or change it (CHN-2): the platform's administrators through the admin site, or the
    insurer's administrator for its own counters. A new counter sent twice under one ``idempotency_key`` is
    saved once."""
    if actor.kind is not ActorKind.SYSTEM:
        access.require_for_insurer(actor, Permission.ADMINISTER_INSURER, point.insurer_id)
        if point.pk is not None:  # the stored row is the actor's insurer's too, and stays there
            stored = access.service_point_for(actor, point.pk, for_update=True)
            if stored.insurer_id != point.insurer_id:
                raise NotFound()
    first = point.pk is None
    hashed = idempotency.request_hash(point.insurer_id, point.name, point.address)
    if first and idempotency_key is not None:
        earlier = idempotency.previous_result("service_point_save", actor.audit_id, idempotency_key, hashed)
        if earlier is not None:
            return access.one(ServicePoint.objects.filter(insurer_id=point.insurer_id), earlier)
    try:
        point.full_clean()
    except ValidationError as invalid:
        raise InvalidInput(_("Give the counter a name, an address and its opening hours.")) from invalid
    point.save()
    if first and idempotency_key is not None:
        idempotency.remember("service_point_save", actor.audit_id, idempotency_key, hashed, point.pk)
    record(
        event_type=events.SERVICE_POINT_SAVED,
        actor=actor,
        subject=point,
        insurer_id=point.insurer_id,
        first=first,
        new={
            "by": changed_by,
            **{
                field: getattr(point, field)
                for field in ("name", "address", "phone", "hours", "accessibility", "languages", "published")
            },
        },
    )
    return point


@dataclass(frozen=True)
class ComplaintChannels:
    """Where consumers complain to the insurer, as published on its page (CMP-P1)."""

    complaint_phone: str
    complaint_address: str
    complaint_email: str
    website: str


@transaction.atomic
def insurer_channels_save(*, actor: Actor, channels: ComplaintChannels) -> Insurer:
    """The insurer's administrator publishes its complaint phone, address, email and website (CMP-P1)."""
    insurer = access.administered_insurer(actor, for_update=True)
    wanted = {name: str(value).strip() for name, value in asdict(channels).items()}
    if not wanted["complaint_phone"] or not wanted["complaint_address"]:
        raise InvalidInput(_("Publish at least a complaint phone and a postal address."))
    try:
        if wanted["complaint_email"]:
            validate_email(wanted["complaint_email"])
        if wanted["website"]:
            URLValidator(schemes=["http", "https"])(wanted["website"])
    except ValidationError as invalid:
        raise InvalidInput(_("Check the email address and the website address.")) from invalid
    old = {name: getattr(insurer, name) for name in wanted}
    changed = {name: value for name, value in wanted.items() if old[name] != value}
    if changed:
        for name, value in changed.items():
            setattr(insurer, name, value)
        insurer.save(update_fields=sorted(changed))
        record(
            event_type=events.INSURER_CHANNELS_CHANGED,
            actor=actor,
            subject=insurer,
            insurer_id=insurer.pk,
            old={name: old[name] for name in changed},
            new=changed,
        )
    return insurer


CORRECTABLE = ("name", "phone", "email")


@transaction.atomic
def consumer_correct(*, actor: Actor, consumer_id: int, field: str, value: str, request_reference: str) -> Consumer:
    """Correct the consumer's name, phone or email at their request (PIPL Art.46), with its blind index; the audit
    log keeps the masked value only. Staff who answer data requests (``rights.handle``) of an insurer the consumer
    deals with, or the system; ``rights.actions.data_request_accept`` calls it for the request granted."""
    if field not in CORRECTABLE:
        raise InvalidInput(_("Choose what to correct: your name, your phone or your email."))
    consumer = access.consumer_for(actor, consumer_id, Permission.HANDLE_DATA_REQUESTS, for_update=True)
    indexer = blind_indexer()
    if field == "name":
        if not value.strip():
            raise InvalidInput(_("Please enter the consumer's name."))
        consumer.name, consumer.name_index, masked = value.strip(), name_index(value), mask_name(value.strip())
        changed = ["name", "name_index"]
    elif field == "phone":
        phone = normalise_phone(value)
        consumer.phone, consumer.phone_index, masked = phone, indexer.index("phone", phone), mask_phone(phone)
        changed = ["phone", "phone_index"]
    else:
        email = value.strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            raise InvalidInput(_("Enter a valid email address.")) from None
        consumer.email, consumer.email_index, masked = email, indexer.index("email", email), mask_text(email)
        changed = ["email", "email_index"]
    consumer.save(update_fields=changed)
    record(
        event_type=events.CONSUMER_CORRECTED,
        actor=actor,
        subject=consumer,
        insurer_id=None,
        new={"field": field, "value": masked, "request": request_reference},
    )
    return consumer


from xiaobao.identity.actions._accounts import EnrolmentTicketNeeded as EnrolmentTicketNeeded  # noqa: E402
from xiaobao.identity.actions._accounts import WrongTwoFactorCode as WrongTwoFactorCode  # noqa: E402
from xiaobao.identity.actions._accounts import account_password_change as account_password_change  # noqa: E402
from xiaobao.identity.actions._accounts import account_password_reset as account_password_reset  # noqa: E402
from xiaobao.identity.actions._accounts import (  # noqa: E402
    account_password_reset_send as account_password_reset_send,
)
from xiaobao.identity.actions._accounts import account_two_factor_confirm as account_two_factor_confirm  # noqa: E402
from xiaobao.identity.actions._accounts import account_two_factor_enrol as account_two_factor_enrol  # noqa: E402
from xiaobao.identity.actions._accounts import (  # noqa: E402
    account_two_factor_install as account_two_factor_install,
)
from xiaobao.identity.actions._accounts import account_two_factor_locked as account_two_factor_locked  # noqa: E402
from xiaobao.identity.actions._accounts import staff_two_factor_reset as staff_two_factor_reset  # noqa: E402
