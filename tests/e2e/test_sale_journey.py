"""A whole sale in a real browser (issue #16): a staff seller (agents' salespeople sell through their own sales
systems and the API: an agent has no workbench sign-in) starts a face-to-face sale with a 68-year-old buyer in the
elder version, runs the questionnaire; the product does not suit her, she insists and signs the declaration; the
recording is uploaded, the sale completed and the policy issued. Compliance draws the sample — the sale is high-risk, so it is in it —
replays it (the pages shown, the declaration, the recording's link) and records a finding. Every page axe-clean."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import assert_accessible, sign_in
from tests.support.sale_sessions import VIDEO
from tests.support.suitability import BUYER_NAME, answer_as_a_careful_buyer_wanting_cover, participating_product
from tests.support.world import PASSWORD, make_tenant
from xiaobao.kernel.actors import Role
from xiaobao.ops import clock
from xiaobao.sales.models import BuyerDeclaration, Policy, QualityCheck, Sale, SaleEvent, Salesperson

pytestmark = pytest.mark.browser

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def born_68_years_ago() -> date:
    today = clock.today()
    return date(today.year - 68, 1, 10 if today >= date(today.year, 1, 10) else 1)


def resident_id(born: date) -> str:
    base = f"110105{born:%Y%m%d}004"
    return base + "10X98765432"[sum(int(digit) * weight for digit, weight in zip(base, WEIGHTS, strict=True)) % 11]


@pytest.fixture
def counter(transactional_db: None, seeded_calendar: None, settings: Any, tmp_path: Path) -> dict[str, Any]:
    settings.MEDIA_ROOT = tmp_path
    tenant = make_tenant("anhe")
    seller, _ = tenant.staff(Role.HANDLER)
    Salesperson.objects.create(insurer=tenant.insurer, staff=seller, name="赵销售", practice_number="S-68", grade=3)
    compliance, _ = tenant.staff(Role.COMPLIANCE_OFFICER)
    product = participating_product(tenant.insurer)
    return {"seller": seller.user.username, "compliance": compliance.user.username, "product": product}


def press_enter_on(page: Page, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).press("Enter")


def test_a_sale_to_a_buyer_of_68_who_insists_is_recorded_sampled_and_replayed(
    browser: Browser, live_server: Any, counter: dict[str, Any]
) -> None:
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, counter["seller"], PASSWORD)
    page.goto("/workbench/sales/start/")
    with page.expect_navigation():  # the buyer reads along: the elder version
        page.locator("form.elder-switch button[value=on]").click()
    expect(page.locator("body")).to_have_class("elder")
    assert_accessible(page)

    born = born_68_years_ago()
    page.locator("#id_product").select_option(str(counter["product"].pk))
    page.locator("#id_name").fill(BUYER_NAME)
    page.locator("#id_resident_id").fill(resident_id(born))
    page.locator("#id_phone").fill("13800138068")
    page.locator("#id_buyer_age").fill("68")
    press_enter_on(page, "#id_buyer_age")
    sale = Sale.objects.get()
    expect(page.locator("h1")).to_be_visible()
    assert_accessible(page)

    # the questionnaire: she is careful, the product's benefit is not guaranteed; the extra care at 65+
    answer_as_a_careful_buyer_wanting_cover(page, born.isoformat())
    page.locator("input[name=elder_care][value=second_explanation]").check()
    page.locator("input[name=elder_care][value=companion]").check()
    page.locator("input[name=companion_present][value=yes]").check()
    press_enter_on(page, "#id_payment_years")
    expect(page.locator(".result-advise_against")).to_be_visible()
    assert_accessible(page)

    # she insists and signs
    page.locator("#id_signed_name").fill(BUYER_NAME)
    page.locator("#id_confirmed").check()
    press_enter_on(page, "#id_signed_name")
    assert BuyerDeclaration.objects.filter(assessment__sale=sale).exists()
    assert_accessible(page)

    # the sale desk: the pages she saw are kept; completing without the recording is refused
    page.get_by_role("link", name=re.compile("sale desk|销售台|To the sale desk")).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("#pages-shown li")).to_have_count(SaleEvent.objects.filter(sale=sale).count())
    assert SaleEvent.objects.filter(sale=sale, kind="page_shown").count() >= 3
    assert_accessible(page)
    press_enter_on(page, "form[action$='/desk/complete/'] button")
    sale.refresh_from_db()
    assert sale.completed_at is None
    expect(page.locator("#missing")).to_contain_text("SAL-R1")
    assert_accessible(page)

    page.locator("#id_file").set_input_files({"name": "sale.mp4", "mimeType": "video/mp4", "buffer": VIDEO})
    page.locator("#id_media_type").select_option("video/mp4")
    page.locator("#id_duration_seconds").fill("620")
    press_enter_on(page, "#id_duration_seconds")
    expect(page.locator("#desk-recordings")).to_contain_text("SHA-256")
    press_enter_on(page, "form[action$='/desk/complete/'] button")
    sale.refresh_from_db()
    assert sale.completed_at is not None
    assert_accessible(page)

    # the policy, from the suitability result the desk links to
    with page.expect_navigation():
        page.locator("main a[href$='/result/']").last.click()
    page.locator("#id_number").fill("P-2026-068")
    page.locator("#id_starts_on").fill(clock.today().isoformat())
    page.locator("#id_received_on").fill(clock.today().isoformat())
    press_enter_on(page, "#id_received_on")
    assert Policy.objects.get(sale=sale).number == "P-2026-068"
    assert_accessible(page)
    context.close()

    # compliance draws today's sample: a buyer of 68 and an uncertain-benefit product she insisted on
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, counter["compliance"], PASSWORD)
    page.goto("/workbench/sales/quality/")
    assert_accessible(page)
    today = clock.today().isoformat()
    page.locator("#period_start").fill(today)
    page.locator("#period_end").fill(today)
    press_enter_on(page, "#period_end")
    check = QualityCheck.objects.get(sale=sale)
    assert check.reason == "high_risk"
    assert set(check.risks) >= {"buyer_65_or_more", "uncertain_benefit_with_declaration"}
    expect(page.locator("#quality-queue")).to_contain_text(sale.reference)
    assert_accessible(page)

    with page.expect_navigation():
        page.get_by_role("link", name=sale.reference).click()
    expect(page.locator("#chain-state")).not_to_contain_text("broken")
    expect(page.locator("#event-1")).to_contain_text("SHA-256")
    expect(page.frame_locator("#event-1 iframe").locator("h1")).to_be_visible()
    expect(page.locator("#declaration")).to_contain_text(sale.product.name)
    recording_link = page.locator("#recordings a").first
    expect(recording_link).to_have_attribute("href", re.compile(r"/recordings/\d+/$"))
    assert page.request.get(recording_link.get_attribute("href") or "").status == 200
    assert_accessible(page)
    page.locator("#finding-passed").focus()
    page.keyboard.press("Space")
    page.locator("#notes").fill("老年客户：已二次讲解并有家属陪同；坚持购买声明已签")
    press_enter_on(page, "#finding-form button[type=submit]")
    check.refresh_from_db()
    assert check.finding == "passed"
    assert_accessible(page)
