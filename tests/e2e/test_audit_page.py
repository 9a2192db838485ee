"""The auditor's page in a real browser (issue #18 item 5): an auditor signs in (with the authenticator's code),
finds the page from the workbench menu, verifies a complaint's chain by its reference and reads "intact" with the
chain's newest hash, then downloads the verified timeline as CSV and as PDF. Axe-clean, in Simplified Chinese,
Traditional Chinese and English."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from tests.e2e.conftest import assert_accessible
from tests.support.two_factor import pass_the_code_step
from tests.support.world import PASSWORD, make_tenant
from xiaobao.audit.models import AuditEvent
from xiaobao.complaints.actions import NewComplaint, complaint_accept, complaint_register
from xiaobao.complaints.domain.classification import Channel, ProductLine, Reason
from xiaobao.ops import clock

pytestmark = pytest.mark.browser

WORDS = {
    "zh-CN": {"user": "用户名", "password": "密码", "sign_in": "登录", "lang": "zh-Hans"},
    "zh-TW": {"user": "使用者名稱", "password": "密碼", "sign_in": "登入", "lang": "zh-Hant"},
    "en-US": {"user": "User name", "password": "Password", "sign_in": "Sign in", "lang": "en"},
}


@dataclass
class Audited:
    auditor: str
    reference: str
    head_hash: str
    events: int


@pytest.fixture
def audited(transactional_db: None, seeded_calendar: None) -> Audited:
    from xiaobao.kernel.actors import SYSTEM, Role

    tenant = make_tenant("anhe")
    auditor, _ = tenant.staff(Role.AUDITOR)
    _, supervisor = tenant.staff(Role.SUPERVISOR)
    consumer = tenant.consumer(name="李桂兰", phone="13800138011")
    complaint = complaint_register(
        actor=supervisor,
        data=NewComplaint(
            handling_branch_id=tenant.city.pk,
            channel=Channel.HOTLINE,
            received_at=clock.now(),
            product_line=ProductLine.MEDICAL,
            reason=Reason.CLAIMS,
            description="理赔被拒，理由不清楚。",
            requested_outcome="重新审核并赔付",
            complainant_id=consumer.pk,
        ),
    )
    complaint_accept(actor=SYSTEM, complaint_id=complaint.pk)
    chain = AuditEvent.objects.filter(subject_type="complaints.complaint", subject_id=str(complaint.pk))
    last = chain.order_by("-sequence").first()
    assert last is not None
    return Audited(auditor.user.username, complaint.reference or "", last.hash, chain.count())


def _signed_in(browser: Browser, base_url: str, locale: str, username: str) -> Any:
    words = WORDS[locale]
    context: BrowserContext = browser.new_context(base_url=base_url, locale=locale, accept_downloads=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label(words["user"]).fill(username)
    page.get_by_label(words["password"]).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name=words["sign_in"]).click()
    pass_the_code_step(page, username)
    return page


@pytest.mark.parametrize("locale", ["zh-CN", "zh-TW", "en-US"])
def test_an_auditor_verifies_a_chain_and_exports_its_timeline(
    browser: Browser, live_server: Any, audited: Audited, locale: str, tmp_path: Path
) -> None:
    # given an auditor signed in, on the workbench
    page = _signed_in(browser, live_server.url, locale, audited.auditor)
    expect(page.locator("html")).to_have_attribute("lang", WORDS[locale]["lang"])

    # when they follow the menu to the audit page and verify the complaint by its reference
    page.locator("nav a[href='/workbench/audit/']").click()
    expect(page.locator("h1")).to_be_visible()
    if locale == "en-US":
        expect(page.get_by_role("heading", name="Audit log", exact=True)).to_be_visible()
    assert_accessible(page)
    page.locator("#id_reference").fill(audited.reference)
    with page.expect_navigation():
        page.locator("form[action='/workbench/audit/verify/'] button[type=submit]").click()

    # then the chain is intact, with its count and its newest hash
    expect(page.locator("#verdict .clock-met")).to_be_visible()
    expect(page.locator("#event-count")).to_have_text(str(audited.events))
    expect(page.locator("#head-hash")).to_have_text(audited.head_hash)
    if locale == "en-US":
        expect(page.locator("#verdict")).to_contain_text("Intact")
    assert_accessible(page)

    # and the verified timeline downloads as CSV and as PDF
    with page.expect_download() as csv_download:
        page.locator("form.exports button[value='csv']").click()
    csv_text = Path(csv_download.value.path()).read_text(encoding="utf-8-sig")
    assert audited.head_hash in csv_text
    assert "李桂兰" not in csv_text
    with page.expect_download() as pdf_download:
        page.locator("form.exports button[value='pdf']").press("Enter")  # the keyboard works it too
    assert Path(pdf_download.value.path()).read_bytes().startswith(b"%PDF")
    assert AuditEvent.objects.filter(event_type="audit.timeline_exported").count() == 2
    page.context.close()
