"""Recording suitability (SAL-2, SAL-S2..S4): the assessment and the buyer's declaration, who may record them, the
declaration path (mismatch → advise against → declaration → completable), 64 against 65, nothing twice."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from django.utils import translation

from tests.conftest import World
from tests.support.clock import SettableClock
from tests.support.matrix import Cast, assert_matrix
from tests.support.suitability import BUYER_NAME, CAREFUL, Counter, elder_questionnaire, make_counter, questionnaire
from xiaobao.audit.models import AuditEvent
from xiaobao.kernel.actors import Actor, Role
from xiaobao.sales.domain.suitability import (
    DeclarationChanged,
    DeclarationNotConfirmed,
    DeclarationRequired,
    ElderCareIncomplete,
    Need,
)
from xiaobao.sales.models import BuyerDeclaration, Sale, SuitabilityAssessment
from xiaobao.sales.suitability.actions import (
    AssessmentSealed,
    NoDeclarationNeeded,
    sale_assess_suitability,
    sale_declare_own_choice,
)
from xiaobao.sales.suitability.selectors import (
    declaration_text,
    require_ready_to_complete,
    sale_ready_to_complete,
    text_sha256,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def counter(world: World, clock: SettableClock) -> Counter:
    return make_counter(world)


def events_of(sale: Sale) -> list[str]:
    return list(
        AuditEvent.objects.filter(subject_type="sales.sale", subject_id=str(sale.pk))
        .order_by("sequence")
        .values_list("event_type", flat=True)
    )


def fresh(sale: Sale) -> Sale:
    return Sale.objects.get(pk=sale.pk)


def declare(counter: Counter, sale: Sale, name: str = BUYER_NAME, *, confirmed: bool = True) -> BuyerDeclaration:
    assessment = SuitabilityAssessment.objects.get(sale=sale)
    shown = text_sha256(declaration_text(assessment, "zh-hans"))
    return sale_declare_own_choice(
        actor=counter.seller,
        sale_id=sale.pk,
        signed_name=name,
        confirmed=confirmed,
        shown_sha256=shown,
        language="zh-hans",
    )


def test_only_selling_staff_of_the_insurer_assess_a_sale(world: World, counter: Counter) -> None:
    cast = Cast.build(world, Role.HANDLER)

    def attempt(actor: Actor, sale: Sale) -> SuitabilityAssessment:
        return sale_assess_suitability(actor=actor, sale_id=sale.pk, questionnaire=questionnaire())

    assert_matrix(cast, attempt, allowed={"staff_with_role"}, given=counter.sale)


def test_a_suitable_sale_is_recorded_with_its_reasons_and_may_be_completed(counter: Counter) -> None:
    sale = counter.sale()
    assessment = sale_assess_suitability(actor=counter.seller, sale_id=sale.pk, questionnaire=questionnaire())
    assert assessment.outcome == "suitable"
    assert {r["rule_id"] for r in assessment.reasons} >= {"SAL-S2"}
    assert sale_ready_to_complete(fresh(sale)) == []
    assert events_of(sale) == ["sales.suitability_assessed"]


def test_the_answers_are_stored_encrypted(counter: Counter) -> None:
    from django.db import connection

    sale = counter.sale()
    sale_assess_suitability(actor=counter.seller, sale_id=sale.pk, questionnaire=questionnaire())
    with connection.cursor() as cursor:
        cursor.execute("SELECT answers FROM sales_suitabilityassessment")
        (stored,) = cursor.fetchone()
    assert "100000" not in stored
    assert "1986" not in stored


def test_the_declaration_path_from_a_mismatch_to_a_sale_that_may_be_completed(counter: Counter) -> None:
    # given a careful buyer and a product whose benefit is not guaranteed
    sale = counter.sale()
    assessment = sale_assess_suitability(
        actor=counter.seller, sale_id=sale.pk, questionnaire=questionnaire(risk=CAREFUL)
    )
    # then the seller is told to advise against, and the sale cannot be completed
    assert assessment.outcome == "advise_against"
    assert assessment.advised_against
    with pytest.raises(DeclarationRequired):
        require_ready_to_complete(fresh(sale))
    # when the buyer insists and signs
    declaration = declare(counter, sale)
    # then the declaration covers the mismatch and the sale may be completed
    assert "risk_above_profile" in declaration.covers
    assert declaration.text_sha256 == text_sha256(declaration.text)
    assert sale_ready_to_complete(fresh(sale)) == []
    assert events_of(sale) == ["sales.suitability_assessed", "sales.own_choice_declared"]


def test_a_crossed_threshold_needs_the_declaration_before_completion(counter: Counter) -> None:
    sale = counter.sale()
    assessment = sale_assess_suitability(actor=counter.seller, sale_id=sale.pk, questionnaire=questionnaire("25000"))
    assert assessment.outcome == "declaration_needed"
    assert set(assessment.thresholds_crossed) == {"annual_premium_over_20pct_income", "premium_150pct_of_budget"}
    with translation.override("en"):
        assert sale_ready_to_complete(fresh(sale)) == [
            "The buyer has not signed the declaration that buying it is their own choice."
        ]
    declare(counter, sale)
    assert sale_ready_to_complete(fresh(sale)) == []


def test_a_premium_changed_after_the_assessment_must_be_assessed_again(counter: Counter) -> None:
    sale = counter.sale()
    sale_assess_suitability(actor=counter.seller, sale_id=sale.pk, questionnaire=questionnaire())
    Sale.objects.filter(pk=sale.pk).update(premium_yuan="9000.00")
    assert len(sale_ready_to_complete(fresh(sale))) == 1


def test_a_signature_not_matching_the_buyers_name_is_refused_and_nothing_is_recorded(counter: Counter) -> None:
    sale = counter.sale()
    sale_assess_suitability(actor=counter.seller, sale_id=sale.pk, questionnaire=questionnaire(risk=CAREFUL))
    with pytest.raises(DeclarationNotConfirmed):
        declare(counter, sale, name="王秀")
    with pytest.raises(DeclarationNotConfirmed):
        declare(counter, sale, confirmed=False)
    assert BuyerDeclaration.objects.count() == 0
    assert events_of(sale) == ["sales.suitability_assessed"]


def test_a_declaration_text_changed_since_it_was_shown_is_refused(counter: Counter) -> None:
    sale = counter.sale()
    sale_assess_suitability(actor=counter.seller, sale_id=sale.pk, questionnaire=questionnaire(risk=CAREFUL))
    with pytest.raises(DeclarationChanged):
        sale_declare_own_choice(
            actor=counter.seller,
            sale_id=sale.pk,
            signed_name=BUYER_NAME,
            confirmed=True,
            shown_sha256="0" * 64,
            language="zh-hans",
        )
    assert BuyerDeclaration.objects.count() == 0


def test_a_suitable_sale_has_nothing_to_declare(counter: Counter) -> None:
    sale = counter.sale()
    sale_assess_suitability(actor=counter.seller, sale_id=sale.pk, questionnaire=questionnaire())
    with pytest.raises(NoDeclarationNeeded):
        declare(counter, sale)


def test_the_same_questionnaire_sent_twice_is_one_assessment_and_one_event(counter: Counter) -> None:
    sale = counter.sale()
    first = sale_assess_suitability(actor=counter.seller, sale_id=sale.pk, questionnaire=questionnaire())
    again = sale_assess_suitability(actor=counter.seller, sale_id=sale.pk, questionnaire=questionnaire())
    assert again.pk == first.pk
    assert SuitabilityAssessment.objects.count() == 1
    assert events_of(sale) == ["sales.suitability_assessed"]


def test_a_declaration_signed_twice_is_one_declaration(counter: Counter) -> None:
    sale = counter.sale()
    sale_assess_suitability(actor=counter.seller, sale_id=sale.pk, questionnaire=questionnaire(risk=CAREFUL))
    first = declare(counter, sale)
    again = declare(counter, sale)
    assert again.pk == first.pk
    assert BuyerDeclaration.objects.count() == 1
    assert events_of(sale).count("sales.own_choice_declared") == 1


def test_other_answers_replace_the_assessment_until_the_buyer_signs(counter: Counter) -> None:
    sale = counter.sale()
    sale_assess_suitability(actor=counter.seller, sale_id=sale.pk, questionnaire=questionnaire(risk=CAREFUL))
    changed = sale_assess_suitability(
        actor=counter.seller, sale_id=sale.pk, questionnaire=questionnaire(needs=frozenset({Need.SAVINGS}))
    )
    assert changed.outcome == "suitable"
    assert SuitabilityAssessment.objects.count() == 1
    sale_assess_suitability(actor=counter.seller, sale_id=sale.pk, questionnaire=questionnaire(risk=CAREFUL))
    declare(counter, sale)
    with pytest.raises(AssessmentSealed):
        sale_assess_suitability(actor=counter.seller, sale_id=sale.pk, questionnaire=questionnaire())


def test_a_buyer_of_64_is_assessed_without_the_extra_care(counter: Counter, clock: SettableClock) -> None:
    clock.set("2026-03-02 10:00")
    sale = counter.sale()
    assessment = sale_assess_suitability(
        actor=counter.seller, sale_id=sale.pk, questionnaire=questionnaire(birth_date=date(1961, 3, 3), years=5)
    )
    assert assessment.buyer_age == 64
    assert assessment.elder_care == []


def test_a_buyer_of_65_is_not_assessed_without_the_extra_care(counter: Counter, clock: SettableClock) -> None:
    clock.set("2026-03-02 10:00")
    sale = counter.sale()
    with pytest.raises(ElderCareIncomplete):
        sale_assess_suitability(
            actor=counter.seller, sale_id=sale.pk, questionnaire=questionnaire(birth_date=date(1961, 3, 2), years=5)
        )
    assert SuitabilityAssessment.objects.count() == 0
    assert events_of(sale) == []


def test_a_buyer_of_65_with_the_extra_care_is_assessed_and_the_care_recorded(
    counter: Counter, clock: SettableClock
) -> None:
    clock.set("2026-03-02 10:00")
    sale = counter.sale()
    assessment = sale_assess_suitability(
        actor=counter.seller, sale_id=sale.pk, questionnaire=elder_questionnaire(date(1961, 3, 2))
    )
    assert assessment.buyer_age == 65
    assert set(assessment.elder_care) == {"second_explanation", "companion", "companion_present"}
    assert "elder_care" in {r["code"] for r in assessment.reasons}


def test_a_buyer_of_68_paying_ten_years_crosses_the_age_threshold(counter: Counter, clock: SettableClock) -> None:
    clock.set("2026-03-02 10:00")
    sale = counter.sale()
    asked = replace(elder_questionnaire(date(1958, 1, 1), years=10))
    assessment = sale_assess_suitability(actor=counter.seller, sale_id=sale.pk, questionnaire=asked)
    assert "payment_years_plus_age_75" in assessment.thresholds_crossed


def test_the_record_is_kept_five_years_from_the_assessment_until_a_policy_is_issued(
    counter: Counter, clock: SettableClock
) -> None:
    clock.set("2026-03-02 10:00")
    sale = counter.sale()
    assessment = sale_assess_suitability(actor=counter.seller, sale_id=sale.pk, questionnaire=questionnaire())
    assert assessment.kept_until == date(2031, 3, 2)


def test_the_audit_event_holds_no_income_budget_or_birth_date(counter: Counter) -> None:
    sale = counter.sale()
    sale_assess_suitability(actor=counter.seller, sale_id=sale.pk, questionnaire=questionnaire("25000"))
    event = AuditEvent.objects.get(event_type="sales.suitability_assessed")
    recorded = str(event.new_values)
    assert "100000" not in recorded
    assert "10000" not in recorded
    assert "1986" not in recorded
    assert "SAL-S4:annual_premium_over_20pct_income" in recorded


def test_a_sale_whose_buyer_signed_the_declaration_is_high_risk_for_the_quality_check(counter: Counter) -> None:
    from xiaobao.sales.actions import declaration_signed, risk_facts
    from xiaobao.sales.domain.quality import HighRisk, high_risk_reasons

    sale = counter.sale()
    sale_assess_suitability(actor=counter.seller, sale_id=sale.pk, questionnaire=questionnaire(risk=CAREFUL))
    assert not declaration_signed(sale)
    declare(counter, sale)
    assert HighRisk.UNCERTAIN_BENEFIT_WITH_DECLARATION in high_risk_reasons(risk_facts(sale))
