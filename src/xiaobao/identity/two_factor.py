"""Staff sign in with a password and a one-time code from an authenticator app (TOTP, RFC 6238; issue #19,
SEC-1): django-otp keeps the device and checks the code (each code once, one step of drift either way);
xiaobao decides who needs it, counts wrong codes in the shared rate-limit table, and draws the enrolment QR
code on the server as SVG (segno), so no script and no other site is involved.

A session is *verified* once its code was accepted: the session then carries ``VERIFIED`` (the device's
persistent id). Django's log-in cycles the session key and clears it, so a new password log-in asks again.
"""

from __future__ import annotations

import secrets
from base64 import b32encode
from datetime import timedelta
from typing import Any

import segno
from django.conf import settings
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.safestring import SafeString, mark_safe
from django_otp.oath import TOTP

from xiaobao.identity.actors import actor_for_request
from xiaobao.identity.models import Authenticator, EnrolmentTicket
from xiaobao.kernel.actors import ActorKind
from xiaobao.ops import clock

VERIFIED = "xiaobao_second_factor"
TICKET_PRESENTED = "xiaobao_enrolment_ticket"
TICKET_VALID = timedelta(days=3)
TICKET_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or copied by hand
TICKET_LENGTH = 10
DEVICE_NAME = "authenticator"
ISSUER = "xiaobao"


def required() -> bool:
    """``XIAOBAO_STAFF_TWO_FACTOR`` (on unless set to 0)."""
    return bool(settings.XIAOBAO_STAFF_TWO_FACTOR)


def needs_second_factor(request: HttpRequest) -> bool:
    """Staff of an insurer, and anyone who may use the admin site, sign in with a code too. Consumers sign in
    by a code sent to their phone (portal), never by password; mediators are not staff of an insurer."""
    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return actor_for_request(request).kind is ActorKind.STAFF


def is_verified(request: HttpRequest) -> bool:
    return bool(request.session.get(VERIFIED))


def mark_verified(request: HttpRequest, device: Authenticator) -> None:
    """The code was right: a new session key (as at log-in), marked verified by this device."""
    request.session.cycle_key()
    request.session[VERIFIED] = device.persistent_id


def confirmed_device(user: Any) -> Authenticator | None:
    return Authenticator.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_device(user: Any) -> Authenticator | None:
    """The device being enrolled: made, shown, not yet confirmed by a first code."""
    return Authenticator.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def code_now(device: Authenticator) -> str:
    """The code the person's app shows now (for ``demo_code`` and the tests)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def secret_text(device: Authenticator) -> str:
    """The secret as the apps take it typed in: base32, in groups of four."""
    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def qr_svg(device: Authenticator) -> SafeString:
    """The ``otpauth://`` address as an SVG QR code drawn here (segno: no script, no other site)."""
    svg = segno.make(device.config_url, error="m").svg_inline(scale=4, border=4, dark="#000", light="#fff")
    return mark_safe(svg)  # noqa: S308  (segno's own SVG markup of our own URL, no input of the person)


# --- after an administrator's reset: the one-time set-up code (issue #19) ---


def new_ticket_code() -> str:
    """Ten letters and digits (50 bits), shown as ``ABCDE-FGHJK``; wrong guesses count as wrong codes."""
    raw = "".join(secrets.choice(TICKET_ALPHABET) for _ in range(TICKET_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def ticket_digest(user_id: int, code: str) -> str:
    """Keyed with SECRET_KEY and bound to the account: a copied row opens nothing, another account's neither."""
    typed = "".join(code.split()).replace("-", "").upper()
    return salted_hmac("xiaobao.enrolment-ticket", f"{user_id}:{typed}", algorithm="sha256").hexdigest()


def enrolment_ticket(user: Any) -> EnrolmentTicket | None:
    """The set-up code a reset issued and no authenticator used yet (expired ones too: they still bar the
    password alone from enrolling, until the administrator issues another)."""
    return EnrolmentTicket.objects.filter(user_id=user.pk).first()


def ticket_accepts(ticket: EnrolmentTicket, code: str) -> bool:
    fresh = clock.now() < ticket.expires_at
    return constant_time_compare(ticket.digest, ticket_digest(ticket.user_id, code)) and fresh


def ticket_presented(request: HttpRequest, ticket: EnrolmentTicket | None) -> int | None:
    """The ticket this session presented (its id, for the enrolment actions), None if none is needed or
    it was not presented here."""
    if ticket is None or request.session.get(TICKET_PRESENTED) != ticket.pk:
        return None
    return int(ticket.pk)
