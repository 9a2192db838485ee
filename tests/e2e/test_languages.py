"""Korean and traditional-script Mongolian in a real browser (issue #15 part 6, INC-3): chosen with the keyboard
in the language selector, the home and insurer pages speak the language and carry its BCP 47 tag; on a wide
screen Mongolian headings and text run in vertical columns, on a 360-px phone horizontally and no page is wider
than the screen; the home, insurer, complaint-filing, tracking-lookup and case-tracking pages are axe-clean in
the standard and the elder version."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import assert_accessible
from tests.e2e.test_portal import tab_to
from tests.support.world import make_tenant
from xiaobao.complaints import actions
from xiaobao.complaints.actions import NewComplaint
from xiaobao.complaints.domain.classification import Channel, ProductLine, Reason
from xiaobao.kernel.actors import SYSTEM
from xiaobao.ops import clock

pytestmark = pytest.mark.browser
NEW_LANGUAGES = {"ko": "ko", "mn-mong": "mn-Mong"}
"""Each new language's code and the tag ``<html lang>`` carries."""
SELECTOR_KEYS = {"ko": ["End", "ArrowUp"], "mn-mong": ["End"]}
"""The keys that move the selector from Simplified Chinese to the language (Mongolian is the last option)."""
SMALL_PHONE = {"width": 360, "height": 740}
WIDE_SCREEN = {"width": 1280, "height": 800}


def said(code: str, text: str) -> str:
    """``text`` as the site shows it in the language; it must differ from the Chinese it falls back to."""
    with translation.override(code):
        shown = gettext(text)
    with translation.override("zh-hans"):
        assert shown != gettext(text), f"{text!r} is not translated for {code}"
    return shown


def _context(browser: Browser, base_url: str, *, language: str | None, elder: bool, viewport: dict[str, int]) -> Any:
    context = browser.new_context(base_url=base_url, locale="zh-CN", viewport=viewport)  # type: ignore[arg-type]
    host = base_url.split("//")[1].split(":", maxsplit=1)[0]
    cookies = [{"name": "django_language", "value": language, "domain": host, "path": "/"}] if language else []
    if elder:
        cookies.append({"name": "elder", "value": "1", "domain": host, "path": "/"})
    context.add_cookies(cookies)
    return context


@pytest.fixture
def tracked(transactional_db: None, seeded_calendar: None) -> tuple[str, str]:
    """A complaint registered at another insurer, accepted: its reference and access code."""
    tenant = make_tenant("hanyu")
    complainant = tenant.consumer(name="巴特尔", phone="13800138021")
    registration = actions.complaint_registration(
        actor=SYSTEM,
        insurer_id=tenant.insurer.pk,
        data=NewComplaint(
            handling_branch_id=tenant.city.pk,
            channel=Channel.HOTLINE,
            received_at=clock.now() - timedelta(days=2),
            product_line=ProductLine.MEDICAL,
            reason=Reason.CLAIMS,
            description="理赔被拒，理由不清楚。",
            complainant_id=complainant.pk,
        ),
    )
    actions.complaint_accept(actor=SYSTEM, complaint_id=registration.complaint.pk)
    return registration.complaint.reference, registration.access_code


@pytest.fixture
def visitor(browser: Browser, live_server: Any, insurer_code: str) -> Iterator[Page]:
    """A first visit on a wide screen, before any language is chosen."""
    context: BrowserContext = _context(browser, live_server.url, language=None, elder=False, viewport=WIDE_SCREEN)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.mark.parametrize("code", list(NEW_LANGUAGES))
def test_the_language_is_chosen_with_the_keyboard_and_the_pages_speak_it(
    visitor: Page, insurer_code: str, code: str
) -> None:
    page = visitor
    # given the home page in Simplified Chinese
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    # when the visitor tabs to the language selector, picks the language with the arrow keys and presses Change
    selector = page.locator("#language-select")
    tab_to(page, selector)
    for key in SELECTOR_KEYS[code]:
        page.keyboard.press(key)
    expect(selector).to_have_value(code)
    tab_to(page, page.locator("form.language button"))
    page.keyboard.press("Enter")
    # then the home page is in the language and says so
    expect(page.locator("html")).to_have_attribute("lang", NEW_LANGUAGES[code])
    expect(page.get_by_role("heading", level=2, name=said(code, "Choose your insurer"))).to_be_visible()
    expect(page.locator("#language-select")).to_have_value(code)
    # and so is the insurer's page, reached from the home page
    page.locator(f'a.card[href="/i/{insurer_code}/"]').focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=2, name=said(code, "How to complain"))).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", NEW_LANGUAGES[code])


def _wide(page: Page) -> int:
    return int(page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth"))


def _writing_mode(page: Page, selector: str) -> str:
    return str(page.locator(selector).first.evaluate("e => getComputedStyle(e).writingMode"))


@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
@pytest.mark.parametrize("code", list(NEW_LANGUAGES))
def test_no_page_is_wider_than_a_phone_in_the_new_languages(
    browser: Browser, live_server: Any, insurer_code: str, tracked: tuple[str, str], code: str, elder: bool
) -> None:
    reference, access_code = tracked
    context = _context(browser, live_server.url, language=code, elder=elder, viewport=SMALL_PHONE)
    page = context.new_page()
    try:
        too_wide = {}
        for path in ("/", f"/i/{insurer_code}/", f"/i/{insurer_code}/complain/", "/track/"):
            page.goto(path)
            too_wide[path] = _wide(page)
        page.locator('input[name="reference"]').fill(reference)
        page.locator('input[name="access_code"]').fill(access_code)
        page.locator('input[name="access_code"]').press("Enter")
        expect(page.locator(".timeline")).to_be_visible()
        too_wide["tracking"] = _wide(page)
        assert too_wide == dict.fromkeys(too_wide, 0)
        assert _writing_mode(page, "main h1") == "horizontal-tb"  # a phone reads Mongolian across, too
    finally:
        context.close()


def test_mongolian_headings_and_text_run_in_columns_on_a_wide_screen_only(
    browser: Browser, live_server: Any, insurer_code: str
) -> None:
    wide = _context(browser, live_server.url, language="mn-mong", elder=False, viewport=WIDE_SCREEN)
    narrow = _context(browser, live_server.url, language="mn-mong", elder=False, viewport=SMALL_PHONE)
    korean = _context(browser, live_server.url, language="ko", elder=False, viewport=WIDE_SCREEN)
    try:
        pages = {name: context.new_page() for name, context in (("wide", wide), ("narrow", narrow), ("ko", korean))}
        for page in pages.values():
            page.goto(f"/i/{insurer_code}/")
        assert _writing_mode(pages["wide"], "main h1") == "vertical-lr"
        assert _writing_mode(pages["wide"], "main section > p") == "vertical-lr"
        assert _writing_mode(pages["wide"], "main form, main dl") == "horizontal-tb"  # controls stay across
        assert _writing_mode(pages["narrow"], "main h1") == "horizontal-tb"
        assert _writing_mode(pages["ko"], "main h1") == "horizontal-tb"
        assert _wide(pages["wide"]) == 0
    finally:
        for context in (wide, narrow, korean):
            context.close()


@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
@pytest.mark.parametrize("code", list(NEW_LANGUAGES))
def test_the_public_pages_are_accessible_in_the_new_languages(
    browser: Browser, live_server: Any, insurer_code: str, tracked: tuple[str, str], code: str, elder: bool
) -> None:
    reference, access_code = tracked
    context = _context(browser, live_server.url, language=code, elder=elder, viewport=WIDE_SCREEN)
    page = context.new_page()
    try:
        for path in ("/", f"/i/{insurer_code}/", f"/i/{insurer_code}/complain/", "/track/"):
            page.goto(path)
            assert page.locator("html").get_attribute("lang") == NEW_LANGUAGES[code]
            assert ("elder" in (page.locator("body").get_attribute("class") or "")) is elder
            assert_accessible(page)
        page.locator('input[name="reference"]').fill(reference)
        page.locator('input[name="access_code"]').fill(access_code)
        page.locator('input[name="access_code"]').press("Enter")
        expect(page.locator(".timeline")).to_be_visible()
        assert_accessible(page)
    finally:
        context.close()
