"""An insurer keeps its own products and sales material in a real browser (issue #16; SAL-1, SAL-S1): a
compliance officer adds a product, whose tier follows from its assessments, and registers a leaflet for it;
another compliance officer approves the leaflet from the approvals page; the public product page then lists it,
saying it is insurance with the register entry. Every page is axe-clean.

The pages are read in English (the browser asks for it), so the test reads the words the pages are written in.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import assert_accessible
from tests.support.sales import make_material, make_product, make_salesperson
from tests.support.two_factor import pass_the_code_step
from tests.support.world import PASSWORD, make_tenant
from xiaobao.identity.models import Insurer, Staff
from xiaobao.kernel.actors import Actor, Role
from xiaobao.sales.models import Product, SalesMaterial

SALES = "/workbench/sales"


@dataclass
class Company:
    insurer: Insurer
    registrant: Actor
    approver: str

    @property
    def code(self) -> str:
        return self.insurer.code

    @property
    def registrant_username(self) -> str:
        return Staff.objects.get(pk=self.registrant.staff_id).user.username


@pytest.fixture
def company(transactional_db: None, seeded_calendar: None) -> Company:
    ours = make_tenant("anhe")
    ours.insurer.complaint_phone = "400-000-9501"  # the public product page gives it
    ours.insurer.save()
    _, registrant = ours.staff(Role.COMPLIANCE_OFFICER)
    approver, _ = ours.staff(Role.COMPLIANCE_OFFICER)
    make_salesperson(ours.insurer, name="王销售", practice_number="02000121", grade=2)
    return Company(ours.insurer, registrant, approver.user.username)


@pytest.fixture
def english(browser: Browser, live_server: Any, seeded_calendar: None) -> Iterator[Any]:
    contexts = []

    def open_page() -> Page:
        context = browser.new_context(base_url=live_server.url, locale="en-US")
        contexts.append(context)
        opened = context.new_page()
        opened.set_default_timeout(10_000)
        return opened

    yield open_page
    for context in contexts:
        context.close()


def sign_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    pass_the_code_step(page, username)
    expect(page.get_by_role("link", name="Products, material and sellers", exact=True)).to_be_visible()


def test_a_product_is_kept_and_its_leaflet_registered_then_approved_by_another_person(
    english: Any, company: Company
) -> None:
    page = english()
    sign_in(page, company.registrant_username)
    page.get_by_role("link", name="Products, material and sellers", exact=True).click()
    expect(page.get_by_role("heading", name="Products and tiers")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Add a product").click()
    page.get_by_label("Code in the address").fill("ruifeng")
    page.get_by_label(re.compile(r"^Name")).fill("瑞丰两全保险（分红型）")
    page.get_by_label("Product line").select_option(index=1)
    page.get_by_label("What it covers, in plain words").fill("期满生存给付满期保险金；分红不保证。")
    page.get_by_label("Full terms").fill("第一条 保险责任……")
    page.get_by_label("Number in the product register").fill("〔2025〕两全保险 011 号")
    page.get_by_label("Entry in the financial-product query platform").fill("not an address")
    page.get_by_label("Term in months").fill("120")
    page.get_by_label("Premium burden").select_option(label="high")
    page.get_by_label(re.compile("Benefit not guaranteed")).check()
    page.get_by_role("button", name="Save the product").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved")
    expect(page.get_by_label("Code in the address")).to_have_value("ruifeng")
    expect(page.get_by_label(re.compile("Benefit not guaranteed"))).to_be_checked()
    assert_accessible(page)  # the error summary too
    page.get_by_label("Entry in the financial-product query platform").fill(
        "https://tiaokuan.iachina.example/products/ruifeng"
    )
    page.get_by_role("button", name="Save the product").click()

    expect(page.get_by_role("status")).to_contain_text("Product saved")
    expect(page.get_by_role("heading", name="瑞丰两全保险（分红型）")).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text("tier 3")
    assert_accessible(page)
    product = Product.objects.get(code="ruifeng")
    assert (product.tier, product.term_months, product.uncertain_benefit) == (3, 120, True)

    page.get_by_role("link", name="Sales material", exact=True).click()
    assert_accessible(page)
    page.get_by_label(re.compile(r"^Product")).select_option(label="瑞丰两全保险（分红型）")
    page.get_by_label("Kind of material").select_option(label="leaflet")
    page.get_by_label("Title").fill("瑞丰两全保险 产品说明单页")
    page.get_by_label(re.compile("^Text")).fill("本产品为保险产品。分红不保证，可能为零。")
    page.get_by_role("button", name="Register the material").click()
    expect(page.get_by_role("status")).to_contain_text("Material registered")
    expect(page.locator("dl.facts")).to_contain_text("awaiting approval")
    expect(page.get_by_role("button", name="Approve the material")).to_have_count(0)  # not by its registrant
    expect(page.get_by_role("note").first).to_contain_text("This is an insurance product.")
    assert_accessible(page)
    material = SalesMaterial.objects.get(title="瑞丰两全保险 产品说明单页")

    page.get_by_role("link", name="Salespeople and grades").click()
    expect(page.get_by_role("row", name=re.compile("王销售"))).to_contain_text("tier 2")
    assert_accessible(page)

    approver = english()
    sign_in(approver, company.approver)
    approver.get_by_role("link", name=re.compile("^Approvals")).click()
    assert_accessible(approver)
    approver.get_by_role("link", name=re.compile("瑞丰两全保险 产品说明单页")).click()
    expect(approver.get_by_role("note").first).to_contain_text("〔2025〕两全保险 011 号")
    assert_accessible(approver)
    approver.get_by_role("button", name="Approve the material").click()
    expect(approver.get_by_role("status")).to_contain_text("Material approved")
    material.refresh_from_db()
    assert (material.state, material.decided_by.user.username) == ("approved", company.approver)

    approver.goto(f"/i/{company.code}/products/ruifeng/")
    expect(approver.get_by_text("Benefit not guaranteed:")).to_be_visible()
    assert_accessible(approver)
    approver.get_by_role("link", name="瑞丰两全保险 产品说明单页").click()
    expect(approver.get_by_role("note").first).to_contain_text("This is an insurance product.")
    expect(approver.get_by_role("link", name=re.compile("financial-product query platform"))).to_have_attribute(
        "href", "https://tiaokuan.iachina.example/products/ruifeng"
    )
    assert_accessible(approver)


def test_every_sales_page_is_axe_clean(english: Any, company: Company) -> None:
    page = english()
    sign_in(page, company.registrant_username)
    for path in ("/products/", "/products/add/", "/materials/", "/salespeople/"):
        page.goto(SALES + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
    page.get_by_role("link", name="王销售").click()
    expect(page.get_by_role("heading", name="王销售")).to_be_visible()
    assert_accessible(page)


def test_material_is_approved_by_keyboard(english: Any, company: Company) -> None:
    material = make_material(company.registrant, make_product(company.insurer), title="键盘审批的单页")
    page = english()
    sign_in(page, company.approver)
    page.goto(f"{SALES}/materials/{material.pk}/")
    approve = page.get_by_role("button", name="Approve the material")
    for _ in range(60):
        page.keyboard.press("Tab")
        if approve.evaluate("element => element === document.activeElement"):
            break
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Material approved")
    material.refresh_from_db()
    assert material.state == "approved"
