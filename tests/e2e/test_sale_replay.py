"""Compliance replays a recorded sale in a real browser (issue #16 item 4; SAL-R2): the quality-check queue, the
replay page (each shown page rendered from its stored content beside its hash, the event list, the recording's
link), a finding recorded by keyboard; every page axe-clean."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import assert_accessible, sign_in
from tests.portal.conftest import latest_code
from tests.support.sale_sessions import VIDEO, make_shop, recorded_sale
from tests.support.world import PASSWORD, make_tenant
from xiaobao.kernel.actors import Role
from xiaobao.ops import clock
from xiaobao.sales import actions
from xiaobao.sales.models import QualityCheck, Sale
from xiaobao.web.context import ELDER_COOKIE

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


@pytest.fixture
def bought(transactional_db: None, seeded_calendar: None, settings: Any, tmp_path: Path) -> tuple[str, str]:
    """A recorded sale bought by a consumer who signs in with her phone; (her phone, the sale's reference)."""
    settings.MEDIA_ROOT = tmp_path
    tenant = make_tenant("anhe")
    buyer = tenant.consumer(name="赵桂芝", phone="13700003333")
    sale = recorded_sale(make_shop(tenant), buyer_age=68)
    Sale.objects.filter(pk=sale.pk).update(buyer=buyer)
    return buyer.phone, sale.reference


@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder mode"])
def test_the_buyer_sees_what_she_was_shown_and_her_recordings_hashes(
    browser: Browser, live_server: Any, bought: tuple[str, str], elder: bool
) -> None:
    phone, reference = bought
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    if elder:  # the elder version's larger text (INC-E1), as the switch on every page sets it
        host = live_server.url.split("//")[1].split(":", maxsplit=1)[0]
        context.add_cookies([{"name": ELDER_COOKIE, "value": "2", "domain": host, "path": "/"}])
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/sign-in/?next=/my/sales/")
    page.locator("input[name=phone]").fill(phone)
    page.locator("input[name=phone]").press("Enter")
    page.locator("input[name=code]").fill(latest_code("verification_code"))
    page.locator("input[name=code]").press("Enter")
    page.wait_for_url("**/my/sales/")
    expect(page.locator("main")).to_contain_text(reference)
    expect(page.locator("main")).to_contain_text(hashlib.sha256(VIDEO).hexdigest())
    assert_accessible(page)
    with page.expect_navigation():
        page.locator("main ol a").first.click()
    expect(page.locator("h1")).to_contain_text("投保须知")
