"""The consumer portal in a real browser: file with an attachment, track the case, keyboard only, axe-clean in
normal and elder mode in three languages, elder mode measured against INC-E1."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import assert_accessible
from tests.portal.conftest import PDF, latest_code
from tests.support.world import fresh_resident_id
from xiaobao.complaints import actions
from xiaobao.complaints.models import Attachment, Complaint
from xiaobao.kernel.actors import SYSTEM
from xiaobao.web.languages import language_tag


def test_a_consumer_files_with_an_attachment_and_sees_the_handlers_step(
    page: Page, insurer_code: str, tmp_path: Path
) -> None:
    evidence = tmp_path / "诊断证明.pdf"
    evidence.write_bytes(PDF)
    page.goto("/")
    assert_accessible(page)
    page.get_by_role("link", name="anhe insurance").click()
    expect(page.locator("#main").get_by_text("400-000-9501")).to_be_visible()
    page.get_by_role("link", name="在线投诉").click()

    page.get_by_label("您的姓名").fill("王淑芬")
    page.get_by_label("居民身份证号码").fill(fresh_resident_id())
    page.get_by_label("手机号码").fill("13800138001")
    page.get_by_role("button", name="发送验证码").click()
    page.get_by_label("短信中的 6 位验证码").fill(latest_code("verification_code"))
    page.get_by_role("button", name="验证").click()

    page.get_by_label("涉及哪类保险？").select_option("medical")
    page.get_by_label("发生了什么？").fill("住院费用理赔被拒，拒赔通知看不懂。")
    page.get_by_label("照片、PDF 或录音（可选）").set_input_files(str(evidence))
    assert_accessible(page)
    page.get_by_role("button", name="提交投诉").click()

    expect(page.get_by_role("heading", name="我们已收到您的投诉")).to_be_visible()
    reference = page.locator("#reference").inner_text()
    complaint = Complaint.objects.get(reference=reference)
    assert Attachment.objects.get(complaint=complaint).content_type == "application/pdf"
    assert_accessible(page)

    actions.complaint_accept(actor=SYSTEM, complaint_id=complaint.pk)  # the handler acts
    page.get_by_role("link", name="查看处理进度").click()
    expect(page.locator(".timeline")).to_contain_text("投诉已受理")
    expect(page.locator(".facts")).to_contain_text("已受理，等待指派调查人员")
    assert_accessible(page)


def tab_to(page: Page, target: Any, limit: int = 40) -> None:
    """Press Tab until ``target`` has the focus: how a keyboard user gets there."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("e => e === document.activeElement"):
            return
    raise AssertionError("the element cannot be reached with the Tab key")


def test_filing_works_with_the_keyboard_alone(page: Page, insurer_code: str) -> None:
    page.goto(f"/i/{insurer_code}/complain/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="跳到主要内容")).to_be_focused()
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_label("您的姓名"))
    page.keyboard.type("李明")
    page.keyboard.press("Tab")  # the type of ID document: a resident ID card, already chosen
    page.keyboard.press("Tab")
    page.keyboard.type(fresh_resident_id())
    page.keyboard.press("Tab")  # the year of birth: not asked of a resident ID card's holder
    page.keyboard.press("Tab")
    page.keyboard.type("13800138002")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="验证手机")).to_be_visible()
    tab_to(page, page.get_by_label("短信中的 6 位验证码"))
    page.keyboard.type(latest_code("verification_code"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="投诉内容")).to_be_visible()
    tab_to(page, page.get_by_label("发生了什么？"))
    page.keyboard.type("退保金额与合同不符。")
    tab_to(page, page.get_by_role("button", name="提交投诉"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="我们已收到您的投诉")).to_be_visible()
    assert Complaint.objects.get().description == "退保金额与合同不符。"


PUBLIC_PAGES = [
    "/",
    "/i/{code}/",
    "/i/{code}/products/fushou/",
    "/i/{code}/complain/",
    "/track/",
    "/track/LN-2026-999999/",  # a case link opened in a browser that may not see it: the "open your case" page
    "/sign-in/",
    "/call-back/",
    "/i/{code}/call-back/",
    "/learn/",
    "/learn/ask/",
]


def _open(browser: Browser, base_url: str, *, language: str, elder: bool) -> Any:
    context = browser.new_context(base_url=base_url)
    host = base_url.split("//")[1].split(":", maxsplit=1)[0]
    cookies = [{"name": "django_language", "value": language, "domain": host, "path": "/"}]
    if elder:
        cookies.append({"name": "elder", "value": "1", "domain": host, "path": "/"})
    context.add_cookies(cookies)
    return context


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en", "ko", "mn-mong"])
@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
def test_every_public_page_is_accessible(
    browser: Browser, live_server: Any, insurer_code: str, language: str, elder: bool
) -> None:
    context = _open(browser, live_server.url, language=language, elder=elder)
    page = context.new_page()
    try:
        for path in PUBLIC_PAGES:
            page.goto(path.format(code=insurer_code))
            assert page.locator("html").get_attribute("lang") == language_tag(language)
            assert ("elder" in (page.locator("body").get_attribute("class") or "")) is elder
            assert_accessible(page)
        page.goto("/track/")
        page.get_by_role("button").last.click()  # submit the empty form: the error state is checked too
        assert_accessible(page)
    finally:
        context.close()


MEASURE = """() => {
  const body = getComputedStyle(document.body);
  const targets = [...document.querySelectorAll('a, button, input, select, textarea')]
    .filter(e => e.type !== 'hidden' && e.getClientRects().length && !e.classList.contains('skip-link'))
    .map(e => { const r = e.getBoundingClientRect(); return {tag: e.tagName, text: (e.innerText || e.name || '').slice(0, 20),
                                                             w: Math.round(r.width), h: Math.round(r.height)}; });
  return {font: parseFloat(body.fontSize), line: parseFloat(body.lineHeight), targets};
}"""


def test_the_elder_version_meets_the_age_friendly_specification(
    browser: Browser, live_server: Any, insurer_code: str
) -> None:
    context = _open(browser, live_server.url, language="zh-hans", elder=True)
    page = context.new_page()
    try:
        for path in PUBLIC_PAGES:
            page.goto(path.format(code=insurer_code))
            measured = page.evaluate(MEASURE)
            assert measured["font"] >= 18
            assert measured["line"] / measured["font"] >= 1.3
            small = [t for t in measured["targets"] if t["w"] < 60 or t["h"] < 60]
            assert small == [], small
        page.goto("/")
        page.get_by_role("button", name="标准版").click()
        assert "elder" not in (page.locator("body").get_attribute("class") or "").split()
    finally:
        context.close()
