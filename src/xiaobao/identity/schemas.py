"""API schema of a consumer named in a request (a complainant, a claimant)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from xiaobao.ops.schemas import Email, Strict


class ConsumerIn(Strict):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    resident_id: Annotated[str, Field(max_length=24)] | None = None
    phone: Annotated[str, Field(max_length=32)] | None = None
    email: Email | None = None
    preferred_language: Literal["zh-hans", "zh-hant", "en"] = "zh-hans"
    preferred_channel: Literal["sms", "email", "in_app"] = "sms"
