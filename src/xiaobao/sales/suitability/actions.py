"""The only writers of suitability records (SAL-2, SAL-S2..S4): the assessment of a sale, and the buyer's
declaration that buying a product that does not suit them (or crosses a SAL-S4 threshold) is their own choice."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from xiaobao.audit.recorder import record
from xiaobao.identity.domain.permissions import Permission
from xiaobao.kernel.actors import Actor
from xiaobao.kernel.errors import InvalidInput, PermissionDenied, TransitionNotAllowed
from xiaobao.kernel.i18n import _
from xiaobao.ops import clock
from xiaobao.sales import events
from xiaobao.sales.domain.policies import suitability_kept_until
from xiaobao.sales.domain.session import SaleAlreadyCompleted
from xiaobao.sales.domain.suitability import (
    Answers,
    DeclarationChanged,
    DeclarationNotConfirmed,
    ProductFacts,
    Proposal,
    assess,
    check_elder_care,
    profile_of,
    signature_matches,
)
from xiaobao.sales.models import BuyerDeclaration, Product, SuitabilityAssessment
from xiaobao.sales.suitability import access
from xiaobao.sales.suitability.selectors import covered_codes, declaration_text, text_sha256

PROTECTION_LINES = frozenset({"ordinary_life", "illness", "medical", "accident", "motor", "other_property"})


class AssessmentSealed(TransitionNotAllowed):
    code = "assessment_sealed"
    default_message = _("The buyer has signed a declaration on this assessment: it can no longer change.")


class NoDeclarationNeeded(TransitionNotAllowed):
    code = "no_declaration_needed"
    default_message = _("This sale is suitable as proposed: there is nothing for the buyer to declare.")


@dataclass(frozen=True)
class Questionnaire:
    """What the seller enters with the buyer: the answers, the premium proposed, and at 65+ the extra care."""

    answers: Answers
    proposal: Proposal
    elder_care: tuple[str, ...] = ()
    companion_present: bool = False


def product_facts(product: Product) -> ProductFacts:
    return ProductFacts(
        tier=product.tier,
        uncertain_benefit=product.uncertain_benefit,
        investment_linked=product.investment_linked,
        term_months=product.term_months,
        protection_line=product.product_line in PROTECTION_LINES,
    )


def _answers_json(answers: Answers) -> str:
    return json.dumps(
        {
            "needs": sorted(answers.needs),
            "risk": dict(sorted(answers.risk.items())),
            "household_income_yuan": str(answers.household_income_yuan),
            "budget_yuan": str(answers.budget_yuan),
            "has_similar_cover": answers.has_similar_cover,
            "birth_date": answers.birth_date.isoformat(),
        },
        sort_keys=True,
        ensure_ascii=False,
    )


def _staff_id(actor: Actor) -> int:
    if actor.staff_id is None:
        raise PermissionDenied()
    return actor.staff_id


@transaction.atomic
def sale_assess_suitability(*, actor: Actor, sale_id: int, questionnaire: Questionnaire) -> SuitabilityAssessment:
    """SAL-2, SAL-S2..S4: assess the buyer against the product and premium proposed, and record it. The same
    answers sent again change nothing; other answers replace the assessment until the buyer signs a
    declaration on it (after that, and after completion, it is sealed)."""
    sale = access.sale_for(actor, sale_id, Permission.SELL, for_update=True)
    staff_id = _staff_id(actor)
    if sale.completed_at is not None:
        raise SaleAlreadyCompleted()
    today = clock.today()
    profile = profile_of(questionnaire.answers, today)
    check_elder_care(profile.age, questionnaire.elder_care)
    result = assess(profile, product_facts(sale.product), questionnaire.proposal)
    proposal = questionnaire.proposal
    elder_care = (
        sorted(questionnaire.elder_care) + (["companion_present"] if questionnaire.companion_present else [])
        if result.elder_care
        else []
    )
    values = {
        "answers": _answers_json(questionnaire.answers),
        "risk_profile": profile.risk.code,
        "buyer_age": profile.age,
        "premium_yuan": proposal.premium_yuan.quantize(Decimal("0.01")),
        "premium_mode": proposal.mode.value,
        "payment_years": proposal.payment_years,
        "outcome": result.outcome.value,
        "reasons": [
            {
                "code": r.code,
                "rule_id": r.rule_id,
                "severity": r.severity.value,
                "text": r.text,
                "params": dict(r.params),
            }
            for r in result.reasons
        ],
        "thresholds_crossed": list(result.thresholds),
        "advised_against": result.advised_against,
        "elder_care": elder_care,
    }
    existing = access.assessment_of(sale, for_update=True)
    if existing is not None:
        if all(getattr(existing, name) == value for name, value in values.items()):
            return existing  # the same submission again: nothing twice
        if access.declaration_of(existing) is not None:
            raise AssessmentSealed()
    assessment = existing or SuitabilityAssessment(sale=sale, insurer_id=sale.insurer_id)
    for name, value in values.items():
        setattr(assessment, name, value)
    assessment.assessed_at = clock.now()
    assessment.assessed_by_id = staff_id
    assessment.kept_until = suitability_kept_until(None, today)
    assessment.save()
    sale.premium_yuan = values["premium_yuan"]  # type: ignore[assignment]
    sale.premium_mode = proposal.mode.value
    sale.payment_years = proposal.payment_years
    sale.buyer_age = profile.age
    sale.save(update_fields=["premium_yuan", "premium_mode", "payment_years", "buyer_age"])
    record(
        event_type=events.SUITABILITY_ASSESSED,
        actor=actor,
        subject=sale,
        insurer_id=sale.insurer_id,
        new={
            "outcome": assessment.outcome,
            "risk_profile": assessment.risk_profile,
            "reasons": [f"{r['rule_id']}:{r['code']}" for r in assessment.reasons],
            "thresholds": assessment.thresholds_crossed,
            "advised_against": assessment.advised_against,
            "elder_care": assessment.elder_care,
            "buyer_age": assessment.buyer_age,
            "by": actor.audit_id,
        },
    )
    return assessment


@transaction.atomic
def sale_declare_own_choice(
    *, actor: Actor, sale_id: int, signed_name: str, confirmed: bool, shown_sha256: str, language: str
) -> BuyerDeclaration:
    """SAL-S3, SAL-S4: the buyer signs — their full name typed and a tick — the declaration text shown to them
    (``shown_sha256`` is the hash of that text: a text changed since is refused). Signed once: sending it
    again returns the declaration already signed."""
    sale = access.sale_for(actor, sale_id, Permission.SELL, for_update=True)
    staff_id = _staff_id(actor)
    assessment = access.assessment_of(sale, for_update=True)
    if assessment is None:
        raise InvalidInput(_("Assess the buyer's suitability first."))
    existing = access.declaration_of(assessment)
    if existing is not None:
        return existing
    if not assessment.declaration_needed:
        raise NoDeclarationNeeded()
    if sale.completed_at is not None:
        raise SaleAlreadyCompleted()
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise DeclarationChanged()
    text = declaration_text(assessment, language)
    digest = text_sha256(text)
    if digest != shown_sha256:
        raise DeclarationChanged()
    name_on_record = sale.buyer.name if sale.buyer is not None else None
    if not confirmed or not signature_matches(signed_name, name_on_record):
        raise DeclarationNotConfirmed()
    declaration = BuyerDeclaration.objects.create(
        assessment=assessment,
        insurer_id=sale.insurer_id,
        text=text,
        text_sha256=digest,
        language=language,
        signed_name=" ".join(signed_name.split()),
        confirmed=True,
        covers=covered_codes(assessment),
        signed_at=clock.now(),
        witnessed_by_id=staff_id,
    )
    record(
        event_type=events.OWN_CHOICE_DECLARED,
        actor=actor,
        subject=sale,
        insurer_id=sale.insurer_id,
        new={
            "covers": declaration.covers,
            "text_sha256": digest,
            "language": language,
            "signed_at": declaration.signed_at.isoformat(),
        },
    )
    return declaration
