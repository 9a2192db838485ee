"""Turning an authenticated principal (session user or partner API key) into an ``Actor``."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from xiaobao.identity.models import Consumer, Mediator, PartnerKey, Staff, StaffKey
from xiaobao.kernel.actors import ANONYMOUS, Actor, ActorKind, Role

PARTNER_KEY_SCHEME = "xbp"
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
    if key is None or key.revoked_at is not None:
        return False
    if not hmac.compare_digest(key.secret_hash, hash_partner_secret(secret)):
        return False
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > timedelta(minutes=5):
        type(key).objects.filter(pk=key.pk).update(last_used_at=now)
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
    )


def actor_for_api_key(raw_key: str) -> Actor | None:
    """A partner key (``xbp_…``) or a staff token (``xbs_…``) → its actor, or None."""
    if raw_key.startswith(f"{PARTNER_KEY_SCHEME}_"):
        return actor_for_partner_key(raw_key)
    parts = _split_key(raw_key, STAFF_KEY_SCHEME)
    if parts is None:
        return None
    key = StaffKey.objects.select_related("staff__user").filter(prefix=parts[0]).first()
    if not _valid(key, parts[1]) or key is None:
        return None
    return actor_for_user(key.staff.user)


def api_actor(request: HttpRequest) -> Actor:
    """The actor the API's authentication put on the request."""
    actor = getattr(request, "auth", None)
    if not isinstance(actor, Actor):
        raise TypeError("the API authenticated no actor")
    return actor
