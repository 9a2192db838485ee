"""Coming back and losing nothing, in a real browser (issue #15): an elderly complainant on a 390-px phone in
elder mode files, closes the browser, follows the text message's link a day later and signs in with her phone
alone; a form whose phone check lapsed keeps every typed field; a claimant opens a claim by reference and code."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import assert_accessible
from tests.portal.conftest import latest_code
from tests.support.clock import SettableClock
from tests.support.world import fresh_resident_id
from xiaobao.claims.models import Claim
from xiaobao.complaints.models import Complaint
from xiaobao.notifications.models import Notification
from xiaobao.ops import clock

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def Moved(**delta: float) -> SettableClock:  # noqa: N802  (reads as the moment it names)
    """The application's clock, some time from now (the live server reads the same process-wide clock)."""
    return SettableClock(clock.now() + timedelta(**delta))


def _context(browser: Browser, base_url: str, *, elder: bool, viewport: dict[str, int] | None = None) -> BrowserContext:
    context = browser.new_context(base_url=base_url, locale="zh-CN", viewport=viewport)  # type: ignore[arg-type]
    if elder:
        host = base_url.split("//")[1].split(":", maxsplit=1)[0]
        context.add_cookies([{"name": "elder", "value": "1", "domain": host, "path": "/"}])
    context.set_default_timeout(10_000)
    return context


def _file(page: Page, code: str, resident_id: str, description: str) -> str:
    page.goto(f"/i/{code}/complain/")
    page.get_by_label("您的姓名").fill("李桂兰")
    page.get_by_label("居民身份证号码").fill(resident_id)
    page.get_by_label("手机号码").fill("13800138011")
    page.get_by_role("button", name="发送验证码").click()
    page.get_by_label("短信中的 6 位验证码").fill(latest_code("verification_code"))
    page.get_by_role("button", name="验证").click()
    page.get_by_label("涉及哪类保险？").select_option("medical")
    page.get_by_label("发生了什么？").fill(description)
    page.get_by_role("button", name="提交投诉").click()
    expect(page.get_by_role("heading", name="我们已收到您的投诉")).to_be_visible()
    return page.locator("#reference").inner_text()


def _link_path(notice: Notification) -> str:
    found = re.search(r"https?://[^/\s]+(/\S+/)", notice.body)
    assert found, notice.body
    return found.group(1)


@pytest.mark.parametrize("viewport", [PHONE, None], ids=["phone-390", "desktop"])
def test_an_elderly_complainant_comes_back_a_day_later_by_the_text_messages_link(
    browser: Browser, live_server: Any, insurer_code: str, viewport: dict[str, int] | None
) -> None:
    first = _context(browser, live_server.url, elder=True, viewport=viewport)
    reference = _file(
        first.new_page(), insurer_code, fresh_resident_id(date(1950, 3, 8)), "医疗险理赔被拒，电话没人接。"
    )
    first.close()  # she closes the browser

    received = Notification.objects.filter(purpose="complaint_received").order_by("-created_at").first()
    assert received is not None
    link = _link_path(received)
    assert link == f"/track/{reference}/"
    with clock.using(Moved(days=1)):
        later = _context(browser, live_server.url, elder=True, viewport=viewport)
        page = later.new_page()
        page.goto(link)
        expect(page.get_by_role("heading", name="打开您的案件")).to_be_visible()
        expect(page.get_by_label("投诉或理赔编号")).to_have_value(reference)
        assert_accessible(page)
        page.get_by_role("link", name="用手机号登录").click()
        page.get_by_label("手机号码").fill("138 0013 8011")
        page.get_by_role("button", name="发送验证码").click()
        page.get_by_label("短信中的 6 位验证码").fill(latest_code("verification_code"))
        assert_accessible(page)
        page.get_by_role("button", name="验证").click()
        expect(page.get_by_role("heading", name=f"您的投诉 {reference}")).to_be_visible()
        expect(page.locator(".stepper [aria-current='step']")).to_have_count(1)
        assert_accessible(page)
        if viewport is PHONE:
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        later.close()


def test_a_form_whose_phone_check_lapsed_keeps_every_typed_field(
    browser: Browser, live_server: Any, insurer_code: str
) -> None:
    context = _context(browser, live_server.url, elder=True, viewport=PHONE)
    page = context.new_page()
    page.goto(f"/i/{insurer_code}/complain/")
    page.get_by_label("您的姓名").fill("李桂兰")
    page.get_by_label("居民身份证号码").fill(fresh_resident_id(date(1948, 1, 2)))
    page.get_by_label("手机号码").fill("13800138012")
    page.get_by_role("button", name="发送验证码").click()
    page.get_by_label("短信中的 6 位验证码").fill(latest_code("verification_code"))
    page.get_by_role("button", name="验证").click()
    typed = {
        "发生了什么？": "去年十月住院，理赔申请一直没有答复，打电话也说不清楚。",
        "您希望我们怎么处理？": "尽快给出书面答复。",
        "保单号（如有）": "PA-2025-0099",
    }
    page.get_by_label("涉及哪类保险？").select_option("medical")
    for label, value in typed.items():
        page.get_by_label(label).fill(value)
    with clock.using(Moved(minutes=45)):  # she typed slowly: the check lapsed
        page.get_by_role("button", name="提交投诉").click()
        expect(page.get_by_role("heading", name="请再次验证手机")).to_be_visible()
        expect(page.get_by_text("138****8012")).to_be_visible()
        assert page.get_by_label("居民身份证号码").count() == 0  # only the code is asked
        assert_accessible(page)
        page.get_by_label("短信中的 6 位验证码").fill(latest_code("verification_code"))
        page.get_by_role("button", name="验证").click()
        for label, value in typed.items():
            expect(page.get_by_label(label)).to_have_value(value)
        expect(page.get_by_label("涉及哪类保险？")).to_have_value("medical")
        expect(page.locator("#kept-notice")).to_be_visible()
        assert_accessible(page)
        page.get_by_role("button", name="提交投诉").click()
        expect(page.get_by_role("heading", name="我们已收到您的投诉")).to_be_visible()
    assert Complaint.objects.count() == 1
    context.close()


def test_a_claimant_opens_a_claim_with_its_reference_and_access_code(
    browser: Browser, live_server: Any, insurer_code: str, page: Page
) -> None:
    page.goto(f"/i/{insurer_code}/complain/?for=claim")
    page.get_by_label("您的姓名").fill("赵志刚")
    page.get_by_label("居民身份证号码").fill(fresh_resident_id())
    page.get_by_label("手机号码").fill("13800138013")
    page.get_by_role("button", name="发送验证码").click()
    page.get_by_label("短信中的 6 位验证码").fill(latest_code("verification_code"))
    page.get_by_role("button", name="验证").click()
    page.get_by_label("理赔类型").select_option("accident/injury")
    page.get_by_label("保单号").fill("ACC-2026-0042")
    page.get_by_label("发生日期").fill("2026-02-27")
    page.get_by_label("发生地点").select_option("210200")
    page.get_by_label("事情经过").fill("下楼梯摔伤，右腕骨折。")
    page.get_by_label("申请金额（元）").fill("8600")
    page.get_by_role("button", name="提交理赔申请").click()
    expect(page.get_by_role("heading", name=re.compile("我们还需要"))).to_be_visible()
    claim = Claim.objects.get()
    notice = Notification.objects.get(purpose="claim_received")
    code = re.search(r"(\d{8})", notice.body.split(claim.reference, 1)[1])
    assert code, notice.body

    other = _context(browser, live_server.url, elder=False)
    stranger_page = other.new_page()
    stranger_page.goto(f"/claims/{claim.reference}/")
    expect(stranger_page.get_by_role("heading", name="打开您的案件")).to_be_visible()
    stranger_page.get_by_role("textbox", name="查询码").fill(code.group(1))
    stranger_page.get_by_role("button", name="查询").click()
    expect(stranger_page.get_by_role("heading", name=f"您的理赔 {claim.reference}")).to_be_visible()
    assert_accessible(stranger_page)
    other.close()
