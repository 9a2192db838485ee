"""A handler's day on the workbench, in a real browser (#14): find the case by the complainant's phone, see the
file they sent, read the partner's answer, take a step, and find the reminder in the inbox."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, sign_in
from tests.portal.conftest import PDF
from tests.support.world import PASSWORD, make_tenant
from xiaobao.complaints import actions
from xiaobao.complaints.actions import NewComplaint, Upload
from xiaobao.complaints.domain.classification import Channel, ProductLine, Reason
from xiaobao.complaints.models import Complaint
from xiaobao.identity.actions import partner_key_issue
from xiaobao.identity.actors import actor_for_partner_key
from xiaobao.kernel.actors import SYSTEM, Role
from xiaobao.notifications.models import Notification
from xiaobao.ops import clock
from xiaobao.web.languages import language_tag

pytestmark = pytest.mark.browser

PHONE = "13900139007"
ANSWER = "代理人已承认销售时未说明免责条款，愿配合退还保费。"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def day(transactional_db: None, seeded_calendar: None) -> tuple[str, Complaint]:
    tenant = make_tenant("ours")
    handler, _ = tenant.staff(Role.HANDLER)
    complainant = tenant.consumer(name="刘桂兰", phone=PHONE)
    others = [tenant.consumer(name=f"旁人{n}", phone=f"1380013800{n}") for n in range(3)]
    wanted = None
    for person, days_ago in [*((o, 3) for o in others), (complainant, 12)]:
        complaint = actions.complaint_register(
            actor=SYSTEM,
            insurer_id=tenant.insurer.pk,
            data=NewComplaint(
                handling_branch_id=tenant.city.pk,
                channel=Channel.WEB,
                received_at=clock.now() - timedelta(days=days_ago),
                product_line=ProductLine.MEDICAL,
                reason=Reason.SALES,
                description="销售时没有说明免责条款。",
                complainant_id=person.pk,
            ),
        )
        for step in (actions.complaint_accept, actions.complaint_investigate):
            if step is actions.complaint_investigate:
                actions.complaint_assign(actor=SYSTEM, complaint_id=complaint.pk, handler_id=handler.pk)
            step(actor=SYSTEM, complaint_id=complaint.pk)
        wanted = complaint
    assert wanted is not None
    actions.complaint_attach(
        actor=SYSTEM,
        complaint_id=wanted.pk,
        uploads=[Upload("保单首页.png", _png()), Upload("病历.pdf", PDF)],
    )
    partner = tenant.partner_under_agreement()
    forward = actions.complaint_forward(
        actor=SYSTEM, complaint_id=wanted.pk, partner_id=partner.pk, summary="请核实代理人的销售过程", days=5
    )
    partner_actor = actor_for_partner_key(partner_key_issue(actor=SYSTEM, partner_id=partner.pk)[1])
    assert partner_actor is not None
    actions.partner_forward_answer(actor=partner_actor, forward_id=forward.pk, answer=ANSWER)
    actions.complaints_sweep()  # received 12 days ago: 3 days left, the handler is reminded
    return handler.user.username, wanted


def test_a_handler_finds_a_case_by_phone_sees_its_files_and_answer_takes_a_step_and_reads_the_reminder(
    page: Page, day: tuple[str, Complaint]
) -> None:
    username, complaint = day
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    sign_in(page, username, PASSWORD)

    # finds the case by the complainant's phone: one row, the right one
    page.locator("#f-q").fill(PHONE)
    page.locator("#f-q").press("Enter")
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody tr")).to_contain_text(complaint.reference)
    assert_accessible(page)
    page.get_by_role("link", name=complaint.reference).click()
    expect(page.get_by_role("heading", name=re.compile(complaint.reference))).to_be_visible()

    # the photo the complainant sent is shown on the page; the PDF opens under its own name
    photo = page.get_by_alt_text(re.compile("保单首页.png"))
    photo.scroll_into_view_if_needed()
    expect(photo).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth === 40", arg=photo.element_handle())
    pdf_link = page.get_by_role("link", name="病历.pdf", exact=True)
    served = page.request.get(pdf_link.get_attribute("href") or "")
    assert served.body() == PDF
    assert "inline" in served.headers["content-disposition"]
    download = page.request.get((pdf_link.get_attribute("href") or "") + "?download=1")
    assert download.headers["content-disposition"].endswith("%E7%97%85%E5%8E%86.pdf")

    # reads the partner's answer, and what the clock says
    expect(page.get_by_role("region", name=re.compile("转交合作机构"))).to_contain_text(ANSWER)
    assert_accessible(page)

    # takes a step: one form opens, the others stay shut
    page.locator("summary", has_text="中止计时").click()
    expect(page.get_by_label("中止计时的原因")).to_be_visible()
    page.locator("summary", has_text="记录处理决定").click()
    expect(page.get_by_label("中止计时的原因")).to_be_hidden()  # one focused form at a time
    page.get_by_label("查明的事实").fill("代理人未说明免责条款。")
    page.get_by_label("依据（合同条款、法律）").fill("《保险法》第十七条。")
    page.get_by_label("理由", exact=True).fill("销售告知不充分。")
    page.get_by_label("我们将采取的措施").fill("退还保费并致歉。")
    page.get_by_role("button", name="记录处理决定").click()
    expect(page.get_by_role("status")).to_contain_text("已完成")
    assert Complaint.objects.get(pk=complaint.pk).state == "decided"

    # the reminder the sweep sent is in the inbox, counted beside its link, and leads to the case
    reminder = Notification.objects.get(staff__user__username=username, purpose__startswith="deadline_")
    unread = Notification.objects.filter(staff__user__username=username, read_at__isnull=True).count()
    inbox = page.get_by_role("link", name=re.compile("收件箱"))
    expect(inbox).to_contain_text(f"{unread} 条未读")
    inbox.click()
    expect(page.locator("main")).to_contain_text(reminder.body[:30])
    expect(page.locator("main")).to_contain_text(complaint.reference)
    assert_accessible(page)
    assert refused == []


def test_the_new_workbench_pages_are_accessible_in_three_languages(page: Page, day: tuple[str, Complaint]) -> None:
    username, complaint = day
    admin, _ = make_tenant("admins").staff(Role.ADMINISTRATOR)
    pages = {
        username: [
            f"/workbench/?q={PHONE}",
            "/workbench/?sort=-received&page=1",
            f"/workbench/complaints/{complaint.pk}/",
            "/workbench/inbox/",
        ],
        admin.user.username: ["/workbench/administration/", "/workbench/administration/staff/"],
    }
    for who, urls in pages.items():
        page.context.clear_cookies()
        sign_in(page, who, PASSWORD)
        for language in ("zh-hans", "zh-hant", "en"):
            page.goto(urls[0])
            page.get_by_label(re.compile("语言|語言|Language")).select_option(language)
            page.get_by_role("button", name=re.compile("切换|切換|Change")).click()
            for url in urls:
                page.goto(url)
                assert page.locator("html").get_attribute("lang") == language_tag(language)
                page.locator("details").evaluate_all("all => all.forEach(d => d.open = true)")  # every form shown
                assert_accessible(page)
