"""An insurer's administrator runs their company in a real browser (#14 item 4): adds a staff member and a partner
key whose secret is shown once; the other insurer's administrator sees neither. Every page is axe-clean and
works by keyboard.

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
from tests.support.two_factor import pass_the_code_step
from tests.support.world import PASSWORD, make_tenant
from xiaobao.identity.actions import partner_create, service_point_save
from xiaobao.identity.actors import actor_for_partner_key
from xiaobao.identity.models import Partner, PartnerKey, ServicePoint, Staff
from xiaobao.kernel.actors import SYSTEM, Role

ADMIN = "/workbench/administration"


@dataclass
class Companies:
    ours_admin: str
    theirs_admin: str
    partner: Partner


@pytest.fixture
def companies(transactional_db: None, seeded_calendar: None) -> Companies:
    ours, theirs = make_tenant("anhe"), make_tenant("other")
    ours_admin, _ = ours.staff(Role.ADMINISTRATOR)
    theirs_admin, _ = theirs.staff(Role.ADMINISTRATOR)
    partner = partner_create(
        actor=SYSTEM, insurer_id=ours.insurer.pk, kind=Partner.AGENT, code="AG-1", name="安和代理有限公司"
    )
    service_point_save(
        actor=SYSTEM,
        point=ServicePoint(insurer=ours.insurer, name="和平区柜台", address="沈阳市和平区", hours="8:30–17:00"),
        changed_by="test",
    )
    return Companies(ours_admin.user.username, theirs_admin.user.username, partner)


@pytest.fixture
def english(browser: Browser, live_server: Any, seeded_calendar: None) -> Iterator[Any]:
    """A new browser session asking for English, per person signed in."""
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
    expect(page.get_by_role("link", name="Administration")).to_be_visible()


def test_an_administrator_adds_a_staff_member_and_a_partner_key_the_other_insurer_sees_neither(
    english: Any, companies: Companies
) -> None:
    page = english()
    sign_in(page, companies.ours_admin)
    page.get_by_role("link", name="Administration").click()
    expect(page.get_by_role("heading", name=re.compile("Administration of"))).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Staff and roles").click()
    assert_accessible(page)
    page.get_by_label(re.compile(r"^Name\b")).fill("李敏")
    page.get_by_label("User name (to sign in)").fill("li.min")
    page.get_by_label("Initial password").fill("short")  # refused: too short, nothing else lost
    page.get_by_label("Branch").select_option(label="Shenyang (city branch)")
    page.get_by_label("complaint handler / claims adjuster").check()
    page.get_by_role("button", name="Add the staff member").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved")
    expect(page.get_by_label("User name (to sign in)")).to_have_value("li.min")
    expect(page.get_by_label("complaint handler / claims adjuster")).to_be_checked()
    assert_accessible(page)  # the error summary too
    page.get_by_role("link", name=re.compile("Initial password")).click()  # the summary leads to the field
    expect(page.get_by_label("Initial password")).to_be_focused()
    page.keyboard.type("a-long-first-password")
    page.get_by_role("button", name="Add the staff member").click()

    expect(page.get_by_role("status")).to_contain_text("li.min")
    expect(page.get_by_role("heading", name="李敏")).to_be_visible()
    assert_accessible(page)
    added = Staff.objects.get(user__username="li.min")
    assert list(added.role_grants.values_list("role", flat=True)) == ["handler"]

    page.goto(f"{ADMIN}/partners/")
    assert_accessible(page)
    page.get_by_role("link", name="安和代理有限公司").click()
    assert_accessible(page)
    page.get_by_label("What the key is for").fill("agent case system")
    page.get_by_role("button", name="Issue the key").click()
    secret = page.get_by_label("API key").input_value()
    assert actor_for_partner_key(secret) is not None
    expect(page.locator("#issued-key")).to_contain_text("shown this once only")
    assert_accessible(page)
    key = PartnerKey.objects.get(partner=companies.partner, label="agent case system")
    page.goto(f"{ADMIN}/partners/{companies.partner.pk}/")  # shown once: not on the page again
    expect(page.get_by_label("API key")).to_have_count(0)
    assert secret not in page.content()
    expect(page.get_by_role("row", name=re.compile(key.prefix))).to_contain_text("in use")

    intruder = english()
    sign_in(intruder, companies.theirs_admin)
    intruder.goto(f"{ADMIN}/staff/")
    expect(intruder.get_by_role("heading", name="Staff and roles")).to_be_visible()
    assert "李敏" not in intruder.content()
    intruder.goto(f"{ADMIN}/partners/")
    assert "安和代理有限公司" not in intruder.content()
    for path in (f"/staff/{added.pk}/", f"/partners/{companies.partner.pk}/"):
        answer = intruder.goto(ADMIN + path)
        assert answer is not None
        assert answer.status == 404


def test_every_administration_page_is_axe_clean(english: Any, companies: Companies) -> None:
    page = english()
    sign_in(page, companies.ours_admin)
    for path in (
        "/branches/",
        "/counters/",
        "/checklists/",
        "/checklists/medical/hospitalisation/",
        "/checklists/medical/hospitalisation/en/",
        f"/staff/{Staff.objects.get(user__username=companies.ours_admin).pk}/",
        f"/counters/{ServicePoint.objects.get(name='和平区柜台').pk}/",
    ):
        page.goto(ADMIN + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)


def test_the_administration_works_by_keyboard(english: Any, companies: Companies) -> None:
    page = english()
    sign_in(page, companies.ours_admin)
    administration = page.get_by_role("link", name="Administration")
    for _ in range(30):
        page.keyboard.press("Tab")
        if administration.evaluate("element => element === document.activeElement"):
            break
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("Administration of"))).to_be_visible()

    page.goto(f"{ADMIN}/branches/")
    page.get_by_label(re.compile(r"^Code\b")).focus()
    page.keyboard.type("TX")
    page.keyboard.press("Tab")
    page.keyboard.type("Tiexi")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Level")).to_be_focused()
    page.get_by_label("Level").select_option(label="city branch")
    page.keyboard.press("Tab")
    expect(page.get_by_label("The office it reports to")).to_be_focused()
    page.get_by_label("The office it reports to").select_option(label="Liaoning (provincial branch)")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Add the branch")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Branch added")
    expect(page.get_by_role("row", name=re.compile("Tiexi"))).to_contain_text("Liaoning")
