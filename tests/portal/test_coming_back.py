"""Coming back in one step (issue #15): sign in with the phone alone, every notice links to its case, a link
followed in another browser asks the person to show the case is theirs, a claim opens with its reference and
access code; a stranger gets nothing by any of these doors."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client

from tests.conftest import World
from tests.portal.conftest import Filer, apply, filed_and_opened, latest_code
from tests.support.clock import SettableClock
from tests.support.world import fresh_resident_id
from xiaobao.claims.models import Claim
from xiaobao.complaints.models import Complaint
from xiaobao.notifications.models import Notification
from xiaobao.ops import clock

pytestmark = pytest.mark.django_db


def sign_in(client: Client, phone: str, next_path: str = "") -> object:
    query = f"?next={next_path}" if next_path else ""
    client.post(f"/sign-in/{query}", {"phone": phone, "next": next_path})
    return client.post("/sign-in/code/", {"code": latest_code("verification_code")})


def case_link(notice: Notification) -> str:
    found = re.search(r"https?://[^/\s]+(/\S+/)", notice.body)
    assert found, notice.body
    return found.group(1)


def test_my_cases_sends_a_consumer_to_the_phone_sign_in_not_the_staff_log_in(client: Client) -> None:
    response = client.get("/my/")
    assert response["Location"] == "/sign-in/?next=%2Fmy%2F"
    page = client.get(response["Location"]).content.decode()
    assert 'name="phone"' in page
    assert 'name="password"' not in page


def test_the_phone_alone_signs_a_complainant_back_in_a_new_browser(filer: Filer, world: World) -> None:
    complaint, _code = filed_and_opened(filer)
    later = Client()
    with clock.using(SettableClock(clock.now() + timedelta(days=1))):
        assert later.get("/my/").status_code == 302
        signed_in = sign_in(later, "138 0013 8001")
        assert signed_in["Location"] == "/my/"  # type: ignore[index]
        page = later.get("/my/").content.decode()
    assert complaint.reference in page


def test_sign_in_goes_back_to_the_page_that_asked_for_it(filer: Filer) -> None:
    complaint, _code = filed_and_opened(filer)
    later = Client()
    target = f"/track/{complaint.reference}/"
    assert sign_in(later, "13800138001", target)["Location"] == target  # type: ignore[index]
    assert later.get(target).status_code == 200


def test_sign_in_never_sends_anyone_to_another_site(filer: Filer) -> None:
    filed_and_opened(filer)
    later = Client()
    for outside in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        assert sign_in(later, "13800138001", outside)["Location"] == "/my/"  # type: ignore[index]
        later = Client()


def test_a_wrong_code_signs_nobody_in_and_says_so(filer: Filer) -> None:
    filed_and_opened(filer)
    later = Client()
    later.post("/sign-in/", {"phone": "13800138001"})
    wrong = later.post(
        "/sign-in/code/", {"code": "000000" if latest_code("verification_code") != "000000" else "111111"}
    )
    assert wrong.status_code == 400
    assert later.get("/my/")["Location"].startswith("/sign-in/")


def test_a_phone_with_no_case_is_told_so_and_sees_nothing(filer: Filer) -> None:
    filed_and_opened(filer)
    stranger = Client()
    page = sign_in(stranger, "13900139009").content.decode()  # type: ignore[attr-defined]
    assert "13900139009" not in page  # masked
    assert "139****9009" in page
    assert stranger.get("/my/")["Location"].startswith("/sign-in/")


def test_a_phone_that_filed_for_two_people_chooses_whose_cases_and_sees_only_theirs(world: World) -> None:
    first, second = Filer(Client(), world.ours.insurer, fresh_resident_id()), None
    one, _ = filed_and_opened(first)
    second = Filer(Client(), world.ours.insurer, fresh_resident_id())
    second.start(name="王建国")
    second.verify()
    second.details(description="另一份投诉：保单退保费用。", token="form-2")
    other = Complaint.objects.exclude(pk=one.pk).get()
    later = Client()
    choose = sign_in(later, "13800138001")
    assert choose["Location"] == "/sign-in/choose/"  # type: ignore[index]
    page = later.get("/sign-in/choose/").content.decode()
    assert "王*芬" in page
    assert "王*国" in page
    assert "王淑芬" not in page
    later.post("/sign-in/choose/", {"consumer": str(other.complainant_id)})
    mine = later.get("/my/").content.decode()
    assert other.reference in mine
    assert one.reference not in mine


def test_a_consumer_cannot_choose_a_person_the_phone_did_not_prove(filer: Filer, world: World) -> None:
    filed_and_opened(filer)
    someone_else = Complaint.objects.get().complainant_id + 1000
    later = Client()
    sign_in(later, "13800138001")
    forged = later.post("/sign-in/choose/", {"consumer": str(someone_else)})
    assert forged["Location"] == "/sign-in/"  # type: ignore[index]  # one record: no choice step is open


def test_every_complaint_notice_carries_the_link_to_its_case_and_a_person_to_call(filer: Filer, settings) -> None:  # type: ignore[no-untyped-def]
    settings.XIAOBAO_PUBLIC_URL = "https://xiaobao.example"
    filer.insurer.complaint_phone = "95500"
    filer.insurer.save(update_fields=["complaint_phone"])
    complaint, _code = filed_and_opened(filer)
    received = Notification.objects.get(purpose="complaint_received")
    assert f"https://xiaobao.example/track/{complaint.reference}/" in received.body
    assert "95500" in received.body
    assert f"https://xiaobao.example/i/{filer.insurer.code}/call-back/" in received.body


def test_a_link_followed_in_another_browser_offers_both_ways_to_open_the_case(filer: Filer) -> None:
    complaint, code = filed_and_opened(filer)
    link = case_link(Notification.objects.get(purpose="complaint_received"))
    later = Client()
    asked = later.get(link)
    assert asked.status_code == 404
    page = asked.content.decode()
    assert f'value="{complaint.reference}"' in page  # the reference filled in
    assert "/sign-in/?next=" in page
    assert "住院费用" not in page  # nothing of the case
    opened = later.post("/track/", {"reference": complaint.reference, "access_code": code})
    assert opened["Location"] == link


def test_the_open_case_page_of_an_unknown_reference_is_the_same_as_of_a_real_one(filer: Filer) -> None:
    complaint, _code = filed_and_opened(filer)
    real = Client().get(f"/track/{complaint.reference}/")
    unknown = Client().get("/track/LN-2026-999999/")
    assert real.status_code == unknown.status_code == 404

    def shown(page: bytes, reference: str) -> str:
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page.decode()).replace(reference, "X")

    assert shown(real.content, complaint.reference) == shown(unknown.content, "LN-2026-999999")


def test_a_claim_opens_with_its_reference_and_the_code_in_its_first_message(filer: Filer) -> None:
    filer.verified()
    apply(filer)
    claim = Claim.objects.get()
    received = Notification.objects.get(purpose="claim_received")
    code = re.search(r"(\d{8})", received.body.split(claim.reference, 1)[1])
    assert code, received.body
    assert f"/claims/{claim.reference}/" in received.body
    later = Client()
    assert later.get(f"/claims/{claim.reference}/").status_code == 404
    opened = later.post("/track/", {"reference": claim.reference.lower(), "access_code": code.group(1)})
    assert opened["Location"] == f"/claims/{claim.reference}/"
    page = later.get(f"/claims/{claim.reference}/")
    assert page.status_code == 200
    assert 'name="doc-' in page.content.decode()


def test_a_wrong_claim_code_opens_nothing_and_is_refused_like_an_unknown_number(filer: Filer) -> None:
    filer.verified()
    apply(filer)
    claim = Claim.objects.get()
    later = Client()
    wrong = later.post("/track/", {"reference": claim.reference, "access_code": "00000000"})
    unknown = later.post("/track/", {"reference": "CL-2026-999999", "access_code": "00000000"})
    assert wrong.status_code == unknown.status_code == 400
    assert later.get(f"/claims/{claim.reference}/").status_code == 404
    assert later.post(f"/claims/{claim.reference}/home-visit/", {"day": "2026-12-31"}).status_code == 404


def test_a_claim_opened_by_code_does_not_open_another_claim_of_the_same_browser(filer: Filer, world: World) -> None:
    filer.verified()
    apply(filer)
    other = Filer(Client(), world.ours.insurer, fresh_resident_id())
    other.start(phone="13900139002")
    other.verify()
    apply(other, token="claim-form-2")
    mine, theirs = Claim.objects.order_by("pk")
    code = re.search(
        r"(\d{8})",
        Notification.objects.filter(purpose="claim_received")
        .order_by("created_at")[0]
        .body.split(mine.reference, 1)[1],
    )
    assert code
    later = Client()
    later.post("/track/", {"reference": mine.reference, "access_code": code.group(1)})
    assert later.get(f"/claims/{mine.reference}/").status_code == 200
    assert later.get(f"/claims/{theirs.reference}/").status_code == 404


def test_a_consumer_who_lands_on_the_staff_log_in_is_sent_to_the_phone_sign_in(client: Client) -> None:
    page = client.get("/accounts/login/").content.decode()
    assert 'href="/sign-in/"' in page
