"""Nothing typed is lost (issue #15): a form sent after the phone check lapsed is kept and only a new code is
asked for; "finish later" keeps it a day for its one consumer; the filed page says only what was really sent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client

from tests.conftest import World
from tests.portal.conftest import Filer, apply, filed_and_opened, latest_code
from tests.support.clock import SettableClock
from tests.support.world import fresh_resident_id
from xiaobao.audit.models import AuditEvent
from xiaobao.claims.models import Claim
from xiaobao.complaints.models import Complaint
from xiaobao.intake.models import Draft
from xiaobao.notifications.models import Notification
from xiaobao.ops import clock

pytestmark = pytest.mark.django_db

TYPED = {
    "product_line": "medical",
    "reason": "claims",
    "description": "住院费用理赔被拒，理由是既往症，但我投保时如实告知了。",
    "requested_outcome": "重新审核并赔付",
    "policy_number": "PA-2025-7788",
    "token": "form-lapse",
}


def Later(minutes: int) -> SettableClock:  # noqa: N802  (reads as the moment it names)
    """The application's clock, ``minutes`` from now."""
    return SettableClock(clock.now() + timedelta(minutes=minutes))


def test_the_check_lasts_while_the_person_is_active(filer: Filer) -> None:
    filer.verified()
    url = f"/i/{filer.insurer.code}/complain/details/"
    for minutes in (20, 40, 60):  # a page every 20 minutes: never 30 idle
        with clock.using(Later(minutes)):
            assert filer.client.get(url).status_code == 200


def test_a_form_sent_after_the_check_lapsed_is_kept_and_only_a_new_code_is_asked(filer: Filer) -> None:
    filer.verified()
    codes_before = Notification.objects.filter(purpose="verification_code").count()
    with clock.using(Later(45)):
        sent = filer.client.post(f"/i/{filer.insurer.code}/complain/details/", TYPED)
        assert sent["Location"] == f"/i/{filer.insurer.code}/check-again/"
        assert Complaint.objects.count() == 0
        asked = filer.client.get(sent["Location"]).content.decode()
        assert "138****8001" in asked
        assert 'name="resident_id"' not in asked  # only the code
        assert 'name="phone"' not in asked
        new_code = Notification.objects.filter(purpose="verification_code").order_by("-created_at").first()
        assert Notification.objects.filter(purpose="verification_code").count() == codes_before + 1
        assert new_code is not None
        assert new_code.to_address.endswith("13800138001")
        back = filer.client.post(sent["Location"], {"code": latest_code("verification_code")})
        assert back["Location"] == f"/i/{filer.insurer.code}/complain/details/"
        form = filer.client.get(back["Location"]).content.decode()
    for name in ("description", "requested_outcome", "policy_number"):
        assert TYPED[name] in form
    assert 'value="medical" selected' in form
    assert 'id="kept-notice"' in form  # which says files are chosen again


def test_the_kept_form_sent_again_files_one_complaint_and_forgets_the_draft(filer: Filer) -> None:
    filer.verified()
    with clock.using(Later(45)):
        filer.client.post(f"/i/{filer.insurer.code}/complain/details/", TYPED)
        filer.client.post(f"/i/{filer.insurer.code}/check-again/", {"code": latest_code("verification_code")})
        filed = filer.client.post(f"/i/{filer.insurer.code}/complain/details/", TYPED)
        again = filer.client.post(f"/i/{filer.insurer.code}/complain/details/", TYPED)
    assert filed["Location"] == again["Location"]
    assert Complaint.objects.count() == 1
    assert Draft.objects.count() == 0
    assert AuditEvent.objects.filter(event_type="intake.draft_discarded").count() == 1


def test_a_wrong_new_code_opens_nothing_and_keeps_the_draft(filer: Filer) -> None:
    filer.verified()
    with clock.using(Later(45)):
        filer.client.post(f"/i/{filer.insurer.code}/complain/details/", TYPED)
        wrong = "000000" if latest_code("verification_code") != "000000" else "111111"
        refused = filer.client.post(f"/i/{filer.insurer.code}/check-again/", {"code": wrong})
        assert refused.status_code == 400
        assert filer.client.get(f"/i/{filer.insurer.code}/complain/details/").status_code == 302
    assert Draft.objects.count() == 1


def test_finish_later_keeps_the_form_a_day_and_brings_it_back_after_signing_in_elsewhere(filer: Filer) -> None:
    filer.verified()
    kept = filer.client.post(f"/i/{filer.insurer.code}/complain/details/", {**TYPED, "save": "later"})
    assert kept.status_code == 200
    assert TYPED["description"] in kept.content.decode()
    assert Complaint.objects.count() == 0
    draft = Draft.objects.get()
    assert draft.expires_at - draft.saved_at == timedelta(days=1)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT fields FROM {Draft._meta.db_table}")
        (stored,) = cursor.fetchone()
    assert TYPED["description"] not in stored  # encrypted at rest
    other_browser = Client()
    other_browser.post("/sign-in/", {"phone": "13800138001"})
    other_browser.post("/sign-in/code/", {"code": latest_code("verification_code")})
    page = other_browser.get(f"/i/{filer.insurer.code}/complain/details/").content.decode()
    assert TYPED["description"] in page


def test_a_draft_is_gone_after_a_day(filer: Filer) -> None:
    filer.verified()
    filer.client.post(f"/i/{filer.insurer.code}/complain/details/", {**TYPED, "save": "later"})
    with clock.using(Later(24 * 60 + 1)):
        filer.client.post("/sign-in/", {"phone": "13800138001"})
        filer.client.post("/sign-in/code/", {"code": latest_code("verification_code")})
        page = filer.client.get(f"/i/{filer.insurer.code}/complain/details/").content.decode()
    assert TYPED["description"] not in page


def test_nobody_else_ever_sees_a_draft(filer: Filer, world: World) -> None:
    filer.verified()
    filer.client.post(f"/i/{filer.insurer.code}/complain/details/", {**TYPED, "save": "later"})
    other = Filer(Client(), world.ours.insurer, fresh_resident_id())
    other.start(phone="13900139002")
    other.verify()
    assert TYPED["description"] not in other.client.get(f"/i/{filer.insurer.code}/complain/details/").content.decode()
    assert TYPED["description"] not in Client().get(f"/i/{filer.insurer.code}/complain/details/").content.decode()
    theirs = world.theirs.insurer
    assert TYPED["description"] not in filer.client.get(f"/i/{theirs.code}/complain/details/").content.decode()


def test_a_claim_form_sent_after_the_check_lapsed_is_kept_too(filer: Filer) -> None:
    filer.verified()
    with clock.using(Later(45)):
        sent = apply(filer, description="下楼梯摔伤，右腕骨折，住院三天。")
        assert sent["Location"] == f"/i/{filer.insurer.code}/check-again/"  # type: ignore[index]
        back = filer.client.post(sent["Location"], {"code": latest_code("verification_code")})  # type: ignore[index]
        assert back["Location"] == f"/i/{filer.insurer.code}/claim/"
        form = filer.client.get(back["Location"]).content.decode()
    assert "下楼梯摔伤，右腕骨折，住院三天。" in form
    assert "ACC-2026-0042" in form
    assert Claim.objects.count() == 0


def test_the_filed_page_of_a_repeat_says_nothing_new_was_sent(filer: Filer) -> None:
    filed_and_opened(filer)
    notices = Notification.objects.count()
    again = filer.details(token="form-again")  # the same complaint in a new form
    page = filer.client.get(again["Location"]).content.decode()  # type: ignore[index]
    assert Complaint.objects.count() == 1
    assert Notification.objects.count() == notices
    assert 'id="access-code"' not in page
    assert 'id="sent-nothing"' in page  # "we have not sent you a new message"
    assert 'id="sent-sms"' not in page


def test_the_filed_page_names_the_channel_the_code_really_went_by(filer: Filer) -> None:
    filer.start(preferred_channel="email", email="wang@example.com")
    filer.verify()
    page = filer.client.get(filer.details()["Location"]).content.decode()  # type: ignore[index]
    assert 'id="sent-email"' in page
    assert 'id="sent-sms"' not in page


def test_the_worker_deletes_drafts_past_their_day_and_says_so_in_the_audit_log(filer: Filer) -> None:
    from xiaobao.intake.tasks import forget_expired_drafts

    filer.verified()
    filer.client.post(f"/i/{filer.insurer.code}/complain/details/", {**TYPED, "save": "later"})
    assert forget_expired_drafts.call() == 0
    with clock.using(Later(24 * 60 + 1)):
        assert forget_expired_drafts.call() == 1
    assert Draft.objects.count() == 0
    assert AuditEvent.objects.filter(event_type="intake.draft_discarded").count() == 1
