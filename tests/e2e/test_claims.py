"""A claimant applies online, is asked once for the three missing documents, sends them and sees the
decision; the adjuster works the claim from the claims queue. Every page axe-clean, normal and elder mode."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import assert_accessible, sign_in
from tests.portal.conftest import PDF, latest_code
from tests.support.world import PASSWORD, make_tenant
from xiaobao.claims.models import Claim, DocumentRequest
from xiaobao.demo.data import ELDER_RESIDENT_ID
from xiaobao.kernel.actors import Role
from xiaobao.notifications.models import Notification


@pytest.fixture
def adjuster(transactional_db: None, seeded_calendar: None) -> tuple[str, str]:
    tenant = make_tenant("anhe")
    staff, _ = tenant.staff(Role.HANDLER)
    return tenant.insurer.code, staff.user.username


def _context(browser: Browser, base_url: str, *, elder: bool) -> Any:
    context = browser.new_context(base_url=base_url, locale="zh-CN")
    if elder:
        host = base_url.split("//")[1].split(":", maxsplit=1)[0]
        context.add_cookies([{"name": "elder", "value": "1", "domain": host, "path": "/"}])
    return context


@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
def test_a_claimant_is_asked_once_for_three_documents_sends_them_and_sees_the_decision(
    browser: Browser, live_server: Any, adjuster: tuple[str, str], tmp_path: Path, elder: bool
) -> None:
    code, username = adjuster
    claimant_context = _context(browser, live_server.url, elder=elder)
    staff_context = _context(browser, live_server.url, elder=False)
    page, desk = claimant_context.new_page(), staff_context.new_page()
    for opened in (page, desk):
        opened.set_default_timeout(10_000)
    try:
        page.goto(f"/i/{code}/")
        page.get_by_role("link", name="在线理赔").click()
        page.get_by_label("您的姓名").fill("赵大爷")
        page.get_by_label("居民身份证号码").fill(ELDER_RESIDENT_ID)
        page.get_by_label("手机号码").fill("13800138009")
        assert_accessible(page)
        page.get_by_role("button", name="发送验证码").click()
        page.get_by_label("短信中的 6 位验证码").fill(latest_code("verification_code"))
        page.get_by_role("button", name="验证").click()

        page.get_by_label("理赔类型").select_option("accident/injury")
        page.get_by_label("保单号").fill("ACC-2026-0042")
        page.get_by_label("发生日期").fill("2026-02-27")
        page.get_by_label("发生地点").select_option("210200")
        page.get_by_label("事情经过").fill("下楼梯摔伤，右腕骨折。")
        page.get_by_label("申请金额（元）").fill("8600")
        assert_accessible(page)
        page.get_by_role("button", name="提交理赔申请").click()
        expect(page.get_by_role("heading", name="我们还需要 3 份材料")).to_be_visible()
        assert_accessible(page)
        claim = Claim.objects.get()
        assert claim.green_channel == ["elderly"]  # the invoice is waived in the green channel

        sign_in(desk, username, PASSWORD)
        desk.get_by_role("link", name="理赔队列").click()
        assert_accessible(desk)
        desk.get_by_role("link", name=claim.reference).click()
        assert_accessible(desk)
        desk.get_by_role("button", name="一次性告知所缺材料").click()
        # the adjuster reads the staff wording (before, #14: the claimant's "等待您提交材料" on the staff page)
        expect(desk.locator(".facts")).to_contain_text("等待理赔申请人提交材料")
        request = DocumentRequest.objects.get(claim=claim)
        assert request.items == ["claim_form", "id_card", "diagnosis"]
        assert Notification.objects.filter(about_id=str(claim.pk), purpose="claim_documents_requested").count() == 1

        page.reload()
        for label in ("理赔申请书", "被保险人身份证", "诊断证明"):
            scan = tmp_path / f"{label}.pdf"
            scan.write_bytes(PDF)
            page.get_by_label(label, exact=True).set_input_files(str(scan))
        page.get_by_role("button", name="提交材料").click()
        expect(page.locator(".facts")).to_contain_text("材料齐全，等待审核")
        assert_accessible(page)

        desk.reload()
        desk.get_by_role("button", name="开始审核").click()
        expect(desk.locator(".facts")).to_contain_text("审核中")  # the new page, not the one being left
        desk.locator("#agree_amount-amount").fill("8000")
        desk.get_by_role("button", name="确定赔付金额").click()
        expect(desk.locator(".facts")).to_contain_text("赔付金额已达成协议")

        page.reload()
        expect(page.get_by_role("heading", name="处理决定")).to_be_visible()
        expect(page.locator("#decision")).to_be_visible()
        expect(page.get_by_text("我们赔付 8000.00 元。")).to_be_visible()
        expect(page.locator(".timeline")).to_contain_text("一次性告知所需材料")
        assert_accessible(page)
        assert DocumentRequest.objects.filter(claim=claim).count() == 1  # asked once
    finally:
        claimant_context.close()
        staff_context.close()
