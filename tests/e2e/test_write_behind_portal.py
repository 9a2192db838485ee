"""Write-behind filing in a real browser (issue #20, ADR 0023 addendum): the consumer files through the portal,
sees the reference, the access code and the due date at once, follows it as "received, being registered", and
after the intake worker has run (in process here) sees the case — keyboard only, axe-clean, in Chinese and
English; in English with a file attached, which the worker attaches to the case."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import assert_accessible
from tests.portal.conftest import PDF, latest_code
from tests.support.world import fresh_resident_id
from xiaobao.complaints.management.commands.run_intake import IntakeWorker
from xiaobao.complaints.models import Attachment, Complaint, Receipt
from xiaobao.complaints.selectors import due_of_received

HEADINGS = {
    "zh-hans": ("我们已收到您的投诉", "正在登记"),
    "en": ("We have received your complaint", "being registered"),
}


def press_until_focused(page: Page, target: Any, limit: int = 40) -> None:
    """Tab until ``target`` has the focus, then Enter: how a keyboard user presses it."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("e => e === document.activeElement"):
            page.keyboard.press("Enter")
            return
    raise AssertionError("the element cannot be reached with the Tab key")


@pytest.mark.parametrize(("language", "with_file"), [("zh-hans", False), ("en", True)])
def test_a_consumer_files_sees_the_receipt_and_then_the_case(
    browser: Browser, live_server: Any, insurer_code: str, language: str, with_file: bool, settings: Any
) -> None:
    settings.XIAOBAO_INTAKE_IMMEDIATE = False  # as deployed: the intake worker registers
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    host = live_server.url.split("//", 1)[1].split(":")[0]
    context.add_cookies([{"name": "django_language", "value": language, "domain": host, "path": "/"}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    received_heading, being_registered = HEADINGS[language]
    try:
        # the phone checked, then the details, sent with the keyboard
        page.goto(f"/i/{insurer_code}/complain/")
        page.locator("#id_name").fill("王淑芬")
        page.locator("#id_resident_id").fill(fresh_resident_id())
        page.locator("#id_phone").fill("13800138001")
        page.locator("#id_phone").press("Enter")
        page.locator("#id_code").fill(latest_code("verification_code"))
        page.locator("#id_code").press("Enter")
        page.locator("#id_product_line").select_option("medical")
        page.locator("#id_description").fill("住院费用理赔被拒，拒赔通知看不懂。")
        if with_file:
            page.locator("#id_attachments").set_input_files(
                files=[{"name": "诊断证明.pdf", "mimeType": "application/pdf", "buffer": PDF}]
            )
        assert_accessible(page)
        press_until_focused(page, page.locator("form button.primary[type=submit]"))

        # the answer at once: reference, access code, day received, due date; no case yet
        expect(page.get_by_role("heading", name=received_heading)).to_be_visible()
        reference = page.locator("#reference").inner_text()
        receipt = Receipt.objects.get()
        assert reference == receipt.reference
        assert len(page.locator("#access-code").inner_text()) == 8
        due = due_of_received(receipt.received_at)
        assert due is not None
        expect(page.locator("#due time")).to_have_attribute("datetime", due.due.isoformat())
        assert not Complaint.objects.exists()
        assert len(receipt.staged_files) == (1 if with_file else 0)
        assert_accessible(page)

        # tracking: received, being registered
        press_until_focused(page, page.locator(f"a[href='/track/{reference}/']"))
        expect(page.locator("#receipt-state")).to_contain_text(being_registered)
        expect(page.locator("#due time")).to_have_attribute("datetime", due.due.isoformat())
        assert_accessible(page)

        # the intake worker runs; a reload shows the case, reached by the receipt's reference
        assert IntakeWorker(worker_id="e2e-intake", batch=5, interval=0).drain() == 1
        page.reload()
        complaint = Complaint.objects.get()
        expect(page).to_have_url(f"{live_server.url}/track/{complaint.reference}/")
        expect(page.get_by_role("heading", level=1)).to_contain_text(complaint.reference)
        kept = [a.file.read() for a in Attachment.objects.filter(complaint=complaint)]
        assert kept == ([PDF] if with_file else [])
        assert_accessible(page)
    finally:
        context.close()
