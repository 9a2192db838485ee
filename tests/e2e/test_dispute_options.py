"""The options guide (DSP-2) and the choice after a decision in a real browser: the guide axe-clean in three
languages, standard and elder version, with targets of 60×60 px and a player per option; a complainant whose
decision was sent chooses court with the keyboard alone, reads what to bring, and follows the link to the guide."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import assert_accessible
from tests.e2e.test_portal import MEASURE, tab_to
from tests.support.desk import DECISION
from tests.support.world import make_tenant
from xiaobao.complaints import actions
from xiaobao.complaints.actions import NewComplaint
from xiaobao.complaints.domain.classification import Channel, ProductLine, Reason
from xiaobao.complaints.domain.remedies import GUIDE, PREPARATION, Remedy
from xiaobao.complaints.models import Complaint
from xiaobao.kernel.actors import SYSTEM, Role
from xiaobao.ops import clock
from xiaobao.web.languages import language_tag


def _context(browser: Browser, base_url: str, *, language: str, elder: bool) -> BrowserContext:
    context = browser.new_context(base_url=base_url, locale="zh-CN")
    host = base_url.split("//")[1].split(":", maxsplit=1)[0]
    cookies = [{"name": "django_language", "value": language, "domain": host, "path": "/"}]
    if elder:
        cookies.append({"name": "elder", "value": "1", "domain": host, "path": "/"})
    context.add_cookies(cookies)  # type: ignore[arg-type]
    return context


def said(language: str, text: str) -> str:
    with translation.override(language):
        return gettext(text)


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
def test_the_guide_is_accessible_in_three_languages(
    browser: Browser, live_server: Any, insurer_code: str, language: str, elder: bool
) -> None:
    context = _context(browser, live_server.url, language=language, elder=elder)
    page = context.new_page()
    try:
        page.goto(f"/i/{insurer_code}/")
        page.get_by_role(
            "link", name=said(language, "If you disagree with our decision: your options explained")
        ).click()

        expect(page.get_by_role("heading", level=1)).to_have_text(
            said(language, "If you disagree with our decision: your options")
        )
        assert page.locator("html").get_attribute("lang") == language_tag(language)
        for guide in GUIDE:
            expect(page.locator(f"#option-{guide.option}")).to_contain_text(said(language, guide.title))
        assert page.locator("section.option .read-aloud").count() >= len(GUIDE)
        assert_accessible(page)
        if elder:
            measured = page.evaluate(MEASURE)
            assert measured["font"] >= 18
            small = [t for t in measured["targets"] if t["w"] < 60 or t["h"] < 60]
            assert small == [], small
    finally:
        context.close()


@pytest.fixture
def decided_case(transactional_db: None, seeded_calendar: None) -> tuple[Complaint, str]:
    """A complaint at another insurer, decided and its notice sent today: the case and its access code."""
    tenant = make_tenant("yuanhe")
    handler, _ = tenant.staff(Role.HANDLER)
    complainant = tenant.consumer(name="王淑芬", phone="13800138031")
    registration = actions.complaint_registration(
        actor=SYSTEM,
        insurer_id=tenant.insurer.pk,
        data=NewComplaint(
            handling_branch_id=tenant.city.pk,
            channel=Channel.HOTLINE,
            received_at=clock.now() - timedelta(days=3),
            product_line=ProductLine.MEDICAL,
            reason=Reason.CLAIMS,
            description="理赔被拒，理由不清楚。",
            complainant_id=complainant.pk,
        ),
    )
    pk = registration.complaint.pk
    actions.complaint_accept(actor=SYSTEM, complaint_id=pk)
    actions.complaint_assign(actor=SYSTEM, complaint_id=pk, handler_id=handler.pk)
    actions.complaint_investigate(actor=SYSTEM, complaint_id=pk)
    actions.complaint_decide(actor=SYSTEM, complaint_id=pk, decision=DECISION)
    actions.complaint_send_decision(actor=SYSTEM, complaint_id=pk)
    return Complaint.objects.get(pk=pk), registration.access_code


def test_a_complainant_chooses_court_with_the_keyboard_and_reads_what_to_bring(
    browser: Browser, live_server: Any, decided_case: tuple[Complaint, str]
) -> None:
    complaint, access_code = decided_case
    context = _context(browser, live_server.url, language="zh-hans", elder=True)
    page: Page = context.new_page()
    try:
        # given the complainant opens their case with its reference and access code
        page.goto("/track/")
        page.locator('input[name="reference"]').fill(complaint.reference or "")
        page.locator('input[name="access_code"]').fill(access_code)
        page.locator('input[name="access_code"]').press("Enter")
        expect(page.locator("#next-steps")).to_be_visible()
        assert_accessible(page)
        # when they reach "I choose: court" with the Tab key and press Enter
        court = page.locator("#choose-court").get_by_role(
            "button", name=said("zh-hans", "I choose: %(title)s") % {"title": said("zh-hans", "Go to court")}
        )
        tab_to(page, court, limit=120)
        page.keyboard.press("Enter")
        # then the choice is recorded, and the page says what to bring and where to go
        expect(page.locator("#next-steps")).to_contain_text(said("zh-hans", "What to bring"))
        for text in PREPARATION[Remedy.COURT].where:
            expect(page.locator("#next-steps")).to_contain_text(said("zh-hans", text))
        assert Complaint.objects.get(pk=complaint.pk).next_step == "court"
        assert_accessible(page)
        # and the full guide is one link away
        page.get_by_role("link", name=said("zh-hans", "Read the full guide to your options")).click()
        expect(page.locator("#option-court")).to_be_visible()
    finally:
        context.close()
