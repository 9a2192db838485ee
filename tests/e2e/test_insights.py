"""Root causes and fairness in a real browser (issue #18, CMP-S1, INC-4): a compliance officer signs in, opens the
root causes, a group of similar complaints, records a remediation action by keyboard, and opens the fairness
page for last month — every page axe-clean, in Simplified Chinese and in English."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import assert_accessible
from tests.e2e.test_breaches import WORDS, sign_in
from tests.insights.conftest import SURRENDER, WAITING, complaint
from tests.support.clock import SHANGHAI
from tests.support.world import make_tenant
from xiaobao.insights.actions import complaints_group
from xiaobao.insights.models import RemediationAction, RootCauseGroup
from xiaobao.kernel.actors import SYSTEM, Role

pytestmark = pytest.mark.browser


@pytest.fixture
def officer(transactional_db: None, seeded_calendar: None) -> tuple[str, int, str]:
    """A compliance officer; complaints about waiting periods and surrender fees, grouped; an owner to be."""
    tenant = make_tenant("kanghe")
    compliance, _ = tenant.staff(Role.COMPLIANCE_OFFICER)
    owner, _ = tenant.staff(Role.SUPERVISOR)
    now = datetime.now(tz=SHANGHAI)
    for i, text in enumerate([*WAITING, *SURRENDER]):
        complaint(tenant, tenant.consumer(), text, now - timedelta(days=10, hours=i),
                  decided_at=now - timedelta(days=2), outcome="upheld")  # fmt: skip
    run = complaints_group(actor=SYSTEM, insurer_id=tenant.insurer.pk)
    group = RootCauseGroup.objects.get(run_id=run.run_id, number=1)
    return compliance.user.username, group.pk, owner.display_name


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_compliance_opens_root_causes_records_an_action_and_opens_fairness(
    browser: Browser, live_server: Any, officer: tuple[str, int, str], locale: str
) -> None:
    username, group_id, owner = officer
    context = browser.new_context(base_url=live_server.url, locale=locale)
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, WORDS[locale], username)
    page.goto("/workbench/root-causes/")
    assert_accessible(page)
    expect(page.locator("main table")).to_contain_text("等待期")
    with page.expect_navigation():
        page.locator(f"a[href='/workbench/root-causes/{group_id}/']").click()
    assert_accessible(page)
    expect(page.locator("#group-size")).to_have_text("4")
    page.locator("#id_what").fill("销售话术补充等待期告知，培训一线人员")
    page.locator("#id_owner").select_option(label=owner)
    page.locator("#id_due_on").fill((datetime.now(tz=SHANGHAI) + timedelta(days=30)).strftime("%Y-%m-%d"))
    with page.expect_navigation():
        page.locator("#id_due_on").press("Enter")
    expect(page.locator("#actions")).to_contain_text("销售话术补充等待期告知")
    assert RemediationAction.objects.filter(group_id=group_id).count() == 1
    assert_accessible(page)
    page.goto("/workbench/fairness/")
    assert_accessible(page)
    expect(page.locator("#fairness")).to_be_visible()
    context.close()
