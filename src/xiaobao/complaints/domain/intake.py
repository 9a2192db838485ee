"""What a new complaint must satisfy before it is registered (bad input is refused, nothing written)."""

from __future__ import annotations

from datetime import datetime

from xiaobao.kernel.errors import InvalidInput
from xiaobao.kernel.i18n import _

MAX_TEXT = 10_000


class ReceivedInTheFuture(InvalidInput):
    code = "received_in_the_future"
    default_message = _("The time of receipt cannot be in the future.")


class TextTooLong(InvalidInput):
    code = "text_too_long"
    default_message = _("%(field)s is too long: at most %(limit)s characters.")


class DescriptionMissing(InvalidInput):
    code = "description_missing"
    default_message = _("Please describe what the complaint is about.")


def check_intake(
    *, received_at: datetime, now: datetime, description: str, requested_outcome: str, group_size: int
) -> None:
    if received_at > now:
        raise ReceivedInTheFuture()
    if not description.strip():
        raise DescriptionMissing()
    for field, text in (("description", description), ("requested_outcome", requested_outcome)):
        if len(text) > MAX_TEXT:
            raise TextTooLong(field=field, limit=MAX_TEXT)
    if group_size < 1:
        raise InvalidInput(_("A complaint has at least one complainant."))
