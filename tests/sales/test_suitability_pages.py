"""The seller's suitability pages and the buyer's own records in /my/: who may open each page, a rejected form
keeps what was typed, a repeated submission records once, and the holder cancels inside the cooling-off period."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.conftest import World
from tests.sales.test_suitability_actions import declare
from tests.support.clock import SettableClock
from tests.support.suitability import BUYER_NAME, CAREFUL, Counter, make_counter, questionnaire
from tests.support.world import make_consumer
from xiaobao.audit.models import AuditEvent
from xiaobao.identity.models import Consumer, Staff
from xiaobao.kernel.actors import Actor
from xiaobao.sales.models import BuyerDeclaration, Policy, Sale, SuitabilityAssessment, Surrender
from xiaobao.sales.policies.actions import NewPolicy, policy_issue
from xiaobao.sales.suitability.actions import sale_assess_suitability

pytestmark = pytest.mark.django_db


@pytest.fixture
def counter(world: World, clock: SettableClock) -> Counter:
    clock.set("2026-03-02 10:00")
    return make_counter(world)


def as_staff(client: Client, actor: Actor) -> Client:
    client.force_login(Staff.objects.get(pk=actor.staff_id).user)
    return client


def as_consumer(client: Client, consumer: Consumer) -> Client:
    if consumer.user is None:
        consumer.user = get_user_model().objects.create_user(username=f"c-{consumer.pk}", password="x" * 12)
        consumer.save(update_fields=["user"])
    client.force_login(consumer.user)
    return client


FORM = {
    "needs": ["savings"],
    "drop": "wait",
    "horizon": "medium",
    "preference": "mixed",
    "experience": "some",
    "household_income_yuan": "100000",
    "budget_yuan": "10000",
    "has_similar_cover": "no",
    "birth_date": "1986-01-15",
    "premium_yuan": "5000",
    "premium_mode": "annual",
    "payment_years": "10",
}


def test_the_seller_answers_the_questionnaire_and_sees_the_result(client: Client, counter: Counter) -> None:
    sale = counter.sale()
    as_staff(client, counter.seller)
    assert client.get(f"/workbench/suitability/{sale.pk}/").status_code == 200
    response = client.post(f"/workbench/suitability/{sale.pk}/", FORM)
    assert response.status_code == 302
    result = client.get(f"/workbench/suitability/{sale.pk}/result/")
    assert result.status_code == 200
    assert "SAL-S2" in result.content.decode()


def test_a_rejected_questionnaire_keeps_what_was_typed_and_records_nothing(client: Client, counter: Counter) -> None:
    sale = counter.sale()
    typed = {**FORM, "household_income_yuan": "not a number", "budget_yuan": "12345"}
    response = as_staff(client, counter.seller).post(f"/workbench/suitability/{sale.pk}/", typed)
    page = response.content.decode()
    assert response.status_code == 400
    assert 'value="12345"' in page
    assert 'value="1986-01-15"' in page
    assert SuitabilityAssessment.objects.count() == 0


def test_a_buyer_of_65_without_the_extra_care_keeps_the_form_and_is_told_why(client: Client, counter: Counter) -> None:
    sale = counter.sale()
    typed = {**FORM, "birth_date": "1961-03-02", "payment_years": "5"}
    response = as_staff(client, counter.seller).post(f"/workbench/suitability/{sale.pk}/", typed)
    assert response.status_code == 400
    assert 'value="1961-03-02"' in response.content.decode()
    assert SuitabilityAssessment.objects.count() == 0
    elder = {**typed, "elder_care": ["second_explanation", "companion"], "companion_present": "yes"}
    assert client.post(f"/workbench/suitability/{sale.pk}/", elder).status_code == 302


def test_the_same_questionnaire_posted_twice_is_one_assessment(client: Client, counter: Counter) -> None:
    sale = counter.sale()
    as_staff(client, counter.seller)
    client.post(f"/workbench/suitability/{sale.pk}/", FORM)
    client.post(f"/workbench/suitability/{sale.pk}/", FORM)
    assert SuitabilityAssessment.objects.count() == 1
    assert AuditEvent.objects.filter(event_type="sales.suitability_assessed").count() == 1


def _declaration_fields(client: Client, sale: Sale) -> dict[str, str]:
    page = client.get(f"/workbench/suitability/{sale.pk}/result/")
    form = page.context["form"]
    return {"shown_sha256": form.initial["shown_sha256"], "language": form.initial["language"]}


def test_the_buyer_signs_the_declaration_once_on_the_result_page(client: Client, counter: Counter) -> None:
    sale = counter.sale()
    sale_assess_suitability(actor=counter.seller, sale_id=sale.pk, questionnaire=questionnaire(risk=CAREFUL))
    as_staff(client, counter.seller)
    fields = _declaration_fields(client, sale)
    signed = {**fields, "signed_name": BUYER_NAME, "confirmed": "on"}
    assert client.post(f"/workbench/suitability/{sale.pk}/declaration/", signed).status_code == 302
    assert client.post(f"/workbench/suitability/{sale.pk}/declaration/", signed).status_code == 302
    assert BuyerDeclaration.objects.count() == 1


def test_a_declaration_with_the_wrong_name_keeps_it_and_records_nothing(client: Client, counter: Counter) -> None:
    sale = counter.sale()
    sale_assess_suitability(actor=counter.seller, sale_id=sale.pk, questionnaire=questionnaire(risk=CAREFUL))
    as_staff(client, counter.seller)
    fields = _declaration_fields(client, sale)
    response = client.post(
        f"/workbench/suitability/{sale.pk}/declaration/", {**fields, "signed_name": "李四", "confirmed": "on"}
    )
    assert response.status_code == 400
    assert 'value="李四"' in response.content.decode()
    assert BuyerDeclaration.objects.count() == 0


@pytest.mark.parametrize("path", ["", "result/"])
def test_the_suitability_pages_are_refused_to_everyone_but_the_insurers_sellers(
    client: Client, world: World, counter: Counter, path: str
) -> None:
    sale = counter.sale()
    sale_assess_suitability(actor=counter.seller, sale_id=sale.pk, questionnaire=questionnaire())
    url = f"/workbench/suitability/{sale.pk}/{path}"
    assert client.get(url).status_code == 302  # anonymous: to the sign-in page
    assert as_consumer(Client(), counter.buyer).get(url).status_code == 404
    assert as_staff(Client(), counter.other_insurer_seller).get(url).status_code == 404
    assert as_staff(Client(), counter.compliance).get(url).status_code == 404  # staff without the role
    assert as_staff(Client(), counter.seller).get(url).status_code == 200


def test_a_post_from_another_insurers_seller_changes_nothing(client: Client, counter: Counter) -> None:
    sale = counter.sale()
    events = AuditEvent.objects.count()
    response = as_staff(client, counter.other_insurer_seller).post(f"/workbench/suitability/{sale.pk}/", FORM)
    assert response.status_code == 404
    assert SuitabilityAssessment.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_the_buyer_sees_their_own_assessment_and_declaration_and_nobody_elses(client: Client, counter: Counter) -> None:
    sale = counter.sale()
    assessment = sale_assess_suitability(
        actor=counter.seller, sale_id=sale.pk, questionnaire=questionnaire(risk=CAREFUL)
    )
    declare(counter, sale)
    page = as_consumer(client, counter.buyer).get(f"/my/purchases/{assessment.pk}/")
    assert page.status_code == 200
    assert "SAL-S3" in page.content.decode()
    assert counter.product.name in as_consumer(Client(), counter.buyer).get("/my/purchases/").content.decode()
    stranger = make_consumer(name="陈某")
    assert as_consumer(Client(), stranger).get(f"/my/purchases/{assessment.pk}/").status_code == 404
    assert as_staff(Client(), counter.seller).get(f"/my/purchases/{assessment.pk}/").status_code in (302, 404)


def _policy(counter: Counter) -> Policy:
    sale = counter.sale()
    sale_assess_suitability(actor=counter.seller, sale_id=sale.pk, questionnaire=questionnaire())
    data = NewPolicy("P-1", Decimal("5000.00"), date(2026, 3, 1), date(2026, 3, 1))
    return policy_issue(actor=counter.seller, sale_id=sale.pk, data=data)


def test_the_holder_cancels_on_the_last_day_and_follows_the_refund(
    client: Client, counter: Counter, clock: SettableClock
) -> None:
    policy = _policy(counter)
    clock.set("2026-03-16 20:00")
    as_consumer(client, counter.buyer)
    assert client.post(f"/my/policies/{policy.pk}/surrender/", {"confirm": "yes"}).status_code == 302
    assert client.post(f"/my/policies/{policy.pk}/surrender/", {"confirm": "yes"}).status_code == 302
    assert Surrender.objects.get().path == "cooling_off_refund"
    page = client.get(f"/my/policies/{policy.pk}/").content.decode()
    assert "4990.00" in page
    assert "2026-04-15" in page


def test_a_cancellation_without_the_tick_records_nothing(client: Client, counter: Counter) -> None:
    policy = _policy(counter)
    as_consumer(client, counter.buyer).post(f"/my/policies/{policy.pk}/surrender/", {})
    assert Surrender.objects.count() == 0


def test_nobody_but_the_holder_cancels_in_the_portal(client: Client, counter: Counter) -> None:
    policy = _policy(counter)
    stranger = make_consumer(name="陈某")
    assert (
        as_consumer(client, stranger).post(f"/my/policies/{policy.pk}/surrender/", {"confirm": "yes"}).status_code
        == 404
    )
    assert as_consumer(Client(), stranger).get(f"/my/policies/{policy.pk}/").status_code == 404
    assert Surrender.objects.count() == 0


def test_policy_staff_record_a_surrender_and_the_refund(client: Client, counter: Counter, clock: SettableClock) -> None:
    policy = _policy(counter)
    as_staff(client, counter.supervisor)
    assert client.get(f"/workbench/policies/{policy.pk}/").status_code == 200
    assert client.post(f"/workbench/policies/{policy.pk}/surrender/").status_code == 302
    refused = client.post(f"/workbench/policies/{policy.pk}/refund-paid/", {"refunded_on": "2099-01-01"})
    assert refused.status_code == 400
    assert 'value="2099-01-01"' in refused.content.decode()
    assert (
        client.post(f"/workbench/policies/{policy.pk}/refund-paid/", {"refunded_on": "2026-03-02"}).status_code == 302
    )
    assert Surrender.objects.get().refunded_on == date(2026, 3, 2)


@pytest.mark.parametrize("path", ["", "surrender/"])
def test_the_policy_pages_are_refused_to_other_insurers_and_staff_without_the_role(counter: Counter, path: str) -> None:
    policy = _policy(counter)
    url = f"/workbench/policies/{policy.pk}/{path}"
    call = "post" if path else "get"
    assert getattr(as_staff(Client(), counter.other_insurer_seller), call)(url).status_code == 404
    assert getattr(as_staff(Client(), counter.compliance), call)(url).status_code == 404
    assert getattr(as_consumer(Client(), counter.buyer), call)(url).status_code == 404
    assert Surrender.objects.count() == 0


def test_the_other_insurers_seller_does_not_see_our_open_sales(client: Client, counter: Counter) -> None:
    sale = counter.sale()
    assert (
        sale.reference
        not in as_staff(client, counter.other_insurer_seller).get("/workbench/suitability/").content.decode()
    )
    assert sale.reference in as_staff(Client(), counter.seller).get("/workbench/suitability/").content.decode()


@pytest.mark.parametrize("path", ["/my/purchases/", "/my/purchases/1/", "/my/policies/1/"])
def test_the_buyers_pages_send_an_anonymous_visitor_to_sign_in(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert "/sign-in/" in response["Location"]


def test_the_declaration_and_policy_forms_refuse_other_insurers_and_staff_without_the_role(
    counter: Counter,
) -> None:
    sale = counter.sale()
    sale_assess_suitability(actor=counter.seller, sale_id=sale.pk, questionnaire=questionnaire(risk=CAREFUL))
    fields = _declaration_fields(as_staff(Client(), counter.seller), sale)
    signed = {**fields, "signed_name": BUYER_NAME, "confirmed": "on"}
    policy = {"number": "P-9", "premium_paid_yuan": "5000", "starts_on": "2026-03-02", "received_on": "2026-03-02"}
    events = AuditEvent.objects.count()
    for intruder in (counter.other_insurer_seller, counter.compliance):
        client = as_staff(Client(), intruder)
        assert client.post(f"/workbench/suitability/{sale.pk}/declaration/", signed).status_code == 404
        assert client.post(f"/workbench/suitability/{sale.pk}/policy/", policy).status_code == 404
    buyer = as_consumer(Client(), counter.buyer)
    assert buyer.post(f"/workbench/suitability/{sale.pk}/declaration/", signed).status_code == 404
    assert Client().post(f"/workbench/suitability/{sale.pk}/declaration/", signed).status_code == 302
    assert BuyerDeclaration.objects.count() == 0
    assert Policy.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_the_open_sales_list_is_refused_to_staff_without_the_role(counter: Counter) -> None:
    assert as_staff(Client(), counter.compliance).get("/workbench/suitability/").status_code == 404
    assert as_staff(Client(), counter.compliance).get("/workbench/policies/").status_code == 404
    assert as_consumer(Client(), counter.buyer).get("/workbench/suitability/").status_code == 404


def test_a_refund_paid_by_another_insurers_staff_changes_nothing(counter: Counter) -> None:
    policy = _policy(counter)
    as_staff(Client(), counter.supervisor).post(f"/workbench/policies/{policy.pk}/surrender/")
    response = as_staff(Client(), counter.other_insurer_seller).post(
        f"/workbench/policies/{policy.pk}/refund-paid/", {"refunded_on": "2026-03-02"}
    )
    assert response.status_code == 404
    assert Surrender.objects.get().refunded_on is None
