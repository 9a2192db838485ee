"""Staff accounts (issue #19, SEC-1): the authenticator of two-factor sign-in, enrolled, confirmed and reset;
the password changed by its holder or set again from an emailed link. Each is audited; no secret, code or
password is ever written to the log."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext

from xiaobao.audit.recorder import record
from xiaobao.audit.registry import EventType
from xiaobao.identity import access, events, login_throttle, two_factor
from xiaobao.identity.domain.permissions import Permission
from xiaobao.identity.models import Authenticator, EnrolmentTicket
from xiaobao.identity.two_factor import DEVICE_NAME
from xiaobao.kernel.actors import Actor
from xiaobao.kernel.errors import InvalidInput
from xiaobao.kernel.i18n import _
from xiaobao.notifications.actions import notification_queue
from xiaobao.notifications.models import Channel
from xiaobao.ops import clock, sessions


class WrongTwoFactorCode(InvalidInput):
    code = "wrong_two_factor_code"
    default_message = _("That code is not right. Type the six digits your app shows now, then try again.")


def _insurer_of(user: Any) -> int | None:
    staff = access.staff_of_user(user)
    return staff.insurer_id if staff else None


def _record(event_type: EventType, *, actor: Actor, user: Any, new: dict[str, Any]) -> None:
    """One audit event about an account, under the person's insurer (none for a mediator or platform user)."""
    record(event_type=event_type, actor=actor, subject=user, insurer_id=_insurer_of(user), new=new)


def _email_holder(*, actor: Actor, user: Any, subject: str, body: str, purpose: str, language: str) -> None:
    """A message to the account's holder at their own address, through the outbox (retried, with proof)."""
    notification_queue(
        actor=actor,
        channel=Channel.EMAIL,
        to_address=user.email,
        subject=subject,
        body=body,
        purpose=purpose,
        language=language,
        insurer_id=_insurer_of(user),
        about=user,
    )


class EnrolmentTicketNeeded(InvalidInput):
    code = "enrolment_ticket_needed"
    default_message = _(
        "Your two-step sign-in was reset: type the one-time set-up code your administrator gave you first."
    )


def _ticket_checked(user: Any, ticket_id: int | None) -> EnrolmentTicket | None:
    """After an administrator's reset only the holder of the set-up code enrols: the ticket the session
    presented must be the account's open one (locked until the enrolment is done)."""
    ticket = EnrolmentTicket.objects.select_for_update().filter(user_id=user.pk).first()
    if ticket is not None and ticket.pk != ticket_id:
        raise EnrolmentTicketNeeded
    return ticket


def _masked_email(email: str) -> str:
    name, _at, domain = email.partition("@")
    return f"{name[:1]}***@{domain}"


@transaction.atomic
def account_two_factor_enrol(*, actor: Actor, user: Any, ticket_id: int | None = None) -> Authenticator:
    """A new authenticator secret for the person signed in with their password, shown once as a QR code and as
    text; it counts only once confirmed by a first code. Asking again shows the same secret until then. After
    an administrator's reset, only with the set-up code presented (``ticket_id``; else ``EnrolmentTicketNeeded``)."""
    _ticket_checked(user, ticket_id)
    pending = Authenticator.objects.select_for_update().filter(user=user, confirmed=False).order_by("-pk").first()
    if pending is not None:
        return pending
    device = Authenticator.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    _record(events.TWO_FACTOR_ENROLMENT_STARTED, actor=actor, user=user, new={"device": device.pk})
    return device


@transaction.atomic
def account_two_factor_install(*, actor: Actor, user: Any, key: str) -> Authenticator:
    """An authenticator with a key known in advance, confirmed at once: the demo staff's (``demo_load``), whose
    key is printed in the README so anyone trying xiaobao can sign in."""
    device = Authenticator.objects.create(user=user, name=DEVICE_NAME, key=key, confirmed=True)
    _record(events.TWO_FACTOR_INSTALLED, actor=actor, user=user, new={"device": device.pk})
    return device


@transaction.atomic
def account_two_factor_confirm(*, actor: Actor, user: Any, code: str, ticket_id: int | None = None) -> Authenticator:
    """The first code from the new authenticator: right, the device counts from now on (and any older one
    goes) and the reset's set-up code is used up; wrong, nothing changes and ``WrongTwoFactorCode`` is raised
    (the caller counts the failure)."""
    ticket = _ticket_checked(user, ticket_id)
    device = Authenticator.objects.select_for_update().filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None or not device.verify_token(code.strip().replace(" ", "")):
        raise WrongTwoFactorCode
    Authenticator.objects.filter(user=user).exclude(pk=device.pk).delete()
    if ticket is not None:
        ticket.delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    _record(events.TWO_FACTOR_CONFIRMED, actor=actor, user=user, new={"device": device.pk})
    return device


@transaction.atomic
def staff_two_factor_reset(*, actor: Actor, staff_id: int) -> str:
    """The insurer's administrator clears a staff member's authenticator (a lost or new phone): every session of
    theirs ends, the day's lock on codes is lifted, and a one-time set-up code is issued — returned to be shown
    to the administrator once, who gives it to the person in private; at their next sign-in they type it, then
    enrol a new authenticator (the password alone no longer can). Only the administrator's own insurer's
    staff are found."""
    staff = access.staff_member_for(actor, staff_id, Permission.MANAGE_STAFF, for_update=True)
    removed, _kinds = Authenticator.objects.filter(user_id=staff.user_id).delete()
    sessions.end_sessions_of(staff.user_id)  # a session verified with the lost phone must not outlive it
    login_throttle.code_unlock(staff.user_id)  # the administrator's reset lifts the day's lock on codes
    code = two_factor.new_ticket_code()
    now = clock.now()
    EnrolmentTicket.objects.update_or_create(
        user_id=staff.user_id,
        defaults={
            "digest": two_factor.ticket_digest(staff.user_id, code),
            "issued_at": now,
            "expires_at": now + two_factor.TICKET_VALID,
        },
    )
    record(
        event_type=events.TWO_FACTOR_RESET,
        actor=actor,
        subject=staff.user,
        insurer_id=staff.insurer_id,
        old={"devices": removed},
        new={"devices": 0},
    )
    return code


@transaction.atomic
def account_two_factor_locked(*, actor: Actor, user: Any, language: str) -> None:
    """Wrong codes after the right password locked the account's code step for a day
    (``login_throttle.code_wrong``): the holder is told by email, through the outbox, since someone else may
    know their password."""
    if user.email:
        with translation.override(language):
            subject = gettext("Your xiaobao sign-in is locked for 24 hours")
            body = str(
                gettext(
                    "Wrong sign-in codes were typed many times today for the xiaobao account %(username)s, after "
                    "its right password. Its code step is now locked for 24 hours.\n\n"
                    "If it was you, ask your administrator to reset your two-step sign-in, or wait a day.\n"
                    "If it was not you, someone knows your password: set a new one now (Forgot your password? on "
                    "the sign-in page) and tell your administrator."
                )
                % {"username": user.get_username()}
            )
        _email_holder(
            actor=actor, user=user, subject=subject, body=body, purpose="two_factor_locked", language=language
        )
    _record(
        events.TWO_FACTOR_LOCKED, actor=actor, user=user, new={"email": _masked_email(user.email) if user.email else ""}
    )


@transaction.atomic
def account_password_change(*, actor: Actor, user: Any, password: str) -> None:
    """The signed-in person sets a new password (the form checked the old one and Django's validators). Their
    other sessions end: Django's session check holds a hash of the password."""
    user.set_password(password)
    user.save(update_fields=["password"])
    _record(events.PASSWORD_CHANGED, actor=actor, user=user, new={"by_self": True})


@transaction.atomic
def account_password_reset_send(*, actor: Actor, user: Any, link: str, language: str) -> None:
    """Email the one-time link that sets a new password, through the outbox (retried, with proof)."""
    with translation.override(language):
        subject = gettext("Set a new xiaobao password")
        body = str(
            gettext(
                "Someone asked to set a new password for the xiaobao account %(username)s.\n\n"
                "If it was you, open this link within one hour and choose a new password:\n%(link)s\n\n"
                "If it was not you, ignore this message: your password stays as it is."
            )
            % {"username": user.get_username(), "link": link}
        )
    _email_holder(actor=actor, user=user, subject=subject, body=body, purpose="password_reset", language=language)
    _record(events.PASSWORD_RESET_ASKED, actor=actor, user=user, new={"email": _masked_email(user.email)})


@transaction.atomic
def account_password_reset(*, actor: Actor, user: Any, password: str) -> None:
    """A new password from the emailed link (Django's token, valid once and for ``PASSWORD_RESET_TIMEOUT``).

    The log-in lock-out is kept, not cleared: it counts guesses at this account, and whoever guessed is still
    guessing; the person signs in with the new password once the window has passed. Clearing it would let
    anyone who can read the mailbox reset the count and guess on."""
    user.set_password(password)
    user.save(update_fields=["password"])
    _record(events.PASSWORD_RESET, actor=actor, user=user, new={"by_self": True})
