"""Every public portal page on a 360-px phone (issue #15 part 5, RULES.md INC-E1): no page is wider than the
screen in the standard version, the elder version or with extra-large text; in the elder version every visible
text is at least 18 px with line spacing at least 1.3 and every target at least 60×60 px; with extra-large text
the main text and every other text at least 30 px; axe-clean with extra-large text. A failure lists every
offending element by selector."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.conftest import assert_accessible
from tests.portal.conftest import latest_code
from xiaobao.complaints import actions
from xiaobao.complaints.models import Complaint
from xiaobao.demo.data import ELDER_RESIDENT_ID
from xiaobao.kernel.actors import SYSTEM

pytestmark = pytest.mark.browser
SMALL_PHONE = {"width": 360, "height": 740}
MODES = {"standard": None, "elder": "1", "extra-large": "2"}
"""Each version and the value of the elder cookie that selects it."""
SMALLEST_TEXT = {"standard": 0.0, "elder": 18.0, "extra-large": 30.0}

MEASURE = """() => {
  const describe = e => {
    const one = n => n.tagName.toLowerCase() + (n.id ? '#' + n.id : '')
      + [...n.classList].map(c => '.' + c).join('');
    return (e.parentElement && e.parentElement !== document.body ? one(e.parentElement) + ' > ' : '') + one(e);
  };
  const hidden = e => e.closest('.visually-hidden, .skip-link, option, [hidden]') || !e.checkVisibility({
    checkOpacity: true, checkVisibilityCSS: true }) || !e.getClientRects().length;
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!node.textContent.trim() || !parent || hidden(parent) || ['SCRIPT', 'STYLE'].includes(parent.tagName)) continue;
    texts.push(parent);
  }
  const controls = [...document.querySelectorAll('input, select, textarea, button')]
    .filter(e => e.type !== 'hidden' && !hidden(e));
  const sized = [...new Set([...texts, ...controls])].map(e => {
    const style = getComputedStyle(e);
    const size = parseFloat(style.fontSize);
    const line = style.lineHeight === 'normal' ? 1.2 : parseFloat(style.lineHeight) / size;
    // a single-line field has no line spacing (Chromium keeps a select's "normal" whatever the style says)
    const single = e.tagName === 'SELECT' || (e.tagName === 'INPUT' && e.type !== 'textarea');
    return {selector: describe(e), size: Math.round(size * 10) / 10, line: single ? 9 : Math.round(line * 100) / 100,
            text: (e.innerText || e.value || e.name || '').trim().slice(0, 24)};
  });
  const targets = [...document.querySelectorAll('a, button, input, select, textarea, summary')]
    .filter(e => e.type !== 'hidden' && !hidden(e))
    .map(e => { const r = e.getBoundingClientRect();
                return {selector: describe(e), text: (e.innerText || e.name || '').trim().slice(0, 24),
                        w: Math.round(r.width), h: Math.round(r.height)}; });
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => !hidden(e) && e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
    .filter(e => !e.closest('.table-scroll'))
    .map(e => ({selector: describe(e), right: Math.round(e.getBoundingClientRect().right)}))
    .slice(0, 15);
  return {width: document.documentElement.scrollWidth, main: parseFloat(getComputedStyle(document.body).fontSize),
          sized, targets, wide};
}"""


def zh(text: str) -> str:
    """What the page shows for ``text`` in Simplified Chinese (the English words until it is translated)."""
    with translation.override("zh-hans"):
        return gettext(text)


def offences(page: Page, mode: str) -> list[str]:
    """What is wrong with the page now, one line per offending element; empty when nothing is."""
    measured = page.evaluate(MEASURE)
    where = page.url.split("//", 1)[1].split("/", 1)[1]
    found = []
    if measured["width"] > SMALL_PHONE["width"]:
        found.append(f"/{where}: {measured['width']} px wide; past the right edge: {json.dumps(measured['wide'])}")
    if mode == "standard":
        return found
    smallest = SMALLEST_TEXT[mode]
    if measured["main"] < smallest:
        found.append(f"/{where}: main text {measured['main']} px")
    found += [
        f"/{where}: {t['selector']} “{t['text']}” {t['size']} px, line spacing {t['line']}"
        for t in measured["sized"]
        if t["size"] < smallest or t["line"] < 1.3
    ]
    found += [
        f"/{where}: target {t['selector']} “{t['text']}” {t['w']}×{t['h']} px"
        for t in measured["targets"]
        if t["w"] < 60 or t["h"] < 60
    ]
    return found


@pytest.fixture(params=list(MODES), ids=list(MODES))
def phone(request: pytest.FixtureRequest, browser: Browser, live_server: Any) -> Iterator[tuple[Page, str]]:
    mode: str = request.param
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=SMALL_PHONE)  # type: ignore[arg-type]
    host = live_server.url.split("//")[1].split(":", maxsplit=1)[0]
    cookies = [{"name": "django_language", "value": "zh-hans", "domain": host, "path": "/"}]
    if MODES[mode]:
        cookies.append({"name": "elder", "value": MODES[mode], "domain": host, "path": "/"})
    context.add_cookies(cookies)  # type: ignore[arg-type]
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page, mode
    context.close()


def test_every_public_page_fits_a_small_phone_in_every_version(phone: tuple[Page, str], insurer_code: str) -> None:
    page, mode = phone
    found: list[str] = []

    def field(name: str) -> Locator:  # by name: the test is about sizes, not wording
        return page.locator(f'main [name="{name}"]')

    def check() -> None:
        found.extend(offences(page, mode))
        if mode == "extra-large":
            assert_accessible(page)

    for path in ("/", f"/i/{insurer_code}/", f"/i/{insurer_code}/products/fushou/", "/track/"):
        page.goto(path)
        check()
    page.goto("/track/")
    page.locator("main").get_by_role("button").last.click()  # the refused form, its error messages measured too
    check()

    page.goto(f"/i/{insurer_code}/complain/")
    check()
    field("name").fill("赵大爷")
    field("resident_id").fill(ELDER_RESIDENT_ID)
    field("phone").fill("13800138009")
    page.get_by_role("button", name="发送验证码").click()
    expect(field("code")).to_be_visible()
    check()
    field("code").fill(latest_code("verification_code"))
    page.get_by_role("button", name="验证").click()
    expect(field("description")).to_be_visible()
    check()
    page.get_by_role("button", name="提交投诉").click()  # refused: nothing described, the errors measured
    expect(page.locator("#form-errors")).to_be_visible()
    check()
    field("product_line").select_option("medical")
    field("description").fill("住院费用理赔被拒，拒赔通知看不懂。" * 3)
    page.get_by_role("button", name="提交投诉").click()
    expect(page.locator("#reference")).to_be_visible()
    check()

    complaint = Complaint.objects.get()
    actions.complaint_accept(actor=SYSTEM, complaint_id=complaint.pk)  # the handler acts: a longer story
    page.get_by_role("link", name="查看处理进度").click()
    expect(page.locator(".timeline")).to_contain_text("投诉已受理")
    check()

    page.goto(f"/i/{insurer_code}/claim/")  # the phone is checked already: straight to the claim form
    check()
    field("kind").select_option("accident/injury")
    field("policy_number").fill("ACC-2026-0042-LIAONING-SHENYANG-000000000001")
    field("incident_date").fill("2026-02-27")
    field("incident_region").select_option("210200")
    field("description").fill("下楼梯摔伤，右腕骨折。")
    field("amount_claimed").fill("8600")
    page.get_by_role("button", name="提交理赔申请").click()
    expect(page.locator('input[type="file"]').first).to_be_visible()
    check()

    page.goto("/my/")  # the phone is checked: their complaint and claim, each table scrolling in its own box
    expect(page.locator(".table-scroll")).to_have_count(2)
    check()

    assert found == [], f"{len(found)} offences in the {mode} version:\n" + "\n".join(found)


def test_the_measure_names_each_element_too_small_or_too_wide(
    browser: Browser, live_server: Any, insurer_code: str
) -> None:
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=SMALL_PHONE)  # type: ignore[arg-type]
    host = live_server.url.split("//")[1].split(":", maxsplit=1)[0]
    context.add_cookies([{"name": "elder", "value": "1", "domain": host, "path": "/"}])
    page = context.new_page()
    try:
        page.goto(f"/i/{insurer_code}/")
        assert offences(page, "elder") == []

        page.evaluate(
            "() => { document.querySelector('.site-name a').style.fontSize = '12px';"
            " document.querySelector('#channels').style.width = '500px'; }"
        )

        found = "\n".join(offences(page, "elder"))
        assert f"/i/{insurer_code}/: 5" in found  # the page's width, over 500 px
        assert "h2#channels" in found
        assert "p.site-name > a “消保” 12 px" in found
    finally:
        context.close()
