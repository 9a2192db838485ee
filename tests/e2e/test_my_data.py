"""Data rights in a real browser (issue #19): a consumer signs in with her phone, reads all her data, downloads it
and asks for a correction by keyboard; compliance staff grant it from their queue. Every page axe-clean in
Simplified Chinese and English."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.conftest import World
from tests.e2e.conftest import assert_accessible
from tests.portal.conftest import latest_code
from tests.rights.conftest import make_person
from tests.support.two_factor import pass_the_code_step
from tests.support.world import PASSWORD, make_tenant
from xiaobao.kernel.actors import Role
from xiaobao.rights.models import DataRequest

pytestmark = pytest.mark.browser


@pytest.fixture
def people(transactional_db: None, seeded_calendar: None) -> tuple[World, Any]:
    world = World(ours=make_tenant("ours"), theirs=make_tenant("theirs"))
    with transaction.atomic():  # consumer_relate runs inside its caller's transaction
        alice = make_person(world, name="欧阳娜娜", phone="13700001111", marker="ALICE", with_file=True)
        make_person(world, name="司马相如", phone="13600002222", marker="BOBBY", with_file=False)
    return world, alice


def _context(browser: Browser, base_url: str, language: str) -> BrowserContext:
    context = browser.new_context(base_url=base_url, locale="zh-CN")
    host = base_url.split("//")[1].split(":", maxsplit=1)[0]
    context.add_cookies([{"name": "django_language", "value": language, "domain": host, "path": "/"}])
    context.set_default_timeout(10_000)
    return context


def _signed_in(page: Page, phone: str) -> None:
    page.goto("/sign-in/?next=/my/data/")
    page.locator("input[name=phone]").fill(phone)
    page.locator("input[name=phone]").press("Enter")
    page.locator("input[name=code]").fill(latest_code("verification_code"))
    page.locator("input[name=code]").press("Enter")
    page.wait_for_url("**/my/data/")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_consumer_reads_downloads_and_corrects_her_data(
    browser: Browser, live_server: Any, people: tuple[World, Any], language: str
) -> None:
    world, alice = people
    context = _context(browser, live_server.url, language)
    page = context.new_page()
    _signed_in(page, alice.phone)
    expect(page.locator("h1")).to_be_visible()
    assert alice.name in page.content()
    assert "司马相如" not in page.content()
    assert_accessible(page)
    with page.expect_download() as download:
        page.locator("a[href='/my/data/export.json']").click()
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert [p["name"] for p in data["people"]] == [alice.name]
    # a correction sent by keyboard, once rejected (no value) then sent
    page.locator("#id_correct-field").select_option("name")
    page.locator("#id_correct-value").press("Enter")
    expect(page.locator("#form-errors")).to_be_visible()
    assert_accessible(page)
    page.locator("#id_correct-value").fill("欧阳娜")
    page.locator("#id_correct-value").press("Enter")
    expect(page.locator(".messages")).to_be_visible()
    assert_accessible(page)
    assert DataRequest.objects.filter(consumer=alice.consumer).count() == 2
    context.close()

    # compliance of one insurer grants it from the queue
    officer, _ = world.ours.staff(Role.COMPLIANCE_OFFICER)
    desk = _context(browser, live_server.url, language)
    staff_page = desk.new_page()
    staff_page.goto("/accounts/login/")
    staff_page.locator("input[name=username]").fill(officer.user.username)
    staff_page.locator("input[name=password]").fill(PASSWORD)
    with staff_page.expect_navigation():
        staff_page.locator("input[name=password]").press("Enter")
    pass_the_code_step(staff_page, officer.user.username)  # staff sign in with a second factor
    staff_page.goto("/workbench/data-requests/")
    assert_accessible(staff_page)
    staff_page.locator("form[action$='/accept/'] button").first.click()
    expect(staff_page.locator(".messages")).to_be_visible()
    assert_accessible(staff_page)
    assert DataRequest.objects.filter(consumer=alice.consumer, state="accepted").count() == 1
    desk.close()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_new_phone_is_proved_by_its_code_on_the_page_by_keyboard(
    browser: Browser, live_server: Any, people: tuple[World, Any], language: str
) -> None:
    _, alice = people
    context = _context(browser, live_server.url, language)
    page = context.new_page()
    _signed_in(page, alice.phone)
    # the new phone typed: a code goes to it, and the same form asks for it
    page.locator("#id_correct-field").select_option("phone")
    page.locator("#id_correct-value").fill("13911112222")
    page.locator("#id_correct-value").press("Enter")
    expect(page.locator("#new-phone-code")).to_be_visible()
    assert page.locator("#id_correct-value").input_value() == "13911112222"  # what she typed is kept
    assert_accessible(page)
    assert not DataRequest.objects.filter(consumer=alice.consumer).exists()
    page.locator("input[name=code]").fill(latest_code("verification_code"))
    page.locator("input[name=code]").press("Enter")
    expect(page.locator(".messages")).to_be_visible()
    assert_accessible(page)
    assert {r.new_value for r in DataRequest.objects.filter(consumer=alice.consumer)} == {"+8613911112222"}
    context.close()
