"""What a data-sharing agreement with a partner must fix before consumer data may go to it (PI-3, SEC-2), and what
an agreement in force releases to the partner.

Pure: the caller gives the terms and today's statutory date; nothing here reads a clock or a database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from xiaobao.kernel.errors import InvalidInput, PermissionDenied
from xiaobao.kernel.i18n import _

COMPLAINT_HANDLING = "complaint_handling"

PURPOSE_TEXT: dict[str, str] = {
    COMPLAINT_HANDLING: _("Complaint handling"),
    "claim_handling": _("Claim handling"),
    "policy_service": _("Service of the policies the partner sold"),
}
"""PIPL Art.21 (PI-3): the purposes an agreement may name, complaint handling first. The partner API answers only
under an agreement whose purpose is the one its endpoints serve (complaint handling for the forwards)."""

DATA_CATEGORY_TEXT: dict[str, str] = {
    "complaint": _("The complaint itself: its reference, the summary sent and the date the answer is due"),
    "complainant_contact": _("The complainant's contact: name and phone"),
    "policy": _("The policy: policy number and product"),
}
"""The kinds of consumer data an agreement may cover; each releases the fields in ``CATEGORY_FIELDS``."""

CATEGORY_FIELDS: dict[str, tuple[str, ...]] = {
    "complaint": ("complaint_reference", "summary", "due", "answered_at"),
    "complainant_contact": ("complainant_name", "complainant_phone"),
    "policy": ("policy_number", "product_line"),
}
"""SEC-2: the fields of a forwarded complaint each category releases to a partner; a field in no category of an
agreement in force is never sent."""

METHOD_TEXT: dict[str, str] = {
    "partner_api": _("Read by the partner through xiaobao's partner API, with its own revocable key"),
    "encrypted_transfer": _("Sent to the partner as an encrypted file"),
}
"""PI-3: how the data reaches the partner."""

MAX_TERM_DAYS = 366 * 10
MIN_MEASURES_LENGTH = 10


class AgreementIncomplete(InvalidInput):
    code = "agreement_incomplete"
    default_message = _(
        "An agreement needs a reference, its purpose, the kinds of data it covers, the method, the protection "
        "measures and its term."
    )


class AgreementNotApprovable(InvalidInput):
    code = "agreement_not_approvable"
    default_message = _("This agreement cannot be approved.")


class NoAgreementInForce(PermissionDenied):
    """SEC-2: a partner without an approved agreement in force today receives nothing."""

    code = "no_agreement_in_force"
    default_message = _(
        "Your organisation has no data-sharing agreement in force with this insurer for complaint handling "
        "(it has expired, been ended, not yet begun or not yet been approved), so no complaint data can be "
        "given to you. Ask the insurer to record and approve a new agreement."
    )


def check_agreement(
    *,
    reference: str,
    purpose: str,
    purpose_detail: str,
    categories: Sequence[str],
    method: str,
    protection_measures: str,
    valid_from: date,
    valid_until: date,
) -> None:
    """PIPL Art.21 (PI-3): the contract fixes purpose, method, data types, term and protection measures; a term
    ends after it begins and runs at most ten years."""
    if not reference.strip() or not purpose_detail.strip() or not categories:
        raise AgreementIncomplete()
    if purpose not in PURPOSE_TEXT:
        raise AgreementIncomplete(_("Choose the purpose from the list."))
    if any(category not in DATA_CATEGORY_TEXT for category in categories):
        raise AgreementIncomplete(_("Choose the kinds of data from the list."))
    if method not in METHOD_TEXT:
        raise AgreementIncomplete(_("Choose the method from the list."))
    if len(protection_measures.strip()) < MIN_MEASURES_LENGTH:
        raise AgreementIncomplete(
            _("Describe the protection measures the partner takes (at least 10 characters), as the agreement says.")
        )
    if valid_until < valid_from:
        raise AgreementIncomplete(_("The agreement must end on or after the day it begins."))
    if (valid_until - valid_from).days > MAX_TERM_DAYS:
        raise AgreementIncomplete(_("An agreement runs at most ten years; record a new one when it is renewed."))


def check_approval(*, recorded_by: int | None, approver: int, approved: bool, ended: bool) -> None:
    """PI-3, four eyes: an agreement is approved once, by someone other than the person who recorded it."""
    if approved:
        raise AgreementNotApprovable(_("This agreement is already approved."))
    if ended:
        raise AgreementNotApprovable(_("This agreement has been ended; record a new one instead."))
    if recorded_by is not None and recorded_by == approver:
        raise AgreementNotApprovable(
            _("You recorded this agreement: someone else with compliance or administration rights must approve it.")
        )


def check_ending(*, ended: bool, valid_until: date, today: date, reason: str) -> None:
    """An agreement still running may be ended early, with a reason; the end takes effect at once."""
    if ended:
        raise AgreementNotApprovable(_("This agreement has already been ended."))
    if valid_until < today:
        raise AgreementNotApprovable(_("This agreement has already expired."))
    if len(reason.strip()) < 5:
        raise InvalidInput(_("Say why the agreement ends early (at least 5 characters)."))


@dataclass(frozen=True, slots=True)
class Terms:
    """What the release rule needs of one agreement."""

    agreement_id: int
    purpose: str
    categories: tuple[str, ...]
    valid_from: date
    valid_until: date
    approved_at: datetime | None
    ended_at: datetime | None


def in_force(terms: Terms, today: date) -> bool:
    """SEC-2: approved, not ended, and today (Asia/Shanghai) within its first and last day."""
    return terms.approved_at is not None and terms.ended_at is None and terms.valid_from <= today <= terms.valid_until


def agreement_state(terms: Terms, today: date) -> str:
    """One word for the administrator's list."""
    if terms.ended_at is not None:
        return "ended"
    if terms.approved_at is None:
        return "awaiting_approval"
    if today < terms.valid_from:
        return "not_yet"
    if today > terms.valid_until:
        return "expired"
    return "in_force"


AGREEMENT_STATE_TEXT: dict[str, str] = {
    "ended": _("ended early"),
    "awaiting_approval": _("awaiting approval"),
    "not_yet": _("approved, not yet begun"),
    "expired": _("expired"),
    "in_force": _("in force"),
}


@dataclass(frozen=True, slots=True)
class Release:
    """What the partner may receive today for one purpose: each category with the agreement that releases it."""

    purpose: str
    agreement_of: dict[str, int]

    @property
    def categories(self) -> list[str]:
        return sorted(self.agreement_of)

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(field for category in self.agreement_of for field in CATEGORY_FIELDS[category])

    def by_agreement(self) -> dict[int, list[str]]:
        """The released categories grouped by the agreement that releases them (what a read is logged under)."""
        grouped: dict[int, list[str]] = {}
        for category in self.categories:
            grouped.setdefault(self.agreement_of[category], []).append(category)
        return grouped


def release(agreements: Iterable[Terms], *, purpose: str, today: date) -> Release:
    """SEC-2, PI-3: the categories the partner's approved agreements in force for ``purpose`` cover, each credited
    to the earliest-recorded agreement covering it; ``NoAgreementInForce`` when there is none."""
    agreement_of: dict[str, int] = {}
    found = False
    for terms in sorted(agreements, key=lambda t: t.agreement_id):
        if terms.purpose != purpose or not in_force(terms, today):
            continue
        found = True
        for category in terms.categories:
            if category in CATEGORY_FIELDS:
                agreement_of.setdefault(category, terms.agreement_id)
    if not found:
        raise NoAgreementInForce()
    return Release(purpose=purpose, agreement_of=agreement_of)
