"""The complaint statistics in a real browser (issue #18 item 1, CMP-S2): a compliance officer finds the
dashboard in the workbench menu, chooses the quarter, reads the charts and tables, and downloads a table as
XLSX that opens in openpyxl; the regulator signs in and sees both insurers side by side and no case. Axe-clean,
in Simplified and Traditional Chinese and English, in the elder version too."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, BrowserContext, expect

from tests.conftest import World
from tests.e2e.conftest import assert_accessible
from tests.reports.generated import generate
from tests.support.two_factor import pass_the_code_step
from tests.support.world import PASSWORD, make_consumer, make_tenant
from xiaobao.audit.models import AuditEvent
from xiaobao.identity.actions import regulator_create
from xiaobao.kernel.actors import SYSTEM, Role
from xiaobao.reports.actions import figures_refresh

pytestmark = pytest.mark.browser

WORDS = {
    "zh-CN": {"user": "用户名", "password": "密码", "sign_in": "登录", "lang": "zh-Hans"},
    "zh-TW": {"user": "使用者名稱", "password": "密碼", "sign_in": "登入", "lang": "zh-Hant"},
    "en-US": {"user": "User name", "password": "Password", "sign_in": "Sign in", "lang": "en"},
}


@dataclass
class Counted:
    compliance: str
    names: tuple[str, str]
    references: list[str]
    ours_received: int


@pytest.fixture
def counted(transactional_db: None, seeded_calendar: None) -> Counted:
    world = World(ours=make_tenant("anhe"), theirs=make_tenant("beichen"))
    made = generate(world, make_consumer(insurer_ids=[world.ours.insurer.pk]), per_insurer=60)
    figures_refresh(actor=SYSTEM, months=[date(2026, m, 1) for m in range(6, 11)])
    staff, _actor = world.ours.staff(Role.COMPLIANCE_OFFICER)
    regulator_create(actor=SYSTEM, username="regulator", display_name="监管局 统计处", password=PASSWORD)
    received = sum(
        1
        for c in made.complaints
        if c.insurer_id == world.ours.insurer.pk and date(2026, 7, 1) <= c.received_on <= date(2026, 9, 30)
    )
    return Counted(
        compliance=staff.user.username,
        names=(world.ours.insurer.name, world.theirs.insurer.name),
        references=[c.reference or "" for c in made.complaints],
        ours_received=received,
    )


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
def test_compliance_reads_the_dashboard_and_exports_a_table_as_xlsx(
    browser: Browser, live_server: Any, counted: Counted, locale: str
) -> None:
    # given a compliance officer signed in, on the workbench
    page = _signed_in(browser, live_server.url, locale, counted.compliance)
    expect(page.locator("html")).to_have_attribute("lang", WORDS[locale]["lang"])

    # when they follow the menu to the statistics and choose the third quarter of 2026, by keyboard
    page.locator("nav a[href='/workbench/reports/']").click()
    expect(page.locator("h1")).to_be_visible()
    page.locator("#period").focus()
    page.locator("#period").select_option("2026-Q3")
    page.keyboard.press("Tab")
    if page.locator("#insurer").count() == 0:
        expect(page.locator("form.filters button[type=submit]")).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # then the charts are images with their tables beside them, and the count is the quarter's
    expect(page.locator("svg[role=img]").first).to_be_visible()
    expect(page.locator("#insurer-caption")).to_be_visible()
    expect(page.locator("#insurer-heading + .figures table tbody tr").first).to_contain_text(counted.names[0])
    expect(page.locator("#insurer-heading + .figures table tbody tr td").first).to_have_text(str(counted.ours_received))
    expect(page.locator("main")).not_to_contain_text(counted.names[1])
    if locale == "en-US":
        expect(page.get_by_role("heading", name="Complaint statistics", exact=True)).to_be_visible()
    assert_accessible(page)

    # and the insurer table downloads as XLSX that opens, holding the same figure; the export is logged
    with page.expect_download() as download:
        page.locator("#insurer-heading ~ form.exports button[value='xlsx']").focus()
        page.keyboard.press("Enter")  # a form's button, worked from the keyboard
    assert download.value.suggested_filename == "complaint-statistics-2026-Q3-insurer.xlsx"
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[2][:2] == (counted.names[0], counted.ours_received)
    assert AuditEvent.objects.filter(event_type="reports.exported").count() == 1

    # and the elder version of the page is axe-clean too
    with page.expect_navigation():
        page.locator(".elder-switch button[value=on]").click()
    expect(page.locator("html")).to_have_class("elder")
    assert_accessible(page)
    page.context.close()


def test_the_regulator_sees_both_insurers_and_no_case(browser: Browser, live_server: Any, counted: Counted) -> None:
    # given the regulator signed in (password only: not staff of an insurer)
    page = _signed_in(browser, live_server.url, "zh-CN", "regulator")
    # then they land on the statistics of every insurer
    assert page.url.endswith("/regulator/")
    page.goto("/regulator/?granularity=quarter&period=2026-Q3")
    table = page.locator("#insurer-heading + .figures table")
    expect(table).to_contain_text(counted.names[0])
    expect(table).to_contain_text(counted.names[1])
    text = page.locator("body").inner_text()
    assert not [reference for reference in counted.references if reference in text]
    assert page.locator("a[href*='/complaints/']").count() == 0
    assert_accessible(page)
    # and a case page is not there for them
    answer = page.goto("/workbench/complaints/1/")
    assert answer is not None
    assert answer.status == 404
    page.context.close()
