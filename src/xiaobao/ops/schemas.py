"""What every API schema shares: unknown fields are refused, never ignored; dates in a sane range; real emails.

Text the database cannot keep (the NUL character, unpaired surrogates) is refused for every field, in one
place, by the API's body and query parser (``config.api``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext
from ninja import Header
from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from xiaobao.kernel.clock import EARLIEST_DATE, LATEST_DATE, date_in_range, moment_in_range
from xiaobao.ops.idempotency import MAX_KEY_LENGTH


class Strict(BaseModel):
    """What a caller sends: parsed JSON, query or form values, checked once by pydantic.

    A plain pydantic model, not ninja's ``Schema``: ``Schema`` reads its input through ``DjangoGetter`` (for
    model instances, managers and ``resolve_*`` methods — what an answer is built from) and, with unknown
    fields refused, validates every input twice, the second time attribute by attribute in Python; a request
    body is a dict and needs neither (issue #20: a tenth of the intake request's Python work)."""

    model_config = ConfigDict(extra="forbid")


def _range_error() -> PydanticCustomError:
    message = gettext("Dates must fall between %(earliest)s and %(latest)s.") % {
        "earliest": EARLIEST_DATE.isoformat(),
        "latest": LATEST_DATE.isoformat(),
    }
    return PydanticCustomError("date_out_of_range", message.replace("{", "(").replace("}", ")"))


def _moment_in_range(moment: datetime) -> datetime:
    if not moment_in_range(moment):
        raise _range_error()
    return moment


def _day_in_range(day: date) -> date:
    if not date_in_range(day):
        raise _range_error()
    return day


def _email(value: str) -> str:
    value = value.strip()
    try:
        validate_email(value)
    except DjangoValidationError:
        raise PydanticCustomError("email", gettext("Enter a valid email address.")) from None
    return value


MAX_ID = 2**63 - 1
"""The largest row id a database keeps (a signed 64-bit integer)."""

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
"""A row's id as a client names it: beyond a bigint it is refused here, not by the database."""

Moment = Annotated[AwareDatetime, AfterValidator(_moment_in_range)]
"""An instant with its time zone, on a date between ``EARLIEST_DATE`` and ``LATEST_DATE``."""

Day = Annotated[date, AfterValidator(_day_in_range)]
"""A calendar date between ``EARLIEST_DATE`` and ``LATEST_DATE``."""

Email = Annotated[str, Field(max_length=254, json_schema_extra={"format": "email"}), AfterValidator(_email)]
"""An email address Django's validator accepts (surrounding spaces dropped)."""

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=MAX_KEY_LENGTH,
        pattern=r"^[ -~]+$",
        description="Retrying with the same key returns the first result (printable ASCII).",
    ),
]
"""The ``Idempotency-Key`` header of a create: 1 to 128 printable ASCII characters."""
