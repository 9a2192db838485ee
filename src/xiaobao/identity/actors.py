"""Turning an authenticated principal (session user or partner API key) into an ``Actor``."""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connections, router
from django.http import HttpRequest
from django.utils import timezone

from xiaobao.identity.models import Consumer, Mediator, PartnerKey, Regulator, Staff, StaffKey, StaffRole
from xiaobao.kernel.actors import ANONYMOUS, Actor, ActorKind, Role

PARTNER_KEY_SCHEME = "xbp"
LAST_USE_PRECISION = timedelta(minutes=5)  # a key's last use is noted at most this often
STAFF_KEY_SCHEME = "xbs"


def actor_for_user(user: Any) -> Actor:
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    staff = Staff.objects.filter(user=user, active=True).prefetch_related("role_grants").first()
    if staff is not None:
        return Actor(
            kind=ActorKind.STAFF,
            user_id=user.pk,
            label=staff.display_name,
            insurer_id=staff.insurer_id,
            branch_id=staff.branch_id,
            staff_id=staff.pk,
            roles=frozenset(Role(grant.role) for grant in staff.role_grants.all()),
        )
    consumer_id = Consumer.objects.filter(user=user).values_list("pk", flat=True).first()
    if consumer_id is not None:
        return Actor(kind=ActorKind.CONSUMER, user_id=user.pk, consumer_id=consumer_id)
    mediator = Mediator.objects.filter(user=user).first()
    if mediator is not None:
        return Actor(
            kind=ActorKind.MEDIATOR,
            user_id=user.pk,
            label=mediator.display_name,
            mediation_organisation_id=mediator.organisation_id,
        )
    regulator = Regulator.objects.filter(user=user).first()
    if regulator is not None:
        return Actor(kind=ActorKind.REGULATOR, user_id=user.pk, label=regulator.display_name)
    return ANONYMOUS


def actor_for_request(request: HttpRequest) -> Actor:
    """The request's actor, computed once per request."""
    cached: Actor | None = getattr(request, "_xiaobao_actor", None)
    if cached is None:
        cached = actor_for_user(getattr(request, "user", None))
        request._xiaobao_actor = cached  # type: ignore[attr-defined]
    return cached


def hash_partner_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def mint_key(scheme: str) -> tuple[str, str, str]:
    """A new bearer key: (prefix to look it up by, hash to store, the full key shown once)."""
    prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    return prefix, hash_partner_secret(secret), f"{scheme}_{prefix}_{secret}"


def _split_key(raw_key: str, scheme: str) -> tuple[str, str] | None:
    given_scheme, _, rest = raw_key.strip().partition("_")
    prefix, _, secret = rest.partition("_")
    if given_scheme != scheme or not prefix or not secret:
        return None
    return prefix, secret


def _valid(key: PartnerKey | StaffKey | None, secret: str) -> bool:
    if key is None:
        return False
    now = timezone.now()
    return _valid_row(
        type(key),
        pk=key.pk,
        secret_hash=key.secret_hash,
        revoked=key.revoked_at is not None,
        used_recently=key.last_used_at is not None and key.last_used_at >= now - LAST_USE_PRECISION,
        secret=secret,
    )


def _valid_row(
    model: type[PartnerKey | StaffKey], *, pk: int, secret_hash: str, revoked: bool, used_recently: bool, secret: str
) -> bool:
    """Not revoked, the secret matches; last use noted at most every five minutes."""
    if revoked or not hmac.compare_digest(secret_hash, hash_partner_secret(secret)):
        return False
    if not used_recently:
        model.objects.filter(pk=pk).update(last_used_at=timezone.now())
    return True


def actor_for_partner_key(raw_key: str) -> Actor | None:
    """``xbp_<prefix>_<secret>`` → the partner's actor; None for unknown, wrong or revoked keys."""
    parts = _split_key(raw_key, PARTNER_KEY_SCHEME)
    if parts is None:
        return None
    key = PartnerKey.objects.select_related("partner").filter(prefix=parts[0]).first()
    if not _valid(key, parts[1]) or key is None or not key.partner.active:
        return None
    return Actor(
        kind=ActorKind.PARTNER,
        label=key.partner.name,
        insurer_id=key.partner.insurer_id,
        partner_id=key.partner_id,
        partner_key_id=key.pk,
    )


def actor_for_api_key(raw_key: str) -> Actor | None:
    """A partner key (``xbp_…``) or a staff token (``xbs_…``) → its actor, or None."""
    if raw_key.startswith(f"{PARTNER_KEY_SCHEME}_"):
        return actor_for_partner_key(raw_key)
    return actor_for_staff_key(raw_key)


@functools.cache
def _staff_key_query(alias: str) -> str:
    """The statement of ``_staff_key_rows`` for a database, written once per process (quoting the table names on
    every call was a sixth of the lookup's Python work)."""
    connection = connections[alias]
    key, staff, role = (connection.ops.quote_name(m._meta.db_table) for m in (StaffKey, Staff, StaffRole))
    user = connection.ops.quote_name(get_user_model()._meta.db_table)
    return (
        "SELECT k.id, k.secret_hash, k.revoked_at IS NOT NULL, "  # noqa: S608  (table names only, no input)
        "k.last_used_at IS NOT NULL AND k.last_used_at >= %s, "
        "s.id, s.active, s.insurer_id, s.branch_id, s.display_name, s.user_id, u.is_active, r.role "
        f"FROM {key} k JOIN {staff} s ON s.id = k.staff_id JOIN {user} u ON u.id = s.user_id "
        f"LEFT JOIN {role} r ON r.staff_id = s.id WHERE k.prefix = %s"
    )


def _staff_key_rows(prefix: str) -> list[tuple[Any, ...]]:
    """The key, its staff member and account, one row per role, in one plain query: every API call by staff
    starts here, and through the ORM building this three-join query cost more than running it."""
    alias = router.db_for_read(StaffKey)
    connection = connections[alias]
    # on PostgreSQL prepared once per connection (ops.postgresql): planning the joins cost more than running them
    postgresql = connection.vendor == "postgresql"
    with connection.prepared_cursor() if postgresql else connection.cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute(
            _staff_key_query(alias),
            [connection.ops.adapt_datetimefield_value(timezone.now() - LAST_USE_PRECISION), prefix],
        )
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return rows


def actor_for_staff_key(raw_key: str) -> Actor | None:
    """``xbs_<prefix>_<secret>`` → the staff member's actor; None for unknown, wrong or revoked keys and for
    staff or accounts no longer active."""
    parts = _split_key(raw_key, STAFF_KEY_SCHEME)
    if parts is None:
        return None
    rows = _staff_key_rows(parts[0])
    if not rows:
        return None
    pk, secret_hash, revoked, used_recently, staff_id, active, insurer_id, branch_id, name, user_id, user_active, _ = (
        rows[0]
    )
    if not (active and user_active) or not _valid_row(
        StaffKey,
        pk=pk,
        secret_hash=secret_hash,
        revoked=bool(revoked),
        used_recently=bool(used_recently),
        secret=parts[1],
    ):
        return None
    return Actor(
        kind=ActorKind.STAFF,
        user_id=user_id,
        label=name,
        insurer_id=insurer_id,
        branch_id=branch_id,
        staff_id=staff_id,
        roles=frozenset(Role(row[-1]) for row in rows if row[-1] is not None),
    )


def api_actor(request: HttpRequest) -> Actor:
    """The actor the API's authentication put on the request."""
    actor = getattr(request, "auth", None)
    if not isinstance(actor, Actor):
        raise TypeError("the API authenticated no actor")
    return actor
