"""Public disclosure in a real browser (issue #18 item 4): a compliance officer prepares the insurer's yearly
report from the workbench menu, a senior manager — a second person — approves it; then a visitor finds the
insurer on the public disclosure page and reads its report, charts beside tables, in English and in Traditional
Chinese. Every page axe-clean; the forms are used from the keyboard."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.db.models import F
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.conftest import World
from tests.e2e.conftest import assert_accessible, sign_in
from tests.e2e.test_portal import tab_to
from tests.portal.conftest import latest_code
from tests.reports.generated import generate
from tests.support.world import PASSWORD, fresh_resident_id, make_consumer, make_tenant
from xiaobao.callbacks.models import CallbackRequest
from xiaobao.claims.models import Claim
from xiaobao.complaints.models import Complaint
from xiaobao.disclosure.actions import open_data_publish
from xiaobao.disclosure.models import DisclosureReport, OpenDataConsent
from xiaobao.kernel.actors import SYSTEM, Role

pytestmark = pytest.mark.browser

YEAR = 2025


@pytest.fixture
def stage(transactional_db: None, seeded_calendar: None) -> dict[str, Any]:
    """Two insurers' generated cases, moved a year back (2025: a year that has ended whatever today is)."""
    world = World(ours=make_tenant("anhe"), theirs=make_tenant("beichen"))
    generate(world, make_consumer(insurer_ids=[world.ours.insurer.pk]), per_insurer=60)
    year = timedelta(days=365)
    Complaint.objects.update(received_on=F("received_on") - year)
    Claim.objects.update(received_on=F("received_on") - year)
    CallbackRequest.objects.update(requested_at=F("requested_at") - year)
    compliance, _a = world.ours.staff(Role.COMPLIANCE_OFFICER)
    manager, _b = world.ours.staff(Role.SENIOR_MANAGER)
    return {"world": world, "compliance": compliance.user.username, "manager": manager.user.username}


def _context(browser: Browser, live_server: Any, language: str) -> BrowserContext:
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    context.set_default_timeout(10_000)
    host = live_server.url.split("//")[1].split(":", maxsplit=1)[0]
    context.add_cookies([{"name": "django_language", "value": language, "domain": host, "path": "/"}])
    return context


def _press(page: Page, locator: Any) -> None:
    locator.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_compliance_prepares_a_second_person_approves_and_a_visitor_reads_it(
    browser: Browser, live_server: Any, stage: dict[str, Any]
) -> None:
    world: World = stage["world"]
    staff = _context(browser, live_server, "zh-hans")
    page = staff.new_page()
    sign_in(page, stage["compliance"], PASSWORD)
    page.get_by_role("link", name="信息披露").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("信息披露")
    assert_accessible(page)
    page.locator("#id_year").select_option(str(YEAR))
    _press(page, page.get_by_role("button", name="编制报告"))
    expect(page.locator("main")).to_contain_text("已编制，待审批")
    expect(page.get_by_role("button", name="审批并公开")).to_have_count(0)  # never by the one who prepared it
    assert_accessible(page)
    staff.close()

    second = _context(browser, live_server, "zh-hans")
    page = second.new_page()
    sign_in(page, stage["manager"], PASSWORD)
    page.goto("/workbench/disclosure/")
    page.get_by_role("link", name=str(YEAR)).click()
    _press(page, page.get_by_role("button", name="审批并公开"))
    expect(page.locator("main")).to_contain_text("已审批并公开")
    second.close()
    assert DisclosureReport.objects.get().state == "approved"

    name = world.ours.insurer.name
    for language, tag, heading in (
        ("en", "en", f"{name}: complaint handling in {YEAR}"),
        ("zh-hant", "zh-Hant", f"{name}：{YEAR}年度投訴處理情況"),
    ):
        visitor = _context(browser, live_server, language)
        page = visitor.new_page()
        page.goto("/")
        page.locator("nav").get_by_role(
            "link", name=re.compile("insurers handle complaints|保險公司投訴處理情況")
        ).click()
        assert re.fullmatch(tag, page.locator("html").get_attribute("lang") or "", flags=re.IGNORECASE)
        expect(page.locator("table").first).to_contain_text(name)
        assert_accessible(page)
        page.get_by_role("link", name=heading).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page.locator("svg[role=img]")).to_have_count(5)
        expect(page.locator("table")).to_have_count(8)  # figures, services, commitments, and one beside each chart
        assert_accessible(page)
        assert page.get_by_role("link", name=re.compile("PDF")).get_attribute("href", timeout=2000)
        visitor.close()


def test_a_complainant_lets_the_complaint_be_published_from_the_tracking_page(page: Page, insurer_code: str) -> None:
    """Filed with the phone checked, the complainant reaches the consent button with the Tab key, gives the
    consent and takes it back; the open data page shows the published set. Axe-clean throughout."""
    page.goto(f"/i/{insurer_code}/complain/")
    page.get_by_label("您的姓名").fill("王淑芬")
    page.get_by_label("居民身份证号码").fill(fresh_resident_id())
    page.get_by_label("手机号码").fill("13800138001")
    page.get_by_role("button", name="发送验证码").click()
    page.get_by_label("短信中的 6 位验证码").fill(latest_code("verification_code"))
    page.get_by_role("button", name="验证").click()
    page.get_by_label("涉及哪类保险？").select_option("medical")
    page.get_by_label("发生了什么？").fill("住院费用理赔被拒。")
    page.get_by_role("button", name="提交投诉").click()
    page.get_by_role("link", name="查看处理进度").click()

    give = page.get_by_role("button", name="在不含个人信息的情况下公开我的投诉")
    tab_to(page, give)
    assert_accessible(page)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("下一次开放数据发布")
    expect(page.locator(".timeline")).to_contain_text("同意在不含个人信息的情况下公开该投诉")
    assert OpenDataConsent.objects.get().withdrawn_at is None
    assert_accessible(page)

    open_data_publish(actor=SYSTEM)
    page.get_by_role("link", name="开放数据：不含个人信息的投诉").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("开放数据：不含个人信息的投诉")
    expect(page.locator("main")).to_contain_text("1")
    assert_accessible(page)
    page.go_back()

    take_back = page.get_by_role("button", name="从开放数据中撤出我的投诉")
    tab_to(page, take_back)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert OpenDataConsent.objects.get().withdrawn_at is not None
