"""In a real browser: someone with another person's ID number and their own phone sees none of that person's
cases, is told why, and cannot open them; the rightful owner, with the phone on record, sees them all."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import assert_accessible
from tests.portal.conftest import latest_code
from tests.support.world import fresh_resident_id
from xiaobao.complaints.models import Complaint

OWNER_PHONE, STRANGER_PHONE = "13800138001", "13900139002"


def check_phone(page: Page, code: str, resident_id: str, phone: str, *, then: str) -> None:
    page.goto(f"/i/{code}/complain/?for={then}")
    page.get_by_label("您的姓名").fill("王淑芬")
    page.get_by_label("居民身份证号码").fill(resident_id)
    page.get_by_label("手机号码").fill(phone)
    page.get_by_role("button", name="发送验证码").click()
    page.get_by_label("短信中的 6 位验证码").fill(latest_code("verification_code"))
    page.get_by_role("button", name="验证").click()


def new_page(browser: Browser, live_server: Any) -> Page:
    opened = browser.new_context(base_url=live_server.url, locale="zh-CN").new_page()
    opened.set_default_timeout(10_000)
    return opened


def test_an_id_number_with_ones_own_phone_opens_nothing_of_its_owner(
    page: Page,
    browser: Browser,
    live_server: Any,
    insurer_code: str,
) -> None:
    resident_id = fresh_resident_id()
    check_phone(page, insurer_code, resident_id, OWNER_PHONE, then="complaint")
    page.get_by_label("发生了什么？").fill("住院费用理赔被拒。")
    page.get_by_role("button", name="提交投诉").click()
    reference = page.locator("#reference").inner_text()
    assert Complaint.objects.filter(reference=reference).exists()

    stranger = new_page(browser, live_server)
    check_phone(stranger, insurer_code, resident_id, STRANGER_PHONE, then="mine")
    expect(stranger.get_by_role("heading", name="只显示您用这部手机提交的内容")).to_be_visible()
    expect(stranger.locator("main")).not_to_contain_text(reference)
    assert_accessible(stranger)
    assert stranger.goto(f"/track/{reference}/").status == 404  # type: ignore[union-attr]
    stranger.context.close()

    owner = new_page(browser, live_server)
    check_phone(owner, insurer_code, resident_id, OWNER_PHONE, then="mine")
    expect(owner.get_by_role("link", name=reference)).to_be_visible()
    expect(owner.get_by_role("heading", name="只显示您用这部手机提交的内容")).to_have_count(0)
    owner.context.close()
