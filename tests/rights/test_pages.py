"""/my/data/ on the portal and /workbench/data-requests/ (issue #19): who gets what, and what a rejected form keeps."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.conftest import World
from tests.portal.conftest import latest_code
from tests.rights.conftest import Person
from tests.support.clock import SettableClock
from xiaobao.audit.models import AuditEvent
from xiaobao.kernel.actors import Role
from xiaobao.rights.actions import data_request_make, data_request_refuse
from xiaobao.rights.domain.requests import RequestKind
from xiaobao.rights.models import DataRequest

pytestmark = pytest.mark.django_db


def signed_in(phone: str) -> Client:
    """A browser whose person signed in with their phone and the code sent to it."""
    client = Client()
    client.post("/sign-in/", {"phone": phone, "next": "/my/data/"})
    answer = client.post("/sign-in/code/", {"code": latest_code("verification_code")})
    assert answer["Location"] == "/my/data/"  # type: ignore[index]
    return client


def staff_browser(world: World, which: str, *roles: Role) -> Client:
    staff, _ = getattr(world, which).staff(*roles)
    client = Client()
    client.force_login(staff.user)
    return client


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/my/data/"),
        ("get", "/my/data/export.json"),
        ("post", "/my/data/correct/"),
        ("post", "/my/data/delete/"),
    ],
)
def test_anonymous_is_sent_to_sign_in_and_nothing_is_recorded(
    client: Client, alice: Person, method: str, path: str
) -> None:
    events, requests = AuditEvent.objects.count(), DataRequest.objects.count()
    answer = getattr(client, method)(path, {"delete-confirm": "on", "correct-field": "name", "correct-value": "x"})
    assert answer.status_code == 302
    assert answer["Location"].startswith("/sign-in/")
    assert (AuditEvent.objects.count(), DataRequest.objects.count()) == (events, requests)


def test_staff_are_not_a_consumer_on_the_page(world: World, alice: Person) -> None:
    browser = staff_browser(world, "ours", Role.COMPLIANCE_OFFICER)
    assert browser.get("/my/data/").status_code == 302


def test_the_consumer_sees_her_data_in_plain_language_and_not_his(alice: Person, bob: Person) -> None:
    page = signed_in(alice.phone).get("/my/data/").content.decode()
    assert alice.name in page
    assert all(c.reference in page for c in alice.complaints)
    assert bob.name not in page
    assert "BOBBY" not in page
    assert bob.complaints[0].reference not in page


def test_the_download_is_one_json_file_of_her_data(alice: Person, bob: Person) -> None:
    answer = signed_in(alice.phone).get("/my/data/export.json")
    assert answer["Content-Type"].startswith("application/json")
    assert answer["Content-Disposition"].startswith('attachment; filename="xiaobao-my-data-')
    data = json.loads(answer.content)
    assert [p["name"] for p in data["people"]] == [alice.name]
    assert bob.name not in answer.content.decode()


def test_a_correction_with_no_value_is_refused_and_keeps_what_was_chosen(alice: Person) -> None:
    answer = signed_in(alice.phone).post("/my/data/correct/", {"correct-field": "email", "correct-note": "旧邮箱停用"})
    assert answer.status_code == 400
    page = answer.content.decode()
    assert 'value="email" selected' in page
    assert "旧邮箱停用" in page
    assert DataRequest.objects.count() == 0


def test_a_correction_goes_to_both_insurers(alice: Person) -> None:
    answer = signed_in(alice.phone).post("/my/data/correct/", {"correct-field": "name", "correct-value": "欧阳娜"})
    assert answer.status_code == 302
    assert DataRequest.objects.filter(kind="correction", field="name").count() == 2


def test_a_deletion_needs_the_person_to_say_they_understand(alice: Person) -> None:
    browser = signed_in(alice.phone)
    assert browser.post("/my/data/delete/", {"delete-note": "不再使用"}).status_code == 400
    assert DataRequest.objects.count() == 0
    assert browser.post("/my/data/delete/", {"delete-confirm": "on"}).status_code == 302
    assert DataRequest.objects.filter(kind="deletion").count() == 2


def test_the_consumer_reads_a_refusal_and_its_reasons_on_her_page(world: World, alice: Person) -> None:
    request = data_request_make(actor=alice.actor, kind=RequestKind.DELETION)[0]
    officer = (
        world.ours.staff(Role.COMPLIANCE_OFFICER)[1]
        if request.insurer_id == world.ours.insurer.pk
        else world.theirs.staff(Role.COMPLIANCE_OFFICER)[1]
    )
    data_request_refuse(actor=officer, request_id=request.pk, reasons="监管要求保存至二〇三一年。")
    page = signed_in(alice.phone).get("/my/data/").content.decode()
    assert request.reference in page
    assert "监管要求保存至二〇三一年。" in page


def test_the_queue_shows_compliance_its_own_insurers_requests_only(world: World, alice: Person) -> None:
    requests = data_request_make(actor=alice.actor, kind=RequestKind.DELETION)
    ours = next(r for r in requests if r.insurer_id == world.ours.insurer.pk)
    theirs = next(r for r in requests if r.insurer_id == world.theirs.insurer.pk)
    page = staff_browser(world, "ours", Role.COMPLIANCE_OFFICER).get("/workbench/data-requests/").content.decode()
    assert ours.reference in page
    assert theirs.reference not in page


@pytest.mark.parametrize("who", ["handler", "other_insurer", "consumer", "anonymous"])
def test_the_queue_and_its_decisions_are_refused_to_others(world: World, alice: Person, who: str) -> None:
    request = next(
        r
        for r in data_request_make(actor=alice.actor, kind=RequestKind.DELETION)
        if r.insurer_id == world.ours.insurer.pk
    )
    browser = {
        "handler": lambda: staff_browser(world, "ours", Role.HANDLER, Role.SUPERVISOR),
        "other_insurer": lambda: staff_browser(world, "theirs", Role.COMPLIANCE_OFFICER),
        "consumer": lambda: signed_in(alice.phone),
        "anonymous": Client,
    }[who]()
    events = AuditEvent.objects.count()
    pages = [
        browser.get("/workbench/data-requests/"),
        browser.post(f"/workbench/data-requests/{request.pk}/accept/"),
        browser.post(f"/workbench/data-requests/{request.pk}/refuse/", {"reasons": "不同意删除。"}),
    ]
    expected = 302 if who in {"consumer", "anonymous"} else 404  # not signed in as staff: the log-in page
    if who == "other_insurer":
        assert pages[0].status_code == 200
        assert request.reference not in pages[0].content.decode()
        assert [p.status_code for p in pages[1:]] == [404, 404]
    else:
        assert [p.status_code for p in pages] == [expected] * 3
    assert DataRequest.objects.get(pk=request.pk).state == "open"
    assert AuditEvent.objects.count() == events


def test_a_refusal_without_reasons_comes_back_with_the_error(world: World, alice: Person) -> None:
    request = next(
        r
        for r in data_request_make(actor=alice.actor, kind=RequestKind.DELETION)
        if r.insurer_id == world.ours.insurer.pk
    )
    answer = staff_browser(world, "ours", Role.COMPLIANCE_OFFICER).post(
        f"/workbench/data-requests/{request.pk}/refuse/", {"reasons": " "}
    )
    assert answer.status_code == 400
    assert 'role="alert"' in answer.content.decode()
    assert DataRequest.objects.get(pk=request.pk).state == "open"


def test_compliance_grants_a_correction_from_the_queue(world: World, alice: Person) -> None:
    request = next(
        r
        for r in data_request_make(
            actor=alice.actor, kind=RequestKind.CORRECTION, field="email", value="nana@example.cn"
        )
        if r.insurer_id == world.ours.insurer.pk
    )
    answer = staff_browser(world, "ours", Role.COMPLIANCE_OFFICER).post(
        f"/workbench/data-requests/{request.pk}/accept/"
    )
    assert answer.status_code == 302
    assert DataRequest.objects.get(pk=request.pk).state == "accepted"


def test_an_overdue_request_is_marked_so_in_the_queue(world: World, alice: Person, clock: SettableClock) -> None:
    request = next(
        r
        for r in data_request_make(actor=alice.actor, kind=RequestKind.DELETION)
        if r.insurer_id == world.ours.insurer.pk
    )
    browser = staff_browser(world, "ours", Role.COMPLIANCE_OFFICER)
    assert "badge flag" not in browser.get("/workbench/data-requests/").content.decode()
    clock.advance(days=16)
    browser = staff_browser(world, "ours", Role.COMPLIANCE_OFFICER)  # sixteen days on, a staff session has ended
    page = browser.get("/workbench/data-requests/").content.decode()
    assert request.reference in page
    assert "badge flag" in page
