"""Read models of suitability: the questionnaire's sale, the result with its reasons in the reader's language, the
declaration text exactly as shown (and hashed), and whether a sale may be completed (SAL-2, SAL-S3, SAL-S4)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext

from xiaobao.kernel.actors import Actor
from xiaobao.sales.domain.suitability import (
    DECLARATION_CLOSING,
    DECLARATION_OPENING,
    NEEDS_DECLARATION,
    OUTCOME_TEXT,
    RISK_PROFILE_TEXT,
    DeclarationRequired,
    Outcome,
    RiskProfile,
)
from xiaobao.sales.models import BuyerDeclaration, Sale, SuitabilityAssessment
from xiaobao.sales.suitability import access


def _said(reason: dict[str, Any]) -> str:
    """A reason in the active language (a text with no parameters is not %-formatted: "20%" stays)."""
    params = reason.get("params") or {}
    return gettext(reason["text"]) % params if params else gettext(reason["text"])


@dataclass(frozen=True)
class ShownReason:
    code: str
    rule_id: str
    severity: str
    text: str


def reasons_shown(assessment: SuitabilityAssessment) -> list[ShownReason]:
    """The reasons in the active language, each with its RULES.md id."""
    return [
        ShownReason(reason["code"], reason["rule_id"], reason["severity"], _said(reason))
        for reason in assessment.reasons
    ]


def outcome_text(assessment: SuitabilityAssessment) -> str:
    return gettext(OUTCOME_TEXT[Outcome(assessment.outcome)])


def risk_profile_text(assessment: SuitabilityAssessment) -> str:
    return gettext(RISK_PROFILE_TEXT[RiskProfile[assessment.risk_profile.upper()]])


def declaration_text(assessment: SuitabilityAssessment, language: str) -> str:
    """The declaration the buyer signs (SAL-S3, SAL-S4), in ``language``: the same text is shown, hashed and
    stored, so what was signed can be shown again word for word."""
    sale = assessment.sale
    covered = [reason for reason in assessment.reasons if reason["severity"] in NEEDS_DECLARATION]
    with translation.override(language):
        lines = [gettext(DECLARATION_OPENING) % {"product": sale.product.name}]
        lines += [f"{n}. {_said(reason)} ({reason['rule_id']})" for n, reason in enumerate(covered, start=1)]
        lines.append(gettext(DECLARATION_CLOSING) % {"days": sale.product.cooling_off_days})
    return "\n".join(lines)


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def covered_codes(assessment: SuitabilityAssessment) -> list[str]:
    return [reason["code"] for reason in assessment.reasons if reason["severity"] in NEEDS_DECLARATION]


def sale_ready_to_complete(sale: Sale) -> list[str]:
    """What still stands between this sale and its completion (SAL-2, SAL-S3, SAL-S4), in the active language;
    empty when it may be completed. The sale is one its caller opened through the gate."""
    assessment = access.assessment_of(sale)
    if assessment is None:
        return [gettext("The buyer's suitability has not been assessed.")]
    missing = []
    proposed = (sale.premium_yuan, sale.premium_mode, sale.payment_years)
    if proposed != (assessment.premium_yuan, assessment.premium_mode, assessment.payment_years):
        missing.append(gettext("The premium has changed since the assessment: assess it again."))
    if assessment.declaration_needed and access.declaration_of(assessment) is None:
        missing.append(gettext("The buyer has not signed the declaration that buying it is their own choice."))
    return missing


def require_ready_to_complete(sale: Sale) -> None:
    """For the action that completes a sale: ``DeclarationRequired`` while anything is missing."""
    missing = sale_ready_to_complete(sale)
    if missing:
        raise DeclarationRequired(missing=" ".join(missing))


@dataclass(frozen=True)
class SaleRow:
    sale: Sale
    assessment: SuitabilityAssessment | None
    declared: bool


def sales_to_assess(actor: Actor) -> list[SaleRow]:
    """The insurer's open sales (not yet completed), newest first, with where their suitability stands."""
    sales = access.sales_for(actor).filter(completed_at__isnull=True).select_related("product", "seller")
    rows = list(sales.order_by("-started_at")[:100])
    assessments = {a.sale_id: a for a in access.assessments_of_sales(rows)}
    declared = access.declared_assessment_ids(list(assessments.values()))
    return [
        SaleRow(sale, assessments.get(sale.pk), sale.pk in assessments and assessments[sale.pk].pk in declared)
        for sale in rows
    ]


@dataclass(frozen=True)
class BuyerRecord:
    assessment: SuitabilityAssessment
    declaration: BuyerDeclaration | None


def buyer_records(actor: Actor) -> QuerySet[SuitabilityAssessment]:
    return access.assessments_of_buyer(actor).select_related("sale__product", "sale__insurer").order_by("-assessed_at")


def buyer_record(actor: Actor, assessment_id: Any) -> BuyerRecord:
    assessment = access.assessment_of_buyer(actor, assessment_id)
    return BuyerRecord(assessment, access.declaration_of(assessment))
