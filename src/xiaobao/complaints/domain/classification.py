"""Classification used in the regulator's bulletins (RULES.md: by reason and by product line)."""

from __future__ import annotations

from enum import StrEnum

from xiaobao.kernel.i18n import _


class Reason(StrEnum):
    CLAIMS = "claims"
    SALES = "sales"
    SURRENDER = "surrender"
    POLICY_SERVICE = "policy_service"
    OTHER_SERVICE = "other_service"


class ProductLine(StrEnum):
    MOTOR = "motor"
    ORDINARY_LIFE = "ordinary_life"
    PARTICIPATING_UNIVERSAL_LIFE = "participating_universal_life"
    ILLNESS = "illness"
    MEDICAL = "medical"
    ACCIDENT = "accident"
    OTHER_PROPERTY = "other_property"


class Channel(StrEnum):
    HOTLINE = "hotline"
    WEB = "web"
    APP = "app"
    EMAIL = "email"
    LETTER = "letter"
    COUNTER = "counter"
    REGULATOR = "regulator"
    PARTNER = "partner"


REASON_TEXT = {
    Reason.CLAIMS: _("claims dispute"),
    Reason.SALES: _("sales dispute"),
    Reason.SURRENDER: _("surrender dispute"),
    Reason.POLICY_SERVICE: _("policy service"),
    Reason.OTHER_SERVICE: _("other service"),
}

PRODUCT_LINE_TEXT = {
    ProductLine.MOTOR: _("motor vehicle insurance"),
    ProductLine.ORDINARY_LIFE: _("ordinary life insurance"),
    ProductLine.PARTICIPATING_UNIVERSAL_LIFE: _("participating / universal life insurance"),
    ProductLine.ILLNESS: _("illness insurance"),
    ProductLine.MEDICAL: _("medical insurance"),
    ProductLine.ACCIDENT: _("accident insurance"),
    ProductLine.OTHER_PROPERTY: _("other property insurance"),
}

CHANNEL_TEXT = {
    Channel.HOTLINE: _("hotline"),
    Channel.WEB: _("website"),
    Channel.APP: _("app"),
    Channel.EMAIL: _("email"),
    Channel.LETTER: _("letter"),
    Channel.COUNTER: _("counter"),
    Channel.REGULATOR: _("forwarded by the regulator"),
    Channel.PARTNER: _("through a partner"),
}

GROUP_COMPLAINT_THRESHOLD = 20
"""CMP-G1: a group complaint of 20 or more complainants triggers the emergency plan."""
