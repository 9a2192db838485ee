"""Breach response in a real browser (issue #19 item 5): a compliance officer signs in (password, then the code of
their authenticator), opens an incident, finds the affected consumers and notifies them, all by keyboard; the
incident page is axe-clean in Simplified Chinese and in English, the affected list masked."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import assert_accessible
from tests.support.clock import SHANGHAI
from tests.support.two_factor import pass_the_code_step
from tests.support.world import PASSWORD, make_tenant
from xiaobao.breaches.models import Incident
from xiaobao.kernel.actors import Role
from xiaobao.privacy.actions import personal_data_reveal

pytestmark = pytest.mark.browser

WORDS = {
    "zh-CN": {"user": "用户名", "password": "密码", "sign_in": "登录"},
    "en-US": {"user": "User name", "password": "Password", "sign_in": "Sign in"},
}


@pytest.fixture
def officer(transactional_db: None, seeded_calendar: None) -> str:
    """A compliance officer, and a consumer whose phone a handler revealed an hour ago."""
    tenant = make_tenant("anhe")
    compliance, _ = tenant.staff(Role.COMPLIANCE_OFFICER)
    _, handler = tenant.staff(Role.HANDLER)
    consumer = tenant.consumer(name="李桂兰", phone="13800138011")
    personal_data_reveal(actor=handler, consumer_id=consumer.pk, field="phone", reason="回电核实投诉细节")
    return compliance.user.username


def sign_in(page: Page, words: dict[str, str], username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label(words["user"]).fill(username)
    page.get_by_label(words["password"]).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name=words["sign_in"]).click()
    pass_the_code_step(page, username)


def moment(at: datetime) -> str:
    return at.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M:%S")


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_compliance_opens_an_incident_finds_and_notifies_the_affected_by_keyboard(
    browser: Browser, live_server: Any, officer: str, locale: str
) -> None:
    context = browser.new_context(base_url=live_server.url, locale=locale)
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, WORDS[locale], officer)
    page.goto("/workbench/breaches/")
    assert_accessible(page)
    page.goto("/workbench/breaches/open/")
    assert_accessible(page)
    now = datetime.now(tz=SHANGHAI)
    page.locator("#id_summary").fill("客服账号被盗用，期间查看了客户手机号")
    page.locator("#id_discovered_at").fill(moment(now - timedelta(seconds=1)))
    page.locator("#id_window_start").fill(moment(now - timedelta(days=1)))
    page.locator("#id_window_end").fill(moment(now + timedelta(hours=1)))  # the exposure may outlast the discovery
    page.locator("#id_source").select_option("all")
    page.locator("input[name=data_types][value=phone]").check()
    page.locator("#id_cause").fill("员工账号密码泄露后被他人登录")
    page.locator("#id_harm").fill("可能收到冒充保险公司的诈骗电话")
    page.locator("#id_remediation").fill("已停用该账号，重置全部密码")
    page.locator("#id_consumer_steps").fill("警惕自称保险公司的来电")
    page.locator("#id_contact").fill("个人信息保护专线 400-000-9501")
    with page.expect_navigation():
        page.locator("#id_contact").press("Enter")
    incident = Incident.objects.get()
    expect(page.locator("h1")).to_contain_text(incident.reference or "")
    assert_accessible(page)

    for _ in ("assess", "notify"):
        button = page.locator("form[action$='/assess/'] button, form[action$='/notify/'] button").first
        button.focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
    expect(page.get_by_text("李*兰")).to_be_visible()
    expect(page.get_by_text("138****8011")).to_be_visible()
    assert "李桂兰" not in page.content()
    assert_accessible(page)
    incident.refresh_from_db()
    assert incident.state == "notified"
    assert incident.notices.count() == 1
    context.close()
