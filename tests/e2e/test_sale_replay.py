"""Compliance replays a recorded sale in a real browser (issue #16 item 4; SAL-R2): the quality-check queue, the
replay page (each shown page rendered from its stored content beside its hash, the event list, the recording's
link), a finding recorded by keyboard; every page axe-clean."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import assert_accessible, sign_in
from tests.support.sale_sessions import make_shop, recorded_sale
from tests.support.world import PASSWORD, make_tenant
from xiaobao.kernel.actors import Role
from xiaobao.ops import clock
from xiaobao.sales import actions
from xiaobao.sales.models import QualityCheck

pytestmark = pytest.mark.browser


@pytest.fixture
def sampled(transactional_db: None, seeded_calendar: None, settings: Any, tmp_path: Path) -> tuple[str, str]:
    """A recorded sale to a 68-year-old buyer, drawn into the queue; the compliance officer's user name."""
    settings.MEDIA_ROOT = tmp_path
    tenant = make_tenant("anhe")
    shop = make_shop(tenant)
    sale = recorded_sale(shop, buyer_age=68)
    compliance, officer = tenant.staff(Role.COMPLIANCE_OFFICER)
    today = clock.today()
    actions.quality_sample_draw(actor=officer, period_start=today, period_end=today, seed="e2e")
    return sale.reference, compliance.user.username


def test_compliance_replays_a_sampled_sale_and_records_a_finding(
    browser: Browser, live_server: Any, sampled: tuple[str, str]
) -> None:
    reference, username = sampled
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, username, PASSWORD)
    page.goto("/workbench/sales/quality/")
    expect(page.locator("#quality-queue")).to_contain_text(reference)
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name=reference).click()
    expect(page.locator("h1")).to_contain_text(reference)
    expect(page.locator("#chain-state")).not_to_contain_text("broken")
    expect(page.locator("#event-1")).to_contain_text("SHA-256")
    frame = page.frame_locator("#event-1 iframe")
    expect(frame.locator("h1")).to_contain_text("投保须知")
    expect(page.locator("#event-2")).to_be_visible()
    recording_link = page.locator("#recordings a").first
    expect(recording_link).to_have_attribute("href", re.compile(r"/recordings/\d+/$"))
    played = page.request.get(recording_link.get_attribute("href") or "")
    assert played.status == 200
    assert played.headers["content-type"] == "video/mp4"
    assert_accessible(page)
    page.locator("#finding-passed").focus()
    page.keyboard.press("Space")
    page.locator("#notes").fill("双录完整，犹豫期已提示")
    with page.expect_navigation():
        page.locator("#finding-form button[type=submit]").press("Enter")
    assert page.url.endswith("/workbench/sales/quality/")
    check = QualityCheck.objects.get(sale__reference=reference)
    assert (check.finding, check.notes) == ("passed", "双录完整，犹豫期已提示")
    assert_accessible(page)
