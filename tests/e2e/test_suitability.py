"""Suitability in a real browser (issue #16 item 3): a seller signs in and runs the questionnaire with a 68-year-old
buyer in the elder version, taking the extra care of SAL-S4; the product does not suit her, the seller advises
against it, she insists and signs the declaration with her full name. Every page axe-clean; keyboard only."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, sign_in
from tests.portal.conftest import latest_code
from tests.support.suitability import (
    BUYER_NAME,
    CAREFUL,
    answer_as_a_careful_buyer_wanting_cover,
    open_sale,
    participating_product,
    questionnaire,
)
from tests.support.world import PASSWORD, make_tenant
from xiaobao.kernel.actors import Role
from xiaobao.ops import clock
from xiaobao.sales.models import BuyerDeclaration, Policy, Sale, SuitabilityAssessment, Surrender
from xiaobao.sales.policies.actions import NewPolicy, policy_issue
from xiaobao.sales.suitability.actions import sale_assess_suitability, sale_declare_own_choice
from xiaobao.sales.suitability.selectors import declaration_text, text_sha256

pytestmark = pytest.mark.browser


@pytest.fixture
def sale_at_the_counter(transactional_db: None, seeded_calendar: None) -> tuple[str, Sale]:
    tenant = make_tenant("anhe")
    seller, _ = tenant.staff(Role.HANDLER)
    buyer = tenant.consumer(name=BUYER_NAME, phone="13800138068")
    sale = open_sale(tenant, buyer, participating_product(tenant.insurer), buyer_age=68)
    return seller.user.username, sale


def sixty_eight_years_ago() -> str:
    today = clock.today()
    return date(today.year - 68, 1, 10 if today >= date(today.year, 1, 10) else 1).isoformat()


def test_a_seller_runs_the_questionnaire_with_a_buyer_of_68_who_insists_and_signs(
    page: Page, sale_at_the_counter: tuple[str, Sale]
) -> None:
    username, sale = sale_at_the_counter
    sign_in(page, username, PASSWORD)
    page.goto("/workbench/suitability/")
    assert_accessible(page)
    page.get_by_role("link", name=sale.reference).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # the buyer reads along: the elder version, larger text
    with page.expect_navigation():
        page.locator("form.elder-switch button[value=on]").click()
    expect(page.locator("body")).to_have_class("elder")
    assert_accessible(page)

    answer_as_a_careful_buyer_wanting_cover(page, sixty_eight_years_ago())
    # the extra care at 65+ (SAL-S4) forgotten first: refused, and nothing typed is lost
    with page.expect_navigation():
        page.locator("#id_payment_years").press("Enter")
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#id_budget_yuan")).to_have_value("5000")
    assert SuitabilityAssessment.objects.count() == 0
    assert_accessible(page)

    page.locator("input[name=elder_care][value=second_explanation]").check()
    page.locator("input[name=elder_care][value=companion]").check()
    page.locator("input[name=companion_present][value=yes]").check()
    with page.expect_navigation():
        page.locator("#id_payment_years").press("Enter")

    # the result: advise against, with the reasons and their rule ids
    expect(page.locator(".result-advise_against")).to_be_visible()
    expect(page.locator("main")).to_contain_text("SAL-S3")
    expect(page.locator("main")).to_contain_text("SAL-S4")
    assert_accessible(page)
    assessment = SuitabilityAssessment.objects.get(sale=sale)
    assert assessment.advised_against
    assert assessment.buyer_age == 68

    # she insists, and signs: her full name typed, the box ticked
    page.locator("#id_signed_name").fill(BUYER_NAME)
    page.locator("#id_confirmed").check()
    with page.expect_navigation():
        page.locator("#id_signed_name").press("Enter")
    declaration = BuyerDeclaration.objects.get(assessment=assessment)
    assert "risk_above_profile" in declaration.covers
    expect(page.locator(".declaration")).to_contain_text(sale.product.name)
    expect(page.locator("#id_signed_name")).to_have_count(0)
    assert_accessible(page)


@pytest.fixture
def holder_with_a_policy(transactional_db: None, seeded_calendar: None) -> tuple[str, Policy, str]:
    """A buyer who insisted on a product that did not suit her, signed, and holds the policy (signed for today)."""
    tenant = make_tenant("anhe")
    seller_staff, seller = tenant.staff(Role.HANDLER)
    buyer = tenant.consumer(name=BUYER_NAME, phone="13800138069")
    sale = open_sale(tenant, buyer, participating_product(tenant.insurer))
    assessment = sale_assess_suitability(actor=seller, sale_id=sale.pk, questionnaire=questionnaire(risk=CAREFUL))
    text = declaration_text(assessment, "zh-hans")
    sale_declare_own_choice(
        actor=seller,
        sale_id=sale.pk,
        signed_name=BUYER_NAME,
        confirmed=True,
        shown_sha256=text_sha256(text),
        language="zh-hans",
    )
    today = clock.today()
    policy = policy_issue(
        actor=seller,
        sale_id=sale.pk,
        data=NewPolicy(number="P-2026-0068", premium_paid_yuan=Decimal("5000.00"), starts_on=today, received_on=today),
    )
    return "13800138069", policy, seller_staff.user.username


def test_the_buyer_reads_her_declaration_and_cancels_in_the_cooling_off_period(
    page: Page, holder_with_a_policy: tuple[str, Policy, str]
) -> None:
    phone, policy, _ = holder_with_a_policy
    page.goto("/sign-in/?next=/my/purchases/")
    page.locator("input[name=phone]").fill(phone)
    page.locator("input[name=phone]").press("Enter")
    page.locator("input[name=code]").fill(latest_code("verification_code"))
    page.locator("input[name=code]").press("Enter")
    page.wait_for_url("**/my/purchases/")
    assert_accessible(page)

    with page.expect_navigation():
        page.get_by_role("link", name=policy.product.name).click()
    expect(page.locator(".declaration")).to_contain_text(policy.product.name)
    assert_accessible(page)

    page.goto("/my/purchases/")
    with page.expect_navigation():
        page.get_by_role("link", name=policy.number).click()
    assert_accessible(page)
    page.locator("#confirm-cancel").check()
    with page.expect_navigation():
        page.locator("#confirm-cancel").press("Enter")
    surrender = Surrender.objects.get(policy=policy)
    assert surrender.path == "cooling_off_refund"
    expect(page.locator("main")).to_contain_text("4990.00")
    assert_accessible(page)


def test_policy_staff_follow_the_refund_on_accessible_pages(
    page: Page, holder_with_a_policy: tuple[str, Policy, str]
) -> None:
    _, policy, username = holder_with_a_policy
    sign_in(page, username, PASSWORD)
    page.goto(f"/workbench/suitability/{policy.sale_id}/result/")
    assert_accessible(page)
    page.goto("/workbench/policies/")
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name=policy.number).click()
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("surrender|解除")).click()
    assert Surrender.objects.filter(policy=policy).exists()
    assert_accessible(page)
    with page.expect_navigation():
        page.locator("#id_refunded_on").press("Enter")
    assert Surrender.objects.get(policy=policy).refunded_on == clock.today()
    assert_accessible(page)
