"""A passport holder files a complaint and follows it in a real browser, axe-clean at every step (INC-3, INC-W1)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import assert_accessible
from tests.portal.conftest import latest_code
from xiaobao.complaints.models import Complaint

pytestmark = pytest.mark.browser


def test_a_passport_holder_files_and_then_tracks_the_complaint(
    browser: Browser, live_server: Any, insurer_code: str
) -> None:
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(f"/i/{insurer_code}/complain/")
        expect(page.get_by_label("Type of ID document")).to_have_value("resident_id")
        assert_accessible(page)

        page.get_by_label("Your name").fill("Anna Müller")
        page.get_by_label("Type of ID document").select_option("passport")
        number = page.get_by_label("Resident ID or other ID document number")
        number.fill("C01X<0T47")  # typed from the machine-readable line
        page.get_by_label("Year of birth").fill("1991")
        page.get_by_label("Mobile phone").fill("13800138001")
        page.get_by_role("button", name="Send me the code").click()

        expect(page.get_by_text("5 to 9 letters and digits")).to_be_visible()
        expect(number).to_have_value("C01X<0T47")  # nothing typed is lost
        expect(page.get_by_label("Type of ID document")).to_have_value("passport")
        assert_accessible(page)

        number.fill("C01X00T47")
        page.get_by_role("button", name="Send me the code").click()
        page.get_by_label("The 6-digit code from the text message").fill(latest_code("verification_code"))
        page.get_by_role("button", name="Check the code").click()
        page.get_by_label("Which insurance is it about?").select_option("medical")
        page.get_by_label("What happened?").fill("My hospital claim was refused without a reason.")
        assert_accessible(page)
        page.get_by_role("button", name="Send my complaint").click()

        expect(page.get_by_role("heading", name="We have received your complaint")).to_be_visible()
        reference = page.locator("#reference").inner_text()
        code = page.locator("#access-code").inner_text()
        assert Complaint.objects.get(reference=reference).complainant.id_kind == "passport"

        page.context.clear_cookies()  # another day, another browser: reference and code open it
        page.goto("/track/")
        page.get_by_label("Reference number of the complaint or claim").fill(reference)
        page.get_by_label("Access code").fill(code)
        page.get_by_role("button", name="Open").click()
        expect(page.get_by_role("heading", name=f"Your complaint {reference}")).to_be_visible()
        assert_accessible(page)
    finally:
        context.close()
