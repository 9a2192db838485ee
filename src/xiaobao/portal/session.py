"""Who the consumer on the portal is: signed in, or their phone checked with a one-time code.

A checked phone holds for half an hour after the person's last page (it lasts while they are active); once it
lapses, what they were typing is kept (``portal.kept``) and only a new code is asked for, sent to the same phone.
"""

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
    remember_consumer(request, identity.consumer.pk, confirmed=identity.confirmed)


def remember_consumer(request: HttpRequest, consumer_id: int, *, confirmed: bool | None = None) -> None:
    """This browser checked the phone of consumer ``consumer_id`` just now (``confirmed`` as above; None when
    the person signed in with the phone alone, which confirms nothing about an ID number)."""
    request.session.cycle_key()  # a new session id once someone is known: no fixation
    request.session[VERIFIED] = {
        "id": consumer_id,
        "until": (clock.now() + VERIFIED_FOR).isoformat(),
        "confirmed": confirmed,
    }


def identity_unconfirmed(request: HttpRequest) -> bool:
    """The phone checked in this browser is not the one on record for the ID number typed."""
    verified = request.session.get(VERIFIED) or {}
    return verified.get("confirmed") is False and verified_consumer(request) is not None


def verified_consumer(request: HttpRequest) -> Actor | None:
    """The consumer whose phone this browser checked, active in the last half hour; each page renews it."""
    verified = request.session.get(VERIFIED)
    if not verified:
        return None
    now = clock.now()
    if now > datetime.fromisoformat(verified["until"]):
        return None
    renewed = (now + VERIFIED_FOR).isoformat()
    if renewed[:16] != verified["until"][:16]:  # at most one session write a minute
        request.session[VERIFIED] = {**verified, "until": renewed}
    return Actor(kind=ActorKind.CONSUMER, consumer_id=verified["id"])


def was_confirmed(request: HttpRequest) -> bool | None:
    """What ``remember_consumer`` was told about the ID number, kept across a lapsed check."""
    verified = request.session.get(VERIFIED) or {}
    confirmed = verified.get("confirmed")
    return confirmed if isinstance(confirmed, bool) else None


def lapsed_consumer_id(request: HttpRequest) -> int | None:
    """The consumer whose check in this browser has lapsed (to send a new code to the same phone); else None."""
    verified = request.session.get(VERIFIED)
    if not verified or verified_consumer(request) is not None:
        return None
    return int(verified["id"])


def consumer_actor(request: HttpRequest) -> Actor | None:
    """A signed-in consumer, else one verified by phone, else None."""
    signed_in = actor_for_request(request)
    if signed_in.kind is ActorKind.CONSUMER:
        return signed_in
    return verified_consumer(request)


OPENED_CLAIMS = "portal_opened_claims"


def remember_claim(request: HttpRequest, claim_id: int) -> None:
    """This browser opened the claim with its reference and access code: it may follow it from now on."""
    request.session[OPENED_CLAIMS] = sorted({*request.session.get(OPENED_CLAIMS, []), claim_id})


def opened_claims(request: HttpRequest) -> list[int]:
    return list(request.session.get(OPENED_CLAIMS, []))


OPENED_COMPLAINTS = "portal_tracked"


def opened_complaints(request: HttpRequest) -> list[int]:
    """The complaints this browser opened with their reference and access code (or filed)."""
    return list(request.session.get(OPENED_COMPLAINTS, []))
