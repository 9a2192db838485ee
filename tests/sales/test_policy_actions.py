"""Policies and the cooling-off period (issue #16 item 5): issued only once suitability is settled; a surrender on
the last day is refunded in full minus the contract's deduction on a clock of its own, the day after takes the
cash-value path; the refund clock is reminded, escalated, met or missed; nothing twice; only the holder or staff."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.conftest import World
from tests.support.clock import SettableClock
from tests.support.matrix import Cast, assert_matrix
from tests.support.suitability import CAREFUL, Counter, make_counter, questionnaire
from xiaobao.audit.models import AuditEvent
from xiaobao.identity.actors import actor_for_user
from xiaobao.kernel.actors import Actor, Role
from xiaobao.notifications.models import Notification
from xiaobao.sales.domain.suitability import DeclarationRequired
from xiaobao.sales.models import Policy, RefundDeadline, Sale, SuitabilityAssessment, Surrender
from xiaobao.sales.policies.actions import (
    NewPolicy,
    policy_issue,
    policy_surrender,
    refunds_sweep,
    surrender_refund_paid,
)
from xiaobao.sales.suitability.actions import sale_assess_suitability

pytestmark = pytest.mark.django_db


@pytest.fixture
def counter(world: World, clock: SettableClock) -> Counter:
    clock.set("2026-03-01 10:00")
    return make_counter(world)


def holder_actor(counter: Counter) -> Actor:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username=f"holder-{counter.buyer.pk}", password="x" * 12)
    counter.buyer.user = user
    counter.buyer.save(update_fields=["user"])
    return actor_for_user(user)


def assessed_sale(counter: Counter) -> Sale:
    sale = counter.sale()
    sale_assess_suitability(actor=counter.seller, sale_id=sale.pk, questionnaire=questionnaire())
    return sale


NEW = NewPolicy(
    number="P-2026-0001", premium_paid_yuan=Decimal("5000.00"), starts_on=date(2026, 3, 1), received_on=date(2026, 3, 1)
)


def issued(counter: Counter, **changes: object) -> Policy:
    from dataclasses import replace

    return policy_issue(actor=counter.seller, sale_id=assessed_sale(counter).pk, data=replace(NEW, **changes))


def test_a_policy_counts_its_cooling_off_from_the_day_after_it_is_signed_for(counter: Counter) -> None:
    policy = issued(counter)
    assert policy.cooling_off_ends == date(2026, 3, 16)
    assert policy.holder_id == counter.buyer.pk


def test_a_policy_is_not_issued_while_the_buyers_declaration_is_missing(counter: Counter) -> None:
    sale = counter.sale()
    sale_assess_suitability(actor=counter.seller, sale_id=sale.pk, questionnaire=questionnaire(risk=CAREFUL))
    with pytest.raises(DeclarationRequired):
        policy_issue(actor=counter.seller, sale_id=sale.pk, data=NEW)
    assert Policy.objects.count() == 0


def test_issuing_a_policy_sets_the_suitability_record_five_years_after_the_contract_ends(counter: Counter) -> None:
    counter.product.term_months = 12
    counter.product.save(update_fields=["term_months"])
    policy = issued(counter)
    assert policy.ends_on == date(2027, 2, 28)
    assert SuitabilityAssessment.objects.get(sale=policy.sale).kept_until == date(2032, 2, 28)


def test_issuing_twice_is_one_policy(counter: Counter) -> None:
    sale = assessed_sale(counter)
    first = policy_issue(actor=counter.seller, sale_id=sale.pk, data=NEW)
    again = policy_issue(actor=counter.seller, sale_id=sale.pk, data=NEW)
    assert again.pk == first.pk
    assert Policy.objects.count() == 1


def test_a_surrender_on_the_last_day_is_refunded_in_full_minus_the_contracts_deduction(
    counter: Counter, clock: SettableClock
) -> None:
    policy = issued(counter)
    clock.set("2026-03-16 23:00")
    surrender = policy_surrender(actor=holder_actor(counter), policy_id=policy.pk)
    assert surrender.path == "cooling_off_refund"
    assert surrender.refund_yuan == Decimal("4990.00")
    deadline = RefundDeadline.objects.get(surrender=surrender)
    assert (deadline.start, deadline.due, deadline.state) == (date(2026, 3, 16), date(2026, 4, 15), "running")


def test_a_surrender_the_day_after_takes_the_cash_value_path_with_no_refund_clock(
    counter: Counter, clock: SettableClock
) -> None:
    policy = issued(counter)
    clock.set("2026-03-17 08:00")
    surrender = policy_surrender(actor=holder_actor(counter), policy_id=policy.pk)
    assert surrender.path == "cash_value"
    assert surrender.refund_yuan is None
    assert RefundDeadline.objects.count() == 0


def test_a_surrender_asked_twice_is_one_surrender_one_clock_one_event(counter: Counter) -> None:
    policy = issued(counter)
    holder = holder_actor(counter)
    policy_surrender(actor=holder, policy_id=policy.pk)
    policy_surrender(actor=holder, policy_id=policy.pk)
    assert Surrender.objects.count() == 1
    assert RefundDeadline.objects.count() == 1
    assert AuditEvent.objects.filter(event_type="sales.surrender_requested", subject_id=str(policy.pk)).count() == 1


def test_only_the_holder_or_the_insurers_policy_staff_ask_for_a_surrender(world: World, counter: Counter) -> None:
    cast = Cast.build(world, Role.HANDLER)

    def given() -> Policy:
        return issued(counter, number=f"P-{Policy.objects.count() + 1}")

    def attempt(actor: Actor, policy: Policy) -> Surrender:
        return policy_surrender(actor=actor, policy_id=policy.pk)

    # the cast's consumer is not the holder: refused like everyone but the staff with the role
    assert_matrix(cast, attempt, allowed={"staff_with_role"}, given=given)


def test_the_refund_paid_by_its_due_date_meets_its_clock(counter: Counter, clock: SettableClock) -> None:
    policy = issued(counter)
    surrender = policy_surrender(actor=counter.seller, policy_id=policy.pk)
    clock.set("2026-03-20 10:00")
    surrender_refund_paid(actor=counter.supervisor, policy_id=policy.pk, refunded_on=date(2026, 3, 20))
    deadline = RefundDeadline.objects.get(surrender=surrender)
    assert (deadline.state, deadline.active) == ("met", False)


def test_the_refund_paid_late_misses_its_clock(counter: Counter, clock: SettableClock) -> None:
    policy = issued(counter)
    surrender = policy_surrender(actor=counter.seller, policy_id=policy.pk)
    clock.set("2026-04-05 10:00")
    surrender_refund_paid(actor=counter.supervisor, policy_id=policy.pk, refunded_on=date(2026, 4, 5))
    assert RefundDeadline.objects.get(surrender=surrender).state == "missed"


def test_the_sweep_reminds_before_the_refund_is_due_and_escalates_once_overdue(
    counter: Counter, clock: SettableClock
) -> None:
    policy = issued(counter)
    policy_surrender(actor=counter.seller, policy_id=policy.pk)  # due 2026-03-31
    clock.set("2026-03-27 10:00")
    assert refunds_sweep(reminder_days=(5, 2)).reminded == 1
    assert refunds_sweep(reminder_days=(5, 2)).reminded == 0  # each reminder once
    clock.set("2026-04-01 10:00")
    assert refunds_sweep(reminder_days=(5, 2)).escalated == 1
    assert Notification.objects.filter(purpose="refund_deadline_overdue").exists()


def test_only_policy_staff_of_the_insurer_issue_a_policy(world: World, counter: Counter) -> None:
    cast = Cast.build(world, Role.HANDLER)

    def attempt(actor: Actor, sale: Sale) -> Policy:
        return policy_issue(actor=actor, sale_id=sale.pk, data=NEW)

    assert_matrix(cast, attempt, allowed={"staff_with_role"}, given=lambda: assessed_sale(counter))


def test_the_sale_records_count_from_the_policys_own_end(counter: Counter) -> None:
    from xiaobao.sales.selectors import contract_end

    counter.product.term_months = 12
    counter.product.save(update_fields=["term_months"])
    policy = issued(counter)
    assert contract_end(policy.sale) == date(2027, 2, 28) == policy.ends_on


def test_a_surrender_in_the_cooling_off_period_ends_the_contract_that_day(
    counter: Counter, clock: SettableClock
) -> None:
    from xiaobao.sales.selectors import contract_end

    policy = issued(counter)
    clock.set("2026-03-10 09:00")
    policy_surrender(actor=holder_actor(counter), policy_id=policy.pk)
    assert contract_end(policy.sale) == date(2026, 3, 10)
