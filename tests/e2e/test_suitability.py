"""Suitability in a real browser (issue #16 item 3): a seller signs in and runs the questionnaire with a 68-year-old
buyer in the elder version, taking the extra care of SAL-S4; the product does not suit her, the seller advises
against it, she insists and signs the declaration with her full name. Every page axe-clean; keyboard only."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, sign_in
from tests.support.suitability import BUYER_NAME, open_sale, participating_product
from tests.support.world import PASSWORD, make_tenant
from xiaobao.kernel.actors import Role
from xiaobao.ops import clock
from xiaobao.sales.models import BuyerDeclaration, Sale, SuitabilityAssessment

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

    page.locator("input[name=needs][value=protection]").check()
    page.locator("input[name=drop][value=take_out]").check()
    page.locator("input[name=horizon][value=medium]").check()
    page.locator("input[name=preference][value=sure]").check()
    page.locator("input[name=experience][value=none]").check()
    page.locator("#id_household_income_yuan").fill("60000")
    page.locator("#id_budget_yuan").fill("5000")
    page.locator("input[name=has_similar_cover][value=no]").check()
    page.locator("#id_birth_date").fill(sixty_eight_years_ago())
    page.locator("#id_premium_yuan").fill("6000")
    page.locator("input[name=premium_mode][value=annual]").check()
    page.locator("#id_payment_years").fill("5")
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
