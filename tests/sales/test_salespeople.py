"""SAL-S1: the insurer keeps its salespeople — its staff and its agents' people — with grades; a sale of a
tier above the seller's grade is refused, at and below it allowed."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import World
from tests.support.matrix import Cast, assert_matrix
from tests.support.sales import make_product, make_salesperson
from xiaobao.audit.models import AuditEvent
from xiaobao.identity.models import Partner
from xiaobao.kernel.actors import SYSTEM, Actor, Role
from xiaobao.kernel.errors import InvalidInput, NotFound
from xiaobao.sales.actions import salesperson_save
from xiaobao.sales.domain.grades import SellerGradeTooLow, SellerNotActive
from xiaobao.sales.models import Salesperson
from xiaobao.sales.selectors import seller_for_sale

pytestmark = pytest.mark.django_db


def test_a_junior_seller_is_refused_a_tier_3_product(world: World) -> None:
    product = make_product(world.ours.insurer, investment_linked=True)
    seller = make_salesperson(world.ours.insurer, grade=1)
    with pytest.raises(SellerGradeTooLow) as refused:
        seller_for_sale(SYSTEM, insurer_id=world.ours.insurer.pk, seller_id=seller.pk, product=product)
    assert refused.value.params["needed"] == 3


def test_a_seller_sells_at_and_below_their_grade(world: World) -> None:
    simple = make_product(world.ours.insurer, code="simple")
    middle = make_product(world.ours.insurer, code="middle", uncertain_benefit=True)
    seller = make_salesperson(world.ours.insurer, grade=2)
    for product in (simple, middle):
        assert seller_for_sale(SYSTEM, insurer_id=world.ours.insurer.pk, seller_id=seller.pk, product=product) == seller


def test_an_inactive_seller_sells_nothing(world: World) -> None:
    product = make_product(world.ours.insurer)
    seller = make_salesperson(world.ours.insurer, grade=3, active=False)
    with pytest.raises(SellerNotActive):
        seller_for_sale(SYSTEM, insurer_id=world.ours.insurer.pk, seller_id=seller.pk, product=product)


def test_another_insurers_seller_is_not_found(world: World) -> None:
    product = make_product(world.ours.insurer)
    theirs = make_salesperson(world.theirs.insurer, grade=3)
    with pytest.raises(NotFound):
        seller_for_sale(SYSTEM, insurer_id=world.ours.insurer.pk, seller_id=theirs.pk, product=product)
    with pytest.raises(NotFound):
        seller_for_sale(world.theirs.staff()[1], insurer_id=world.ours.insurer.pk, seller_id=1, product=product)


def test_an_agents_person_is_kept_with_the_agent(world: World) -> None:
    agent = world.ours.partner(Partner.AGENT)
    seller = make_salesperson(world.ours.insurer, partner=agent, practice_number="A-1")
    assert seller.partner_id == agent.pk
    event = AuditEvent.objects.get(event_type="sales.salesperson_added")
    assert event.new_values["partner"] == agent.pk
    assert event.new_values["name"] != "王销售"  # masked in the log


def test_another_insurers_agent_or_an_outsourcer_is_refused(world: World) -> None:
    with pytest.raises(NotFound):
        make_salesperson(world.ours.insurer, partner=world.theirs.partner(Partner.AGENT))
    with pytest.raises(NotFound):
        make_salesperson(world.ours.insurer, partner=world.ours.partner(Partner.OUTSOURCER))
    assert not Salesperson.objects.exists()


def test_a_grade_outside_the_table_is_refused(world: World) -> None:
    with pytest.raises(InvalidInput):
        make_salesperson(world.ours.insurer, grade=4)
    assert not Salesperson.objects.exists()


def test_only_administrators_and_compliance_keep_salespeople(world: World) -> None:
    cast = Cast.build(world, Role.COMPLIANCE_OFFICER)
    numbers = iter(range(100, 200))

    def add(actor: Actor) -> Salesperson:
        person = Salesperson(insurer=world.ours.insurer, name="赵销售", practice_number=str(next(numbers)), grade=2)
        return salesperson_save(actor=actor, salesperson=person)

    assert_matrix(cast, add, {"staff_with_role"})


def test_a_grade_change_is_audited(world: World) -> None:
    seller = make_salesperson(world.ours.insurer)
    _, compliance = world.ours.staff(Role.COMPLIANCE_OFFICER)
    seller.grade = 3
    salesperson_save(actor=compliance, salesperson=seller)
    event = AuditEvent.objects.get(event_type="sales.salesperson_changed")
    assert (event.old_values, event.new_values) == ({"grade": 1}, {"grade": 3})


def test_a_deployments_own_grade_table_is_honoured(world: World, settings: Any) -> None:
    settings.XIAOBAO_SALES_GRADE_TIERS = {2: 1}  # this insurer's grade 2 sells tier 1 only
    middle = make_product(world.ours.insurer, uncertain_benefit=True)
    seller = make_salesperson(world.ours.insurer, grade=2)
    with pytest.raises(SellerGradeTooLow) as refused:
        seller_for_sale(SYSTEM, insurer_id=world.ours.insurer.pk, seller_id=seller.pk, product=middle)
    assert refused.value.params["needed"] == 3
