"""The portal's complaint form, write-behind (issue #20, ADR 0023 addendum): after the phone check and the details,
the request keeps one receipt and answers at once with the reference, the access code, the day received and the
due date; the intake worker registers the case with that same code. Tracking shows "received, being registered"
until then, and the case afterwards — to the person who filed it only."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from tests.portal.conftest import Filer
from tests.support.clock import SettableClock
from tests.support.matrix import consumer_with_account, row_counts
from xiaobao.audit.models import AuditEvent
from xiaobao.complaints import actions
from xiaobao.complaints.actions import _registration
from xiaobao.complaints.domain.receipts import ReceiptState
from xiaobao.complaints.management.commands.run_intake import IntakeWorker
from xiaobao.complaints.models import Complaint, Deadline, Receipt
from xiaobao.identity.models import Staff
from xiaobao.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _deferred(settings: Any, clock: SettableClock) -> None:
    """Write-behind as deployed (the suite's default registers in the request), on Monday 2 March 2026."""
    settings.XIAOBAO_INTAKE_IMMEDIATE = False
    settings.XIAOBAO_INTAKE_LEASE_SECONDS = 60


def worker() -> IntakeWorker:
    return IntakeWorker(worker_id="test-portal-intake", batch=5, interval=0)


def shown(page: str, element: str) -> str:
    found = re.search(rf'id="{element}">(?:<time[^>]*>)?([^<]+)<', page)
    assert found is not None, f"no #{element} in the page"
    return found.group(1).strip()


def answered(response: Any) -> tuple[str, str, str]:
    """The reference, access code and due date the answer to the form shows."""
    page = response.content.decode()
    return shown(page, "reference"), shown(page, "access-code"), shown(page, "due")


def test_the_form_keeps_one_receipt_and_answers_with_reference_code_and_due_date(filer: Filer) -> None:
    # given a consumer whose phone is checked (the check itself writes its own rows)
    filer.verified()
    before = (Complaint.objects.count(), AuditEvent.objects.count(), Notification.objects.count())

    # when they send the details
    response = filer.details()

    # then one receipt is kept, and nothing else yet: no case, no audit event, no notice
    assert response.status_code == 200
    receipt = Receipt.objects.get()
    assert (Complaint.objects.count(), AuditEvent.objects.count(), Notification.objects.count()) == before
    assert re.fullmatch(r"consumer:\d+", receipt.caller)  # the consumer, as the actor
    page = response.content.decode()
    reference, code, due = answered(response)
    assert re.fullmatch(r"LN-2026-W\d{6}", reference)
    assert reference == receipt.reference
    assert re.fullmatch(r"\d{8}", code)
    with connection.cursor() as cursor:  # the code is sealed with the request: encrypted, not readable in the row
        cursor.execute("SELECT payload, request_hash, error FROM complaints_receipt")
        assert code not in str(cursor.fetchall())
    assert shown(page, "received-on") == "2026-03-02"
    assert due == "2026-03-17"  # 15 days from the day after 2 March (CMP-T1, CMP-T7)
    assert "CMP-T1" in page


def test_the_worker_registers_the_case_with_the_code_already_given(filer: Filer) -> None:
    # given a complaint acknowledged with its code
    filer.verified()
    reference, code, due = answered(filer.details())

    # when the intake worker runs
    assert worker().drain() == 1

    # then the case opens with the same code, its clock is the due date shown, and the notice carries that code
    complaint = Complaint.objects.get()
    other_browser = Client()
    opened = other_browser.post("/track/", {"reference": complaint.reference, "access_code": code})
    assert opened["Location"] == f"/track/{complaint.reference}/"
    assert Deadline.objects.get(complaint=complaint).due.isoformat() == due
    notice = Notification.objects.get(purpose="complaint_received")
    assert code in notice.body
    assert Receipt.objects.get().complaint_id == complaint.pk
    assert AuditEvent.objects.get(event_type="complaint.registered").new_values["receipt"] == reference


def test_a_double_submit_or_a_reload_gives_the_same_receipt_and_one_case(filer: Filer, clock: SettableClock) -> None:
    # given the form sent, then sent again (a double click, or a reload of the POST a moment later)
    filer.verified()
    first = answered(filer.details(token="same-form"))
    clock.advance(seconds=2)
    second = answered(filer.details(token="same-form"))

    # when the worker registers it, and the form is sent once more
    worker().drain()
    after = filer.details(token="same-form")
    worker().drain()

    # then it is one receipt, one code, one case; the last reload leads to the case by the receipt's reference
    assert first == second
    assert (Receipt.objects.count(), Complaint.objects.count()) == (1, 1)
    assert Notification.objects.filter(purpose="complaint_received").count() == 1
    assert after.status_code == 302
    assert after["Location"] == f"/track/{first[0]}/"
    assert filer.client.get(after["Location"])["Location"] == f"/track/{Complaint.objects.get().reference}/"


def test_tracking_shows_received_being_registered_then_the_case(filer: Filer) -> None:
    # given a complaint acknowledged, and a second browser that opens it with the reference and the code
    filer.verified()
    reference, code, due = answered(filer.details())
    elsewhere = Client()
    opened = elsewhere.post("/track/", {"reference": reference.lower(), "access_code": code})

    # when both look before the worker runs
    mine = filer.client.get(f"/track/{reference}/")
    theirs = elsewhere.get(opened["Location"])
    listed = filer.client.get("/my/").content.decode()

    # then both see it received, being registered, with the day and the due date
    assert opened["Location"] == f"/track/{reference}/"
    for page in (mine, theirs):
        assert page.status_code == 200
        text = page.content.decode()
        assert shown(text, "receipt-state")
        assert shown(text, "received-on") == "2026-03-02"
        assert shown(text, "due") == due
    assert reference in listed

    # and once the worker has run, the receipt's reference leads both to the case
    worker().drain()
    complaint = Complaint.objects.get()
    for browser in (filer.client, elsewhere):
        moved = browser.get(f"/track/{reference}/")
        assert moved["Location"] == f"/track/{complaint.reference}/"
        assert browser.get(moved["Location"]).status_code == 200
    listed = filer.client.get("/my/").content.decode()
    assert complaint.reference in listed
    assert reference not in listed


def test_a_crash_between_the_halves_resumes_and_registers_once(
    filer: Filer, clock: SettableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a receipt whose worker dies in the middle of registering it
    filer.verified()
    reference, code, _ = answered(filer.details())

    class Killed(BaseException):
        pass

    def killed(**_: object) -> None:
        raise Killed

    monkeypatch.setattr(_registration, "tell_complainant", killed)
    with pytest.raises(Killed):
        worker().run_once()
    monkeypatch.undo()
    assert Complaint.objects.count() == 0
    assert filer.client.get(f"/track/{reference}/").status_code == 200  # still received, being registered

    # when its lease runs out and another worker takes it
    assert worker().drain() == 0  # no other worker takes it while the dead one's lease runs
    clock.advance(seconds=61)
    assert actions.receipts_sweep().requeued == 1
    assert worker().drain() == 1
    assert worker().drain() == 0

    # then one case, with the code the consumer was given, and one notice
    complaint = Complaint.objects.get()
    assert Client().post("/track/", {"reference": complaint.reference, "access_code": code}).status_code == 302
    assert Notification.objects.filter(purpose="complaint_received").count() == 1
    assert Receipt.objects.get().state == ReceiptState.DONE


def test_a_rejected_form_keeps_what_was_typed_and_stores_nothing(filer: Filer) -> None:
    filer.verified()
    before = row_counts()
    incomplete = filer.details(reason="", description="保单现金价值算错了，我要一份说明。")
    assert incomplete.status_code == 400
    assert "保单现金价值算错了，我要一份说明。" in incomplete.content.decode()

    # the same form (token) sent again with different words: refused, and the new words stay on the page
    filer.details(token="edited")
    after_first = row_counts()
    changed = filer.details(token="edited", description="另一件事：客服不接电话。")
    assert changed.status_code == 400
    assert "另一件事：客服不接电话。" in changed.content.decode()
    assert row_counts() == after_first
    assert {k: v for k, v in after_first.items() if v != before.get(k)} == {"Receipt": 1}


def _unknown_and_guessed(filer: Filer) -> tuple[str, str]:
    filer.verified()
    reference, code, _ = answered(filer.details())
    return reference, code


def _strip(response: Any, *references: str) -> str:
    text = re.sub(r'value="[^"]*"|csrfmiddlewaretoken[^>]*', "", response.content.decode())
    for reference in references:
        text = text.replace(reference, "REF")
    return text


@pytest.mark.parametrize("when", ["before registration", "after registration"])
@pytest.mark.parametrize("who", ["anonymous", "another consumer", "another insurer's staff", "same insurer's staff"])
def test_no_one_else_learns_anything_of_a_receipt(filer: Filer, world: Any, who: str, when: str) -> None:
    # given a receipt, and someone else with its reference but not its code
    reference, code = _unknown_and_guessed(filer)
    if when == "after registration":
        worker().drain()
    unknown = f"LN-2026-W{int(reference.rsplit('W', 1)[1]) + 1:06d}"
    someone = Client()
    if who == "another consumer":
        someone.force_login(consumer_with_account(world.ours.insurer.pk, name="路人"))
    elif who == "another insurer's staff":
        someone.force_login(Staff.objects.get(pk=world.theirs.staff()[1].staff_id).user)
    elif who == "same insurer's staff":
        someone.force_login(Staff.objects.get(pk=world.ours.staff()[1].staff_id).user)

    # when they open it by its link, with a wrong code, and try a guessed one
    opened = someone.get(f"/track/{reference}/")
    never = someone.get(f"/track/{unknown}/")
    wrong = someone.post("/track/", {"reference": reference, "access_code": "00000000"})
    guessed = someone.post("/track/", {"reference": unknown, "access_code": code})
    listed = someone.get("/my/").content.decode() if who == "another consumer" else ""

    # then they get what an unknown reference gives, and nothing of the complaint
    assert opened.status_code == never.status_code == 404
    assert _strip(opened, reference) == _strip(never, unknown)
    assert wrong.status_code == guessed.status_code == 400
    assert _strip(wrong) == _strip(guessed)
    assert reference not in listed
    for page in (opened, wrong):
        assert "2026-03-17" not in page.content.decode()
        assert "住院费用理赔被拒" not in page.content.decode()


def test_the_consumer_signed_in_with_an_account_follows_their_receipt(filer: Filer) -> None:
    # given a complaint acknowledged, filed by a consumer who also has an account
    from django.contrib.auth import get_user_model

    filer.verified()
    reference, _, due = answered(filer.details())
    consumer = Receipt.objects.get().caller.split(":")[1]
    user = get_user_model().objects.create_user("wang-wb", password="wang-password-2026")
    from xiaobao.identity.models import Consumer

    Consumer.objects.filter(pk=consumer).update(user=user)
    signed_in = Client()
    signed_in.force_login(user)

    # then, in another browser signed in, "my complaints" lists it and its page shows it being registered
    assert reference in signed_in.get("/my/").content.decode()
    page = signed_in.get(f"/track/{reference}/")
    assert page.status_code == 200
    assert shown(page.content.decode(), "due") == due


def test_a_repeat_from_a_new_form_leads_by_its_own_code_to_the_first_case(filer: Filer) -> None:
    # given the same complaint sent from two forms (two receipts, two codes), registered by the worker
    filer.verified()
    first, first_code, _ = answered(filer.details(token="form-a"))
    second, second_code, _ = answered(filer.details(token="form-b"))
    worker().drain()

    # then there is one case (the repeat linked to it, no second notice), and each receipt with its own code
    # leads another browser to it
    complaint = Complaint.objects.get()
    assert Notification.objects.filter(purpose="complaint_received").count() == 1
    assert AuditEvent.objects.filter(event_type="complaint.duplicate_linked").count() == 1
    for reference, code in ((first, first_code), (second, second_code)):
        browser = Client()
        opened = browser.post("/track/", {"reference": reference, "access_code": code})
        assert browser.get(opened["Location"])["Location"] == f"/track/{complaint.reference}/"
        assert browser.get(f"/track/{complaint.reference}/").status_code == 200
