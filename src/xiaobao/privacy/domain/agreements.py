"""What a data-sharing agreement with a partner must fix before consumer data may go to it (PI-3, SEC-2)."""

from __future__ import annotations

from datetime import date

from xiaobao.kernel.errors import InvalidInput
from xiaobao.kernel.i18n import _

DATA_CATEGORY_TEXT: dict[str, str] = {
    "complaint": _("Complaints forwarded for handling (the complaint, the complainant's name and phone)"),
}
"""The kinds of consumer data an agreement may cover; ``privacy.access.partner_may_receive`` asks for these."""

MAX_TERM_DAYS = 366 * 10


class AgreementIncomplete(InvalidInput):
    code = "agreement_incomplete"
    default_message = _("An agreement needs a reference, its purpose, the kinds of data it covers and its term.")


def check_agreement(
    *, reference: str, purpose: str, categories: list[str], valid_from: date, valid_until: date
) -> None:
    """PIPL Art.21 (PI-3): the contract fixes purpose, term and data types; a term ends after it begins."""
    if not reference.strip() or not purpose.strip() or not categories:
        raise AgreementIncomplete()
    if any(category not in DATA_CATEGORY_TEXT for category in categories):
        raise AgreementIncomplete(_("Choose the kinds of data from the list."))
    if valid_until < valid_from:
        raise AgreementIncomplete(_("The agreement must end on or after the day it begins."))
    if (valid_until - valid_from).days > MAX_TERM_DAYS:
        raise AgreementIncomplete(_("An agreement runs at most ten years; record a new one when it is renewed."))
