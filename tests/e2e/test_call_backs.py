"""In a real browser (INC-E3, INC-E1): an elderly person in the elder version on a phone-sized screen asks to be
called back from the insurer's page; a handler finds them at the top of the queue, above someone who asked
earlier, records the call, and the figures count it in time. Every page axe-clean, standard and elder."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import assert_accessible, sign_in
from tests.e2e.test_portal import MEASURE, tab_to
from tests.support.clock import SettableClock
from tests.support.world import PASSWORD, Tenant, make_tenant
from xiaobao.callbacks import actions
from xiaobao.callbacks.actions import CallbackAsked
from xiaobao.callbacks.domain.languages import CallLanguage
from xiaobao.callbacks.domain.timing import Slot
from xiaobao.callbacks.models import CallbackRequest
from xiaobao.kernel.actors import ANONYMOUS, Role

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def zh(text: str) -> str:
    """What the page shows for ``text`` in Simplified Chinese (the English words until it is translated)."""
    with translation.override("zh-hans"):
        return gettext(text)


@pytest.fixture
def tenant(transactional_db: None, seeded_calendar: None) -> Tenant:
    made = make_tenant("anhe")
    made.insurer.complaint_phone = "400-000-9501"
    made.insurer.save()
    return made


def _context(browser: Browser, base_url: str, *, elder: bool, viewport: dict[str, int] | None = None) -> BrowserContext:
    context = browser.new_context(base_url=base_url, locale="zh-CN", viewport=viewport)  # type: ignore[arg-type]
    host = base_url.split("//")[1].split(":", maxsplit=1)[0]
    cookies = [{"name": "django_language", "value": "zh-hans", "domain": host, "path": "/"}]
    if elder:
        cookies.append({"name": "elder", "value": "1", "domain": host, "path": "/"})
    context.add_cookies(cookies)  # type: ignore[arg-type]
    return context


@pytest.fixture
def elder_phone(browser: Browser, live_server: Any) -> Iterator[Page]:
    context = _context(browser, live_server.url, elder=True, viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def desk(browser: Browser, live_server: Any) -> Iterator[Page]:
    context = _context(browser, live_server.url, elder=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def assert_elder_sized(page: Page) -> None:
    measured = page.evaluate(MEASURE)
    assert measured["font"] >= 18
    small = [t for t in measured["targets"] if t["w"] < 60 or t["h"] < 60]
    assert small == [], small


def test_an_elderly_person_is_called_back_first_and_the_call_is_counted_in_time(
    elder_phone: Page, desk: Page, tenant: Tenant, clock: SettableClock
) -> None:
    clock.set("2026-03-02 08:00")
    earlier = actions.callback_request(
        actor=ANONYMOUS,
        insurer_id=tenant.insurer.pk,
        asked=CallbackAsked(phone="13800138002", slot=Slot.SOON, language=CallLanguage.MANDARIN),
        idempotency_key="earlier",
        client="192.0.2.1",
    )  # due 10:00, before the elderly person's 10:30
    clock.set("2026-03-02 10:00")

    page = elder_phone
    page.goto(f"/i/{tenant.insurer.code}/")
    call_me_back = page.locator("header a.call-me-back")
    tab_to(page, call_me_back)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text(tenant.insurer.name)
    assert_accessible(page)
    assert_elder_sized(page)
    page.get_by_label(zh("Phone number to call")).fill("13800138001")
    page.get_by_label(zh("I am 60 or older")).check()
    page.get_by_label(zh("What is it about? (optional)")).fill("理赔进度看不懂")
    page.get_by_role("button", name=zh("Call me back")).click()

    expect(page.get_by_role("heading", name=zh("We will call you back"))).to_be_visible()
    expect(page.locator("#call-when")).to_contain_text("10:30")
    expect(page.get_by_role("link", name="400-000-9501")).to_be_visible()
    reference = page.locator("#reference").inner_text()
    assert CallbackRequest.objects.get(reference=reference).priority is True
    assert_accessible(page)
    assert_elder_sized(page)

    staff, _actor = tenant.staff(Role.HANDLER)
    clock.set("2026-03-02 10:20")
    sign_in(desk, staff.user.username, PASSWORD)
    desk.get_by_role("link", name=zh("Call-backs")).click()
    queue = desk.locator(".callback-queue > li")
    expect(queue).to_have_count(2)
    expect(queue.first).to_contain_text(reference)
    expect(queue.nth(1)).to_contain_text(earlier.reference or "")
    assert_accessible(desk)

    queue.first.get_by_role("button", name=zh("Show the number to call")).click()
    expect(desk.get_by_role("link", name="+8613800138001")).to_be_visible()
    first = desk.locator(".callback-queue > li").first
    first.get_by_label(zh("Called: we spoke")).check()
    first.get_by_label(zh("Note (what was said, or why it is closed)")).fill("已解释理赔进度")
    first.get_by_role("button", name=zh("Record the call")).click()

    expect(desk.locator(".callback-queue > li")).to_have_count(1)
    today = desk.locator("#figures-today td")
    expect(today).to_have_text(["1", "0", "0", "1"])  # in time, late, waiting in time, overdue (the earlier one)
    assert CallbackRequest.objects.get(reference=reference).state == "called"
    assert_accessible(desk)


@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
def test_the_call_back_pages_are_accessible(
    browser: Browser, live_server: Any, tenant: Tenant, clock: SettableClock, elder: bool
) -> None:
    context = _context(browser, live_server.url, elder=elder)
    page = context.new_page()
    try:
        page.goto("/call-back/")
        assert_accessible(page)
        page.get_by_role("link", name=tenant.insurer.name).click()
        page.get_by_label(zh("A dialect (say which)")).check()
        page.get_by_role("button", name=zh("Call me back")).click()  # no phone, no dialect named: refused
        expect(page.locator("#form-errors")).to_be_visible()
        assert_accessible(page)
        if elder:
            assert_elder_sized(page)
    finally:
        context.close()
