"""Mediation end to end in a real browser (issue #17: DSP-1, DSP-3): a complaint is decided and under review →
the complainant asks for mediation and gives consent (choosing the organisation and what it may see) → the
handler refers it and the complaint's clock stops → the organisation's mediator, on their own log-in, sees
exactly the shared file and records an agreement → the clock runs again → the handler produces the file for the
court and records the insurer's performance with its evidence. Every new page is axe-clean; the consent page is
also checked in English and Traditional Chinese."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import assert_accessible, sign_in
from tests.support.pdf import pdf_text, squeezed
from tests.support.world import PASSWORD, make_tenant
from xiaobao.complaints import actions as complaint_actions
from xiaobao.complaints.actions import NewComplaint, Upload
from xiaobao.complaints.domain.classification import Channel, ProductLine, Reason
from xiaobao.complaints.domain.decisions import Decision, Outcome
from xiaobao.complaints.models import Complaint, Deadline
from xiaobao.disputes.actions import sharing_agreement_record
from xiaobao.disputes.models import Performance, Referral
from xiaobao.identity import actions as identity_actions
from xiaobao.kernel.actors import SYSTEM, Actor, ActorKind, Role
from xiaobao.notifications.models import Notification
from xiaobao.ops import clock

pytestmark = pytest.mark.browser

FINDINGS = "拒赔通知未说明具体条款。"
TERMS = "保险公司一次性补偿人民币 3,000 元，消费者不再就此事投诉。"
PNG = b"\x89PNG\r\n\x1a\n photo"


@pytest.fixture
def stage(transactional_db: None, seeded_calendar: None) -> dict[str, Any]:
    tenant = make_tenant("anhe")
    tenant.insurer.uscc = "91210000MA0T1A2B3B"
    tenant.insurer.save(update_fields=["uscc"])
    handler, _ = tenant.staff(Role.HANDLER)
    compliance, _ = tenant.staff(Role.COMPLIANCE_OFFICER)
    _, admin = tenant.staff(Role.ADMINISTRATOR)
    complainant = tenant.consumer(name="王淑芬", phone="13800138001")
    registration = complaint_actions.complaint_registration(
        actor=SYSTEM,
        data=NewComplaint(
            handling_branch_id=tenant.city.pk,
            channel=Channel.HOTLINE,
            received_at=clock.now(),
            product_line=ProductLine.MEDICAL,
            reason=Reason.CLAIMS,
            description="理赔被拒，理由不清楚。",
            requested_outcome="重新审核并赔付",
            complainant_id=complainant.pk,
        ),
        insurer_id=tenant.insurer.pk,
    )
    pk = registration.complaint.pk
    complaint_actions.complaint_accept(actor=SYSTEM, complaint_id=pk)
    complaint_actions.complaint_assign(actor=SYSTEM, complaint_id=pk, handler_id=handler.pk)
    complaint_actions.complaint_investigate(actor=SYSTEM, complaint_id=pk)
    decision = Decision(Outcome.NOT_UPHELD, FINDINGS, "保险合同第十二条。", "拒赔理由成立。", "")
    complaint_actions.complaint_decide(actor=SYSTEM, complaint_id=pk, decision=decision)
    complaint_actions.complaint_send_decision(actor=SYSTEM, complaint_id=pk)
    consumer = Actor(kind=ActorKind.CONSUMER, consumer_id=complainant.pk)
    complaint_actions.complaint_attach(actor=consumer, complaint_id=pk, uploads=[Upload("receipt.png", PNG)])
    complaint_actions.complaint_request_review(actor=consumer, complaint_id=pk, grounds="不同意")
    centre = identity_actions.mediation_organisation_create(
        actor=SYSTEM, code="centre", name="辽宁省保险纠纷调解中心", email="centre@example.org", regions=["辽宁省"]
    )
    identity_actions.mediation_organisation_create(actor=SYSTEM, code="other", name="另一调解中心")
    identity_actions.mediator_create(
        actor=SYSTEM, organisation_id=centre.pk, username="mediator", display_name="调解员 周", password=PASSWORD
    )
    today = clock.today()
    sharing_agreement_record(
        actor=admin,
        organisation_id=centre.pk,
        reference="MSA-1",
        valid_from=today.replace(month=1, day=1),
        valid_until=today.replace(year=today.year + 1),
    )
    return {
        "complaint": Complaint.objects.get(pk=pk),
        "code": registration.access_code,
        "handler": handler.user.username,
        "compliance": compliance.user.username,
        "centre": centre,
    }


def _context(browser: Browser, live_server: Any, language: str | None = None) -> BrowserContext:
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    context.set_default_timeout(10_000)
    if language:
        host = live_server.url.split("//")[1].split(":", maxsplit=1)[0]
        context.add_cookies([{"name": "django_language", "value": language, "domain": host, "path": "/"}])
    return context


def _submit(page: Page, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).click()


def _consumer_consents(page: Page, stage: dict[str, Any]) -> None:
    complaint: Complaint = stage["complaint"]
    page.goto("/track/")
    page.locator("#id_reference").fill(complaint.reference or "")
    page.locator("#id_access_code").fill(stage["code"])
    with page.expect_navigation():
        page.locator("#id_access_code").press("Enter")
    _submit(page, "#choose-mediation form button")  # "what you can do next" (DSP-2) leads to the consent step
    assert page.url.endswith(f"/my/complaints/{complaint.reference}/mediation/")
    assert_accessible(page)
    page.locator("input[name=agree]").press("Enter")  # nothing ticked: refused, nothing recorded
    page.wait_for_load_state()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page)
    page.locator(f"input[name=organisation][value='{stage['centre'].pk}']").check()
    for item in ("decision", "timeline", "documents"):
        page.locator(f"input[name=shared][value={item}]").check()
    page.locator("input[name=documents]").check()
    page.locator("input[name=agree]").check()
    _submit(page, "form.stack button[type=submit]")
    expect(page.locator(".messages")).to_be_visible()
    assert_accessible(page)


def test_a_complaint_goes_to_mediation_and_its_agreement_to_the_court(
    browser: Browser, live_server: Any, stage: dict[str, Any], tmp_path: Path
) -> None:
    complaint: Complaint = stage["complaint"]
    review_due = Deadline.objects.get(complaint=complaint, active=True).due

    # the complainant asks for mediation and consents
    consumer = _context(browser, live_server)
    _consumer_consents(consumer.new_page(), stage)

    # the handler refers it: the complaint's clock stops
    staff = _context(browser, live_server)
    desk = staff.new_page()
    sign_in(desk, stage["handler"], PASSWORD)
    desk.goto(f"/workbench/complaints/{complaint.pk}/mediation/")
    assert_accessible(desk)
    desk.locator("#id_refer-organisation").select_option(str(stage["centre"].pk))
    _submit(desk, f"form[action='/workbench/complaints/{complaint.pk}/mediation/refer/'] button")
    referral = Referral.objects.get()
    assert sorted(referral.shared) == ["decision", "documents", "timeline"]
    assert Deadline.objects.get(complaint=complaint, active=True).state == Deadline.PAUSED
    desk.goto(f"/workbench/complaints/{complaint.pk}/")
    expect(desk.locator("ul.pauses")).to_contain_text(str(clock.today()))

    # the mediator, on their own log-in, sees exactly the shared file and records an agreement
    organisation = _context(browser, live_server)
    mediator = organisation.new_page()
    sign_in(mediator, "mediator", PASSWORD)
    assert mediator.url.endswith("/mediation/")
    assert_accessible(mediator)
    _submit(mediator, f"a[href='/mediation/referrals/{referral.pk}/']")
    expect(mediator.locator("main")).to_contain_text(FINDINGS)
    expect(mediator.locator("ol.timeline")).to_be_visible()
    expect(mediator.locator(f"a[href^='/mediation/referrals/{referral.pk}/files/']")).to_have_count(1)
    assert "王淑芬" not in mediator.content()  # the complainant's name masked
    assert "理赔被拒，理由不清楚。" not in mediator.content()  # the complaint's own text is not shared
    assert_accessible(mediator)
    _submit(mediator, f"form[action='/mediation/referrals/{referral.pk}/accept/'] button")
    mediator.locator("input[name=outcome][value=agreement]").check()
    mediator.locator("#id_terms").fill(TERMS)
    mediator.locator("#id_amount").fill("3000")
    mediator.locator("#id_effective_on").fill(str(clock.today()))
    _submit(mediator, f"form[action='/mediation/referrals/{referral.pk}/outcome/'] button")
    expect(mediator.locator("main")).to_contain_text(TERMS)
    assert_accessible(mediator)
    mediator.goto("/mediation/statistics/")
    assert_accessible(mediator)

    # the clock runs again; the handler and the complainant are told
    deadline = Deadline.objects.get(complaint=complaint, active=True)
    assert deadline.state == Deadline.RUNNING
    assert deadline.due == review_due  # referred and ended the same day: no day lost, none gained
    assert Notification.objects.filter(purpose="mediation_outcome", consumer_id=complaint.complainant_id).exists()
    desk.goto(f"/workbench/complaints/{complaint.pk}/")  # the stop and the restart, both dated
    expect(desk.locator("ul.pauses li time")).to_have_count(2)

    # the handler produces the file for the court and follows the insurer's performance to the end
    desk.goto(f"/workbench/complaints/{complaint.pk}/mediation/")
    expect(desk.locator("main")).to_contain_text("第二百零五条")
    with desk.expect_download() as download:
        desk.locator(f"form[action='/workbench/mediation/referrals/{referral.pk}/court-file.pdf'] button").click()
    text = squeezed(pdf_text(Path(download.value.path()).read_bytes()))
    assert squeezed(TERMS) in text
    assert "王淑芬" in text
    assert "91210000MA0T1A2B3B" in text
    desk.locator("#id_owe-what").fill("支付补偿 3,000 元")
    desk.locator("#id_owe-due").fill(str(clock.today()))
    _submit(desk, f"form[action='/workbench/mediation/referrals/{referral.pk}/performance/'] button")
    performance = Performance.objects.get()
    evidence = tmp_path / "transfer.pdf"
    evidence.write_bytes(b"%PDF-1.4 transfer receipt")
    desk.locator(f"#id_done-{performance.pk}-performed_on").fill(str(clock.today()))
    desk.locator(f"#id_done-{performance.pk}-evidence").set_input_files(str(evidence))
    _submit(
        desk, f"form[action='/workbench/mediation/referrals/{referral.pk}/performance/{performance.pk}/done/'] button"
    )
    expect(desk.locator(f"a[href='/workbench/mediation/evidence/{performance.pk}/']")).to_be_visible()
    assert_accessible(desk)
    desk.goto("/workbench/mediation/")
    assert_accessible(desk)

    # compliance reads the figures by organisation
    officer = _context(browser, live_server)
    figures = officer.new_page()
    sign_in(figures, stage["compliance"], PASSWORD)
    figures.goto("/workbench/mediation/statistics/")
    expect(figures.locator("table")).to_contain_text("辽宁省保险纠纷调解中心")
    expect(figures.locator("table")).to_contain_text("100%")
    assert_accessible(figures)
    for context in (consumer, staff, organisation, officer):
        context.close()


@pytest.mark.parametrize(("language", "tag"), [("en", "en"), ("zh-hant", "zh-Hant")])
def test_the_consent_page_in_english_and_traditional_chinese(
    browser: Browser, live_server: Any, stage: dict[str, Any], language: str, tag: str
) -> None:
    context = _context(browser, live_server, language)
    page = context.new_page()
    complaint: Complaint = stage["complaint"]
    page.goto("/track/")
    page.locator("#id_reference").fill(complaint.reference or "")
    page.locator("#id_access_code").fill(stage["code"])
    with page.expect_navigation():
        page.locator("#id_access_code").press("Enter")
    page.goto(f"/my/complaints/{complaint.reference}/mediation/")
    assert re.fullmatch(tag, page.locator("html").get_attribute("lang") or "", flags=re.IGNORECASE)
    assert_accessible(page)
    context.close()
