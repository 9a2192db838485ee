"""Filing online with any identity document (INC-3): a passport holder files and tracks; a wrong number is refused
by the rule of its kind, nothing typed lost; a new urban resident's complaint gets the shorter internal target."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.conftest import World
from tests.portal.conftest import Filer
from xiaobao.complaints import selectors
from xiaobao.complaints.models import Complaint, Deadline
from xiaobao.identity.models import Consumer
from xiaobao.kernel.actors import Role
from xiaobao.notifications.models import Notification

pytestmark = pytest.mark.django_db

PASSPORT = "C01X00T47"


def passport_holder(world: World, client: Client | None = None) -> Filer:
    return Filer(client or Client(), world.ours.insurer, PASSPORT)


def start_with_passport(filer: Filer, **overrides: str) -> object:
    return filer.start(**{"name": "Anna Müller", "id_kind": "passport", "birth_year": "1991", **overrides})


def file(filer: Filer, **start: str) -> tuple[Complaint, str]:
    start_with_passport(filer, **start)
    filer.verify()
    filed = filer.details()
    assert filed.status_code == 302, filed.content.decode()  # type: ignore[attr-defined]
    page = filer.client.get(filed["Location"]).content.decode()  # type: ignore[index]
    code = re.search(r'id="access-code">(\d{8})<', page)
    assert code is not None
    return Complaint.objects.get(), code.group(1)


def test_the_form_offers_every_document_with_the_resident_id_chosen(world: World) -> None:
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/i/{world.ours.insurer.code}/complain/").content.decode()
    chosen = re.search(r'<select name="id_kind"[^>]*>(.*?)</select>', page, re.S)
    assert chosen is not None
    assert '<option value="resident_id" selected>' in chosen.group(1)
    assert "Foreign passport" in chosen.group(1)
    assert "Mainland Travel Permit for Hong Kong and Macao Residents" in chosen.group(1)
    assert '<label for="id_birth_year">' in page


def test_a_passport_holder_files_online_and_then_tracks_the_complaint(world: World) -> None:
    filer = passport_holder(world)
    complaint, code = file(filer)
    other_browser = Client()

    opened = other_browser.post("/track/", {"reference": complaint.reference, "access_code": code})
    tracked = other_browser.get(opened["Location"])

    person = complaint.complainant
    assert (person.id_kind, person.resident_id, person.birth_year) == ("passport", PASSPORT, 1991)
    assert (complaint.channel, complaint.state) == ("web", "registered")
    assert opened["Location"] == f"/track/{complaint.reference}/"
    assert tracked.status_code == 200
    assert complaint.reference in tracked.content.decode()


def test_a_passport_number_in_the_wrong_shape_is_refused_naming_the_format_and_keeping_what_was_typed(
    world: World,
) -> None:
    filer = passport_holder(world, Client(HTTP_ACCEPT_LANGUAGE="en"))

    response = start_with_passport(filer, resident_id="C01X<0T47")

    page = response.content.decode()  # type: ignore[attr-defined]
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "5 to 9 letters and digits" in page
    assert 'value="C01X&lt;0T47"' in page
    assert 'value="Anna Müller"' in page
    assert 'value="1991"' in page
    assert '<option value="passport" selected>' in page
    assert not Notification.objects.filter(purpose="verification_code").exists()


def test_a_passport_number_typed_as_a_resident_id_is_refused_as_a_resident_id(world: World) -> None:
    filer = passport_holder(world, Client(HTTP_ACCEPT_LANGUAGE="en"))

    response = filer.start(name="Anna Müller", resident_id=PASSPORT)  # the kind left as it was: resident ID

    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "Check the 18 characters on the ID card" in response.content.decode()  # type: ignore[attr-defined]
    assert not Consumer.objects.exists()


def test_a_birth_year_typed_with_a_resident_id_is_not_kept_the_card_says_it(filer: Filer) -> None:
    filer.start(birth_year="1930")
    filer.verify()
    assert Consumer.objects.get().birth_year == 1985  # tests.support.world.fresh_resident_id's year


def test_an_impossible_birth_year_is_refused(world: World) -> None:
    filer = passport_holder(world, Client(HTTP_ACCEPT_LANGUAGE="en"))
    response = start_with_passport(filer, birth_year="1850")
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "Enter the year you were born" in response.content.decode()  # type: ignore[attr-defined]
    assert not Notification.objects.filter(purpose="verification_code").exists()


def test_an_elderly_passport_holder_is_flagged_by_the_year_they_gave(world: World) -> None:
    complaint, _ = file(passport_holder(world), birth_year="1950")
    assert complaint.elderly
    assert Deadline.objects.get(complaint=complaint, active=True).target is not None


def test_a_new_urban_resident_filing_online_gets_the_shorter_target_and_comes_first_among_equals(
    world: World,
) -> None:
    """INC-3: priority response to new urban residents' complaints. Before, nothing a person filing online could
    say made them one, so the priority the queue gives them never reached anyone who filed online."""
    _, supervisor = world.ours.staff(Role.SUPERVISOR, branch=world.ours.province)
    ordinary, _ = file(passport_holder(world), phone="13800138001")
    newcomer = Filer(Client(), world.ours.insurer, "X1234567")
    start_with_passport(newcomer, resident_id="X1234567", phone="13900139002", new_urban_resident="on")
    newcomer.verify()
    newcomer.details(token="form-2")
    theirs = Complaint.objects.exclude(pk=ordinary.pk).get()

    queue = [row.complaint.pk for row in selectors.queue(supervisor, selectors.QueueFilters())]

    ordinary_clock = Deadline.objects.get(complaint=ordinary, active=True)
    their_clock = Deadline.objects.get(complaint=theirs, active=True)
    assert (theirs.new_urban_resident, ordinary.new_urban_resident) == (True, False)
    assert ordinary_clock.due == their_clock.due
    assert queue.index(theirs.pk) < queue.index(ordinary.pk)  # filed later, shown first
    assert ordinary_clock.target is None
    assert their_clock.target is not None
    assert their_clock.target < their_clock.due
