"""API schema of a consumer named in a request (a complainant, a claimant)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from xiaobao.ops.schemas import Email, Strict

IdKindIn = Literal[
    "resident_id",
    "passport_cn",
    "passport",
    "hk_macao_permit",
    "taiwan_permit",
    "hmt_residence_permit",
    "foreign_permanent_resident",
]
"""``identity.domain.documents.IdKind``'s values (a test holds the two together)."""


class ConsumerIn(Strict):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    resident_id: Annotated[str, Field(max_length=24)] | None = None
    """The number of the document ``id_kind`` names."""
    id_kind: IdKindIn = Field(
        default="resident_id", description="The kind of ID document (INC-3); a resident ID when left out."
    )
    birth_year: Annotated[int, Field(ge=1880, le=2100)] | None = Field(
        default=None, description="Asked only when the document does not hold the birth date (the elderly flag)."
    )
    new_urban_resident: bool = Field(default=False, description="The person moved to the city recently (INC-3).")
    phone: Annotated[str, Field(max_length=32)] | None = None
    email: Email | None = None
    preferred_language: Literal["zh-hans", "zh-hant", "en"] = "zh-hans"
    preferred_channel: Literal["sms", "email", "in_app"] = "sms"
