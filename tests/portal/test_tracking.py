"""Tracking with reference and access code: same refusal for wrong code and unknown number, guesses throttled."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.portal.conftest import Filer, filed_and_opened
from xiaobao.audit.models import AuditEvent
from xiaobao.complaints import actions
from xiaobao.complaints.models import Complaint
from xiaobao.kernel.actors import SYSTEM
from xiaobao.portal.views import GUESSES_PER_REFERENCE_A_DAY

pytestmark = pytest.mark.django_db


def test_reference_and_code_open_the_tracking_page_and_it_shows_new_steps(filer: Filer) -> None:
    complaint, code = filed_and_opened(filer)
    other_browser = Client()

    opened = other_browser.post("/track/", {"reference": complaint.reference.lower(), "access_code": code})
    actions.complaint_accept(actor=SYSTEM, complaint_id=complaint.pk)
    page = other_browser.get(opened["Location"]).content.decode()

    assert opened["Location"] == f"/track/{complaint.reference}/"
    assert "投诉已受理" in page
    assert "已受理，等待指派调查人员" in page
    assert "还剩" in page


def test_a_provisional_due_date_is_explained_to_the_consumer(filer: Filer) -> None:
    from xiaobao.complaints.models import Deadline

    complaint, _ = filed_and_opened(filer)
    url = f"/track/{complaint.reference}/"
    confirmed = filer.client.get(url).content.decode()
    Deadline.objects.filter(complaint=complaint, active=True).update(provisional=True)
    actions.complaint_accept(actor=SYSTEM, complaint_id=complaint.pk)  # a new step: the page is drawn again
    provisional = filer.client.get(url).content.decode()

    assert "下一年度的法定节假日尚未公布" not in confirmed
    assert "下一年度的法定节假日尚未公布" in provisional


def test_a_wrong_code_looks_exactly_like_an_unknown_reference(filer: Filer) -> None:
    complaint, code = filed_and_opened(filer)
    wrong_code = Client().post("/track/", {"reference": complaint.reference, "access_code": "00000000"})
    unknown = Client().post("/track/", {"reference": "LN-2026-999999", "access_code": code})
    assert wrong_code.status_code == unknown.status_code == 400
    strip = lambda r: re.sub(r'value="[^"]*"|csrfmiddlewaretoken[^>]*', "", r.content.decode())  # noqa: E731
    assert strip(wrong_code) == strip(unknown)


def test_guessing_is_throttled_even_for_the_right_code_afterwards(filer: Filer) -> None:
    complaint, code = filed_and_opened(filer)
    guesser = Client(REMOTE_ADDR="198.51.100.66")
    for guess in range(5):
        guesser.post("/track/", {"reference": complaint.reference, "access_code": f"1234567{guess}"})

    blocked = guesser.post("/track/", {"reference": complaint.reference, "access_code": code})

    assert blocked.status_code == 400
    assert "尝试次数过多" in blocked.content.decode()


def test_a_guesser_does_not_lock_the_complainant_out(filer: Filer) -> None:
    """Before: five wrong guesses from anywhere locked the reference for everyone for 15 minutes."""
    complaint, code = filed_and_opened(filer)
    guesser = Client(REMOTE_ADDR="198.51.100.66")
    for guess in range(5):
        guesser.post("/track/", {"reference": complaint.reference, "access_code": f"1234567{guess}"})

    opened = Client(REMOTE_ADDR="203.0.113.7").post("/track/", {"reference": complaint.reference, "access_code": code})

    assert opened.status_code == 302


def test_guessing_one_reference_from_many_addresses_is_capped(filer: Filer) -> None:
    complaint, code = filed_and_opened(filer)
    for n in range(GUESSES_PER_REFERENCE_A_DAY):
        Client(REMOTE_ADDR=f"198.51.{n // 4}.{n % 4}").post(
            "/track/", {"reference": complaint.reference, "access_code": f"12{n:06d}"}
        )

    blocked = Client(REMOTE_ADDR="198.51.100.200").post(
        "/track/", {"reference": complaint.reference, "access_code": code}
    )

    assert blocked.status_code == 400


def test_an_unopened_complaint_is_not_shown(filer: Filer) -> None:
    complaint, _ = filed_and_opened(filer)
    assert Client().get(f"/track/{complaint.reference}/").status_code == 404


def test_the_complainant_withdraws_and_asks_for_mediation_from_the_tracking_page(filer: Filer) -> None:
    complaint, _ = filed_and_opened(filer)
    filer.client.post(f"/track/{complaint.reference}/mediation/")
    filer.client.post(f"/track/{complaint.reference}/withdraw/", {"confirm": "yes"})
    complaint.refresh_from_db()
    assert complaint.state == "withdrawn"
    assert complaint.mediation_wanted_on is not None


def test_one_press_on_withdraw_only_asks_to_confirm_and_changes_nothing(filer: Filer) -> None:
    complaint, _ = filed_and_opened(filer)
    events_before = AuditEvent.objects.count()
    asked = filer.client.post(f"/track/{complaint.reference}/withdraw/")
    assert asked.status_code == 200
    page = asked.content.decode()
    assert 'name="confirm" value="yes"' in page
    assert f'href="/track/{complaint.reference}/"' in page  # the way back keeps the complaint
    assert Complaint.objects.get(pk=complaint.pk).state != "withdrawn"
    assert AuditEvent.objects.count() == events_before


def test_a_review_request_without_grounds_keeps_the_page_and_says_why(filer: Filer) -> None:
    complaint, _ = filed_and_opened(filer)
    for step in ("accept",):
        getattr(actions, f"complaint_{step}")(actor=SYSTEM, complaint_id=complaint.pk)
    response = filer.client.post(f"/track/{complaint.reference}/review/", {"grounds": ""})
    assert response.status_code == 400
    assert Complaint.objects.get(pk=complaint.pk).state == "accepted"


def test_the_elder_version_is_remembered(client: Client) -> None:
    switched = client.post("/elder-mode/", {"elder": "on", "next": "/track/"})
    page = client.get("/track/").content.decode()
    assert switched["Location"] == "/track/"
    assert '<body class="elder">' in page
    client.post("/elder-mode/", {"elder": "off", "next": "https://evil.example/"})
    assert '<body class="elder">' not in client.get("/").content.decode()


def test_a_signed_in_consumer_sees_their_own_complaints_and_no_one_elses(filer: Filer) -> None:
    from django.contrib.auth import get_user_model

    complaint, _ = filed_and_opened(filer)
    user = get_user_model().objects.create_user("wang", password="wang-password-2026")
    complaint.complainant.user = user
    complaint.complainant.save(update_fields=["user"])
    stranger = get_user_model().objects.create_user("stranger", password="stranger-password-2026")
    from tests.support.world import make_consumer

    other = make_consumer(name="路人")
    other.user = stranger
    other.save(update_fields=["user"])

    me = Client()
    landed = me.post("/accounts/login/", {"username": "wang", "password": "wang-password-2026"})
    mine = me.get("/my/").content.decode()
    page = me.get(f"/track/{complaint.reference}/")
    someone = Client()
    someone.force_login(stranger)

    assert landed["Location"] == "/after-login/"
    assert me.get("/after-login/")["Location"] == "/my/"
    assert complaint.reference in mine
    assert page.status_code == 200
    assert complaint.reference not in someone.get("/my/").content.decode()
    assert someone.get(f"/track/{complaint.reference}/").status_code == 404


def test_the_complainant_whose_phone_is_checked_opens_their_case_from_my_page(filer: Filer) -> None:
    """Before: /my/ listed the case for a phone-checked complainant, and its link answered 404 in a new browser."""
    complaint, _code = filed_and_opened(filer)
    again = Filer(Client(), filer.insurer, filer.resident_id)
    again.start(phone="13800138001")
    again.verify()
    assert complaint.reference in again.client.get("/my/").content.decode()
    assert again.client.get(f"/track/{complaint.reference}/").status_code == 200


def test_the_case_page_tells_the_story_with_the_stage_now_marked(filer: Filer) -> None:
    complaint, _ = filed_and_opened(filer)
    actions.complaint_accept(actor=SYSTEM, complaint_id=complaint.pk)
    page = filer.client.get(f"/track/{complaint.reference}/").content.decode()
    stepper = page.split('class="stepper"')[1].split("</ol>")[0]
    assert stepper.count("<li") == 6
    assert stepper.count('aria-current="step"') == 1
    assert stepper.count('class="done"') == 2  # received, accepted
    assert 'id="headline"' not in page  # no decision yet: no headline
