"""Who the consumer on the portal is: signed in, or their phone checked with a one-time code a while ago."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.http import HttpRequest

from xiaobao.identity.actions import PhoneIdentity
from xiaobao.identity.actors import actor_for_request
from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.ops import clock

VERIFIED = "portal_consumer"
VERIFIED_FOR = timedelta(minutes=30)


def remember_verified(request: HttpRequest, identity: PhoneIdentity) -> None:
    """This browser checked the phone of ``identity.consumer`` just now; whether the ID number typed was
    confirmed by that phone is kept so the pages can say why earlier cases are not shown."""
    request.session.cycle_key()  # a new session id once someone is known: no fixation
    request.session[VERIFIED] = {
        "id": identity.consumer.pk,
        "until": (clock.now() + VERIFIED_FOR).isoformat(),
        "confirmed": identity.confirmed,
    }


def identity_unconfirmed(request: HttpRequest) -> bool:
    """The phone checked in this browser is not the one on record for the ID number typed."""
    verified = request.session.get(VERIFIED) or {}
    return verified.get("confirmed") is False and verified_consumer(request) is not None


def verified_consumer(request: HttpRequest) -> Actor | None:
    """The consumer whose phone this browser checked in the last half hour."""
    verified = request.session.get(VERIFIED)
    if not verified or clock.now() > datetime.fromisoformat(verified["until"]):
        return None
    return Actor(kind=ActorKind.CONSUMER, consumer_id=verified["id"])


def consumer_actor(request: HttpRequest) -> Actor | None:
    """A signed-in consumer, else one verified by phone, else None."""
    signed_in = actor_for_request(request)
    if signed_in.kind is ActorKind.CONSUMER:
        return signed_in
    return verified_consumer(request)
