"""A consumer's request to correct or delete their data (PIPL Art.46, Art.47) and its clock.

The law asks the handler to act "in time" (PIPL Art.50) and fixes no number of days. Until the regulator's rule
is checked, xiaobao gives each insurer ``DEFAULT_RESPONSE_DAYS`` calendar days, a setting
(``XIAOBAO_DATA_REQUEST_DAYS``) each deployment may shorten. *Unverified*: 15 calendar days follows the
national standard GB/T 35273-2020 §8.7 (answer within 30 days or the time the law sets) halved, as the platform's
own, stricter target — not a statutory number.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from xiaobao.kernel.errors import InvalidInput, TransitionNotAllowed
from xiaobao.kernel.i18n import _

DEFAULT_RESPONSE_DAYS = 15  # unverified: see the module's docstring


class RequestKind(StrEnum):
    CORRECTION = "correction"
    DELETION = "deletion"


class RequestState(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    CLOSED = "closed"
    """Done by another insurer: a correction of the one consumer record granted elsewhere."""


class CorrectableField(StrEnum):
    """What a consumer may ask to have corrected online; anything else (an ID number) is checked at a counter."""

    NAME = "name"
    PHONE = "phone"
    EMAIL = "email"


KIND_TEXT = {
    RequestKind.CORRECTION: _("correct my data"),
    RequestKind.DELETION: _("delete my data"),
}
STATE_TEXT = {
    RequestState.OPEN: _("waiting for the insurer's answer"),
    RequestState.ACCEPTED: _("done"),
    RequestState.REFUSED: _("refused"),
    RequestState.CLOSED: _("done by another insurer"),
}
FIELD_TEXT = {
    CorrectableField.NAME: _("name"),
    CorrectableField.PHONE: _("phone"),
    CorrectableField.EMAIL: _("email"),
}

MAX_VALUE_LENGTH = 200
MAX_NOTE_LENGTH = 1000


class NoInsurerHoldsData(InvalidInput):
    code = "no_insurer_holds_data"
    default_message = _("No insurer holds data about you on xiaobao, so there is nothing to correct or delete.")


PHONE_CHECK_PURPOSE = "correct_phone"
PHONE_CHECK_VALID_MINUTES = 30
"""A code proving the new phone counts for a correction made within this long of typing it."""


class NewPhoneNotProved(InvalidInput):
    code = "new_phone_not_proved"
    default_message = _(
        "Type the code we sent to the new phone: it shows the phone is yours. If it did not arrive, send the "
        "correction again for a new code."
    )


class RequestAlreadyOpen(InvalidInput):
    code = "request_already_open"
    default_message = _(
        "You have already asked this (%(references)s) and the answer is not in yet. You will be told when it is; "
        "there is no need to ask again."
    )


MAX_REQUESTS_PER_DAY = 10
"""Data requests one consumer may make in a day: more is not a person asking about their data."""


class RefusalNeedsReasons(InvalidInput):
    code = "refusal_needs_reasons"
    default_message = _("Write why the request is refused: the consumer reads it.")


class RequestAlreadyDecided(TransitionNotAllowed):
    code = "request_already_decided"
    default_message = _("This request has already been answered.")


def response_due(requested_on: date, days: int = DEFAULT_RESPONSE_DAYS) -> date:
    """The last day to answer: ``days`` calendar days after the day the request was made (the day itself not
    counted, like the statutory clocks of RULES.md)."""
    if days < 1:
        raise ValueError("a data request's clock needs at least one day")
    return requested_on + timedelta(days=days)


def days_left(due: date, today: date) -> int:
    """Negative once the request is overdue."""
    return (due - today).days


def check_correction(field: str, value: str) -> tuple[CorrectableField, str]:
    """The field and the corrected value, trimmed; refused when the field is not one a consumer corrects online
    or the value is empty or too long."""
    try:
        which = CorrectableField(field)
    except ValueError:
        raise InvalidInput(_("Choose what to correct: your name, your phone or your email.")) from None
    value = value.strip()
    if not value:
        raise InvalidInput(_("Write the right value."))
    if len(value) > MAX_VALUE_LENGTH:
        raise InvalidInput(_("The value is too long: at most %(limit)s characters."), limit=MAX_VALUE_LENGTH)
    return which, value


def check_open(state: str) -> None:
    if state != RequestState.OPEN:
        raise RequestAlreadyDecided()
