"""A supervisor works a 1,000-case queue in a real browser: page 2, select by keyboard, assign, back on page 2;
sort by a column header from the keyboard. Every page axe-clean (#14 "Queue at volume")."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, sign_in
from tests.support.volume import open_complaints
from tests.support.world import PASSWORD, make_tenant
from xiaobao.complaints.models import Complaint
from xiaobao.identity.models import Staff
from xiaobao.kernel.actors import Role


@pytest.fixture
def big_queue(transactional_db: None, seeded_calendar: None) -> tuple[Staff, Staff, list[Complaint]]:
    tenant = make_tenant("ours")
    supervisor, _ = tenant.staff(Role.SUPERVISOR)
    handler, _ = tenant.staff(Role.HANDLER)
    complainant = tenant.consumer(name="王淑芬", phone="13800138001")
    return supervisor, handler, open_complaints(tenant, complainant, 1000)


def _focus_by_tab(page: Page, target: object, presses: int = 120) -> None:
    for _ in range(presses):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):  # type: ignore[attr-defined]
            return
    raise AssertionError("never reached by the Tab key")


def test_a_supervisor_bulk_assigns_from_page_two_of_a_thousand_cases(
    page: Page, big_queue: tuple[Staff, Staff, list[Complaint]]
) -> None:
    supervisor, handler, _complaints = big_queue
    sign_in(page, supervisor.user.username, PASSWORD)
    expect(page.get_by_role("heading", name="投诉队列")).to_be_visible()
    expect(page.locator("caption")).to_contain_text("1000")
    assert_accessible(page)

    page.locator('a[rel="next"]').click()
    expect(page).to_have_url(re.compile(r"page=2"))
    assert_accessible(page)
    boxes = page.locator('input[type="checkbox"][form="bulk-assign"]')
    expect(boxes).to_have_count(50)
    chosen = [int(boxes.nth(i).get_attribute("value") or 0) for i in (0, 1, 2)]
    for i in (0, 1, 2):  # by keyboard: focus and Space, as a person without a mouse does
        boxes.nth(i).focus()
        page.keyboard.press("Space")
        expect(boxes.nth(i)).to_be_checked()
    page.locator("#b-handler").select_option(str(handler.pk))
    page.locator('#bulk-assign button[type="submit"]').focus()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/workbench/\?page=2$"))
    expect(page.locator(".messages")).to_contain_text("已指派 3 件投诉")
    assert_accessible(page)
    assert set(Complaint.objects.filter(pk__in=chosen).values_list("handler_id", flat=True)) == {handler.pk}
    assert Complaint.objects.filter(handler_id=handler.pk).count() == 3


def test_the_queue_sorts_from_the_keyboard_and_says_how(
    page: Page, big_queue: tuple[Staff, Staff, list[Complaint]]
) -> None:
    supervisor, _handler, complaints = big_queue
    sign_in(page, supervisor.user.username, PASSWORD)
    header = page.locator("thead th").nth(1)  # after the selection column: the reference
    link = header.get_by_role("link")
    _focus_by_tab(page, link)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"sort=reference"))
    expect(page.locator("thead th").nth(1)).to_have_attribute("aria-sort", "ascending")
    first = min(c.reference for c in complaints)
    expect(page.locator("tbody th").first).to_have_text(first)

    page.locator("thead th").nth(1).get_by_role("link").focus()
    page.keyboard.press("Enter")
    expect(page.locator("thead th").nth(1)).to_have_attribute("aria-sort", "descending")
    expect(page.locator("tbody th").first).to_have_text(max(c.reference for c in complaints))
    assert_accessible(page)
