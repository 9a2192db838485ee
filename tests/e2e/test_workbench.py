"""A handler works a case from the queue to the decision notice, in a real browser; every page is axe-clean."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, sign_in
from tests.support.two_factor import pass_the_code_step
from tests.support.world import PASSWORD, make_tenant
from xiaobao.complaints import actions
from xiaobao.complaints.actions import NewComplaint
from xiaobao.complaints.domain.classification import Channel, ProductLine, Reason
from xiaobao.complaints.models import Complaint
from xiaobao.identity.actions import staff_create
from xiaobao.kernel.actors import SYSTEM, Role
from xiaobao.notifications.models import Notification
from xiaobao.ops import clock
from xiaobao.web.languages import language_tag


@pytest.fixture
def case_for_handler(transactional_db: None, seeded_calendar: None) -> tuple[str, Complaint, str]:
    tenant = make_tenant("ours")
    handler, _ = tenant.staff(Role.HANDLER)
    supervisor, _ = tenant.staff(Role.SUPERVISOR)
    complainant = tenant.consumer(name="王淑芬", phone="13800138001")
    urgent = None
    for days_ago in (2, 12):
        complaint = actions.complaint_register(
            actor=SYSTEM,
            insurer_id=tenant.insurer.pk,
            data=NewComplaint(
                handling_branch_id=tenant.city.pk,
                channel=Channel.HOTLINE,
                received_at=clock.now() - timedelta(days=days_ago),
                product_line=ProductLine.MEDICAL,
                reason=Reason.CLAIMS,
                description=f"理赔被拒，理由不清楚（{days_ago} 天前来电）。",
                complainant_id=complainant.pk,
            ),
        )
        actions.complaint_accept(actor=SYSTEM, complaint_id=complaint.pk)
        actions.complaint_assign(actor=SYSTEM, complaint_id=complaint.pk, handler_id=handler.pk)
        urgent = complaint
    assert urgent is not None
    return handler.user.username, urgent, supervisor.user.username


def test_a_handler_works_a_case_from_the_queue_to_the_decision_notice(
    page: Page, case_for_handler: tuple[str, Complaint, str]
) -> None:
    username, complaint, _ = case_for_handler
    sign_in(page, username, PASSWORD)

    expect(page.get_by_role("heading", name="投诉队列")).to_be_visible()
    first_row = page.locator("tbody tr").first
    expect(first_row).to_contain_text(complaint.reference)  # received 12 days ago: the most urgent
    assert_accessible(page)

    page.get_by_role("link", name=complaint.reference).click()
    expect(page.get_by_role("heading", name=re.compile(complaint.reference))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="开始调查").click()

    page.locator("summary", has_text="记录处理决定").click()  # one step's form open at a time (#14)
    page.get_by_label("查明的事实").fill("拒赔通知未引用具体条款。")
    page.get_by_label("依据（合同条款、法律）").fill("合同第十二条；《保险法》第二十四条。")
    page.get_by_label("理由", exact=True).fill("拒赔理由成立，但告知不充分。")
    page.get_by_label("我们将采取的措施").fill("补发书面说明并致歉。")
    page.get_by_role("button", name="记录处理决定").click()
    expect(page.get_by_role("status")).to_contain_text("已完成")

    page.get_by_role("button", name="发送处理决定通知").click()
    expect(page.get_by_text("决定已发送")).to_be_visible()
    expect(page.locator(".timeline").first).to_contain_text("已发出处理决定通知")
    assert_accessible(page)

    notice = Notification.objects.get(about_id=str(complaint.pk), purpose="decision_notice")
    assert "拒赔通知未引用具体条款" in notice.body
    letter = page.request.get(f"/workbench/complaints/{complaint.pk}/decision-letter.pdf")
    assert letter.body().startswith(b"%PDF")


def test_a_rejected_decision_keeps_what_was_typed(page: Page, case_for_handler: tuple[str, Complaint, str]) -> None:
    username, complaint, _ = case_for_handler
    actions.complaint_investigate(actor=SYSTEM, complaint_id=complaint.pk)
    sign_in(page, username, PASSWORD)
    page.goto(f"/workbench/complaints/{complaint.pk}/")

    page.locator("summary", has_text="记录处理决定").click()
    page.get_by_label("查明的事实").fill("已调取通话录音。")
    page.get_by_label("我们将采取的措施").fill("补发说明。")
    page.get_by_role("button", name="记录处理决定").click()  # basis and reasons are missing

    expect(page.get_by_role("alert")).to_contain_text("处理决定须载明查明的事实、依据和理由")
    expect(page.get_by_label("查明的事实")).to_have_value("已调取通话录音。")
    expect(page.get_by_label("我们将采取的措施")).to_have_value("补发说明。")
    assert Complaint.objects.get(pk=complaint.pk).state == "investigating"
    assert_accessible(page)


def test_the_workbench_works_by_keyboard(page: Page, case_for_handler: tuple[str, Complaint, str]) -> None:
    username, complaint, _ = case_for_handler
    page.goto("/accounts/login/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="跳到主要内容")).to_be_focused()
    page.keyboard.press("Enter")
    page.get_by_label("用户名").focus()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    pass_the_code_step(page, username)  # the code typed, then Enter: by keyboard too
    expect(page.get_by_role("heading", name="投诉队列")).to_be_visible()

    link = page.get_by_role("link", name=complaint.reference)
    for _ in range(40):
        page.keyboard.press("Tab")
        if link.evaluate("element => element === document.activeElement"):
            break
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile(complaint.reference))).to_be_visible()


def test_approvals_and_login_pages_are_accessible_in_three_languages(
    page: Page, case_for_handler: tuple[str, Complaint, str]
) -> None:
    _, _, supervisor = case_for_handler
    page.goto("/accounts/login/")
    assert_accessible(page)
    sign_in(page, supervisor, PASSWORD)
    for language, heading in (
        ("zh-hans", "等待审批的延期申请"),
        ("zh-hant", "等待審批的延期申請"),
        ("en", "Extensions waiting for approval"),
    ):
        page.goto("/workbench/approvals/")
        page.get_by_label(re.compile("语言|語言|Language")).select_option(language)
        page.get_by_role("button", name=re.compile("切换|切換|Change")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert page.locator("html").get_attribute("lang") == language_tag(language)
        assert_accessible(page)
        for listing in ("/workbench/partners/", "/workbench/inbox/"):  # how partners answer (#21); the inbox
            page.goto(listing)
            assert page.locator("html").get_attribute("lang") == language_tag(language)
            assert_accessible(page)


def test_a_colleagues_case_offers_no_handling_step(page: Page, case_for_handler: tuple[str, Complaint, str]) -> None:
    """Before: a handler opening a colleague's case was offered eight steps, and each then answered 404."""
    _, complaint, _ = case_for_handler
    staff_create(
        actor=SYSTEM,
        insurer_id=complaint.insurer_id,
        branch_id=complaint.handling_branch_id,
        username="colleague",
        display_name="同事",
        password=PASSWORD,
        roles=[Role.HANDLER],
    )
    sign_in(page, "colleague", PASSWORD)
    page.goto(f"/workbench/complaints/{complaint.pk}/")
    expect(page.get_by_role("heading", name=complaint.reference)).to_be_visible()
    expect(page.get_by_role("button", name="开始调查")).to_have_count(0)
    expect(page.locator("details.step")).to_have_count(0)
    assert_accessible(page)
