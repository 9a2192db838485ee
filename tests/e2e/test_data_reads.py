"""Who read my data, in a real browser (#19 items 2 and 3): the consumer signs in with her phone, goes by keyboard
from /my/ to the list of reads of her data; compliance staff open their insurer's log; the administrator sees an
agreement awaiting approval with its approve and end forms. Every page axe-clean, in Simplified Chinese and in
English."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from tests.e2e.conftest import assert_accessible
from tests.portal.conftest import latest_code
from tests.support.two_factor import pass_the_code_step
from tests.support.world import PASSWORD, make_tenant
from xiaobao.identity.actions import partner_key_issue
from xiaobao.identity.actors import actor_for_partner_key
from xiaobao.kernel.actors import SYSTEM, Role
from xiaobao.privacy.actions import PartnerRead, partner_reads_record, personal_data_reveal
from xiaobao.privacy.domain.agreements import COMPLAINT_HANDLING, Release
from xiaobao.privacy.models import DataSharingAgreement

pytestmark = pytest.mark.browser

WORDS = {
    "zh-CN": {
        "phone": "手机号码",
        "send": "发送验证码",
        "code": "短信中的 6 位验证码",
        "check": "验证",
        "reads_link": "谁查看了我的个人信息，以及原因",
        "reads_heading": "谁查看了我的个人信息",
        "user": "用户名",
        "password": "密码",
        "sign_in": "登录",
        "log_heading": "个人信息查看记录",
    },
    "en-US": {
        "phone": "Mobile phone",
        "send": "Send me the code",
        "code": "The 6-digit code from the text message",
        "check": "Check the code",
        "reads_link": "Who has read my personal data, and why",
        "reads_heading": "Who has read my personal data",
        "user": "User name",
        "password": "Password",
        "sign_in": "Sign in",
        "log_heading": "Who read personal data",
    },
}


@dataclass
class Reads:
    compliance: str
    administrator: str
    partner_id: int
    partner_name: str


@pytest.fixture
def reads(transactional_db: None, seeded_calendar: None) -> Reads:
    tenant = make_tenant("anhe")
    _, handler = tenant.staff(Role.HANDLER)
    compliance, _ = tenant.staff(Role.COMPLIANCE_OFFICER)
    administrator, _ = tenant.staff(Role.ADMINISTRATOR)
    consumer = tenant.consumer(name="李桂兰", phone="13800138011")
    personal_data_reveal(actor=handler, consumer_id=consumer.pk, field="phone", reason="回电核实投诉细节")
    partner = tenant.partner_under_agreement(["complaint", "complainant_contact"])
    agreement = DataSharingAgreement.objects.get(partner=partner)
    _, raw = partner_key_issue(actor=SYSTEM, partner_id=partner.pk)
    partner_actor = actor_for_partner_key(raw)
    assert partner_actor is not None
    partner_reads_record(
        actor=partner_actor,
        granted=Release(
            purpose=COMPLAINT_HANDLING,
            agreement_of={"complaint": agreement.pk, "complainant_contact": agreement.pk},
        ),
        reads=[PartnerRead(consumer_id=consumer.pk, record="TS-2026-000001")],
    )
    pending = tenant.partner_under_agreement(["complaint"], approved=False)
    return Reads(compliance.user.username, administrator.user.username, pending.pk, partner.name)


def _context(browser: Browser, base_url: str, locale: str) -> BrowserContext:
    context = browser.new_context(base_url=base_url, locale=locale)
    context.set_default_timeout(10_000)
    return context


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_the_consumer_goes_by_keyboard_to_who_read_her_data(
    browser: Browser, live_server: Any, reads: Reads, locale: str
) -> None:
    words = WORDS[locale]
    context = _context(browser, live_server.url, locale)
    page = context.new_page()
    page.goto("/sign-in/?next=/my/")
    page.get_by_label(words["phone"]).fill("138 0013 8011")
    page.get_by_role("button", name=words["send"]).click()
    page.get_by_label(words["code"]).fill(latest_code("verification_code"))
    page.get_by_role("button", name=words["check"]).click()
    link = page.get_by_role("link", name=words["reads_link"])
    link.focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name=words["reads_heading"], exact=True)).to_be_visible()
    expect(page.get_by_text(reads.partner_name)).to_be_visible()
    expect(page.get_by_text("回电核实投诉细节")).to_be_visible()
    assert_accessible(page)
    context.close()


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_compliance_staff_read_their_log_and_approve_and_the_administrator_sees_an_agreement_awaiting(
    browser: Browser, live_server: Any, reads: Reads, locale: str
) -> None:
    words = WORDS[locale]
    signed_in: dict[str, Any] = {}
    for username, path in (
        (reads.compliance, "/workbench/data-reads/"),
        (reads.compliance, "/workbench/approvals/"),
        (reads.administrator, f"/workbench/administration/partners/{reads.partner_id}/"),
    ):
        if username not in signed_in:  # one sign-in each: a second would wait for the authenticator's next code
            context = _context(browser, live_server.url, locale)
            page = context.new_page()
            page.goto("/accounts/login/")
            page.get_by_label(words["user"]).fill(username)
            page.get_by_label(words["password"]).fill(PASSWORD)
            with page.expect_navigation():
                page.get_by_role("button", name=words["sign_in"]).click()
            pass_the_code_step(page, username)
            signed_in[username] = page
        page = signed_in[username]
        page.goto(path)
        if path == "/workbench/data-reads/":
            expect(page.get_by_role("heading", name=words["log_heading"])).to_be_visible()
            expect(page.get_by_text("回电核实投诉细节")).to_be_visible()
        else:
            expect(page.locator("form[action$='/approve/'] button")).to_be_visible()
        assert_accessible(page)
    for signed_in_page in signed_in.values():
        signed_in_page.context.close()
