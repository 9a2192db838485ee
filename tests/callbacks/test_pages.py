"""The call-back pages: the portal's form and confirmation, the one-press link on every portal page, and the
workbench queue — each refused to anyone else with the answer an unknown page gets (INC-E3)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.callbacks.conftest import Ask
from tests.conftest import World
from tests.support.clock import SettableClock
from tests.support.matrix import row_counts
from xiaobao.callbacks.models import CallbackRequest
from xiaobao.identity.models import Staff
from xiaobao.kernel.actors import Actor, Role

FORM = {"phone": "13800138001", "slot": "soon", "language": "mandarin", "note": "", "dialect": "", "token": "t-1"}


def signed_in(client: Client, actor: Actor) -> Client:
    client.force_login(Staff.objects.get(pk=actor.staff_id).user)
    return client


def test_the_form_offers_the_pages_language_first(world: World, client: Client, clock: SettableClock) -> None:
    page = client.get(f"/i/{world.ours.insurer.code}/call-back/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    checked = re.findall(r'<input type="radio" name="language" value="(\w+)"[^>]* checked>', page)
    assert checked == ["english"]


def test_a_request_leads_to_its_confirmation_with_the_time_the_hotline_and_the_reference(
    world: World, client: Client, clock: SettableClock
) -> None:
    world.ours.insurer.complaint_phone = "400-000-9501"
    world.ours.insurer.save()
    response = client.post(f"/i/{world.ours.insurer.code}/call-back/", {**FORM, "elderly": "on"})
    callback = CallbackRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/call-back/{callback.reference}/"
    page = client.get(response["Location"]).content.decode()
    assert callback.reference in page
    assert "400-000-9501" in page
    assert "10:30" in page  # priority: within 30 minutes
    assert "138****8001" in page


def test_a_double_submit_makes_one_request_and_both_lead_to_it(
    world: World, client: Client, clock: SettableClock
) -> None:
    first = client.post(f"/i/{world.ours.insurer.code}/call-back/", FORM)
    second = client.post(f"/i/{world.ours.insurer.code}/call-back/", FORM)
    assert CallbackRequest.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_a_rejected_form_keeps_what_was_typed(world: World, client: Client, clock: SettableClock) -> None:
    response = client.post(
        f"/i/{world.ours.insurer.code}/call-back/",
        {**FORM, "language": "dialect", "dialect": "", "note": "孙女帮我填的", "new_urban_resident": "on"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "孙女帮我填的" in page
    assert 'value="13800138001"' in page
    assert 'name="new_urban_resident" id="id_new_urban_resident" checked' in page
    assert 'name="token" value="t-1"' in page
    assert CallbackRequest.objects.count() == 0


def test_a_consumer_signed_in_is_called_on_their_phone_without_typing_it(
    world: World, client: Client, clock: SettableClock
) -> None:
    consumer = world.ours.consumer(phone="13912340000")
    consumer.user = get_user_model().objects.create_user(username="elder", password="x" * 12)
    consumer.save(update_fields=["user"])
    client.force_login(consumer.user)
    assert "139****0000" in client.get(f"/i/{world.ours.insurer.code}/call-back/").content.decode()
    client.post(f"/i/{world.ours.insurer.code}/call-back/", {**FORM, "phone": ""})
    assert CallbackRequest.objects.get().phone == "+8613912340000"


def test_another_browser_does_not_see_the_confirmation(world: World, client: Client, clock: SettableClock) -> None:
    response = client.post(f"/i/{world.ours.insurer.code}/call-back/", FORM)
    assert Client().get(response["Location"]).status_code == 404


def test_without_an_insurer_the_first_question_is_which(world: World, client: Client) -> None:
    page = client.get("/call-back/").content.decode()
    assert f'href="/i/{world.ours.insurer.code}/call-back/"' in page
    assert f'href="/i/{world.theirs.insurer.code}/call-back/"' in page


def test_an_insurers_page_offers_its_hotline_and_its_call_back(world: World, client: Client) -> None:
    world.ours.insurer.complaint_phone = "400-000-9501"
    world.ours.insurer.save()
    header = client.get(f"/i/{world.ours.insurer.code}/").content.decode().split("</header>")[0]
    assert f'class="call-me-back" href="/i/{world.ours.insurer.code}/call-back/"' in header
    assert 'href="tel:400-000-9501"' in header


def test_a_page_about_no_insurer_offers_the_call_back_that_asks_which(world: World, client: Client) -> None:
    header = client.get("/track/").content.decode().split("</header>")[0]
    assert 'class="call-me-back" href="/call-back/"' in header


def test_workbench_pages_do_not_offer_a_call_back(world: World, client: Client) -> None:
    _staff, handler = world.ours.staff(Role.HANDLER)
    page = signed_in(client, handler).get("/workbench/").content.decode()
    assert "call-me-back" not in page


# -- the workbench queue --------------------------------------------------------------------------------------


def test_the_queue_asks_anonymous_people_to_sign_in(client: Client) -> None:
    response = client.get("/workbench/call-backs/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_staff_without_the_role_get_the_unknown_page_answer(world: World, client: Client) -> None:
    _staff, auditor = world.ours.staff(Role.AUDITOR)
    signed_in(client, auditor)
    assert client.get("/workbench/call-backs/").status_code == 404
    assert client.get("/workbench/no-such-page/").status_code == 404


def test_a_handler_sees_their_insurers_requests_only(
    ask: Ask, world: World, client: Client, clock: SettableClock
) -> None:
    ours, theirs = ask(), ask(insurer_id=world.theirs.insurer.pk)
    _staff, handler = world.ours.staff(Role.HANDLER)
    page = signed_in(client, handler).get("/workbench/call-backs/").content.decode()
    assert ours.reference in page
    assert theirs.reference not in page
    assert 'href="/workbench/call-backs/"' in page  # in the nav


@pytest.mark.parametrize("path", ["call", "phone"])
def test_another_insurers_request_is_answered_as_not_found(
    ask: Ask, world: World, client: Client, clock: SettableClock, path: str
) -> None:
    theirs = ask(insurer_id=world.theirs.insurer.pk)
    _staff, handler = world.ours.staff(Role.HANDLER)
    signed_in(client, handler)
    before = row_counts()
    answers: list[Any] = [
        client.post(f"/workbench/call-backs/{pk}/{path}/", {"outcome": "called", "note": "x"})
        for pk in (theirs.pk, theirs.pk + 1000)
    ]
    assert [a.status_code for a in answers] == [404, 404]
    assert answers[0].content == answers[1].content
    assert row_counts() == before
    assert CallbackRequest.objects.get(pk=theirs.pk).state == "open"


def test_a_handler_records_a_call_from_the_queue(ask: Ask, world: World, client: Client, clock: SettableClock) -> None:
    callback = ask()
    _staff, handler = world.ours.staff(Role.HANDLER)
    response = signed_in(client, handler).post(
        f"/workbench/call-backs/{callback.pk}/call/", {"outcome": "called", "note": "已解答"}
    )
    assert response.status_code == 302
    assert CallbackRequest.objects.get(pk=callback.pk).state == "called"
    assert callback.reference not in client.get("/workbench/call-backs/").content.decode().split("</table>")[1]


def test_a_refused_call_record_keeps_the_note_typed(
    ask: Ask, world: World, client: Client, clock: SettableClock
) -> None:
    callback = ask()
    _staff, handler = world.ours.staff(Role.HANDLER)
    response = signed_in(client, handler).post(
        f"/workbench/call-backs/{callback.pk}/call/", {"outcome": "closed", "note": "打了三次"}
    )
    assert response.status_code == 400
    assert "打了三次" in response.content.decode()
    assert CallbackRequest.objects.get(pk=callback.pk).state == "open"


def test_the_number_to_call_is_shown_to_the_handler_on_request(
    ask: Ask, world: World, client: Client, clock: SettableClock
) -> None:
    callback = ask(phone="13800138001")
    _staff, handler = world.ours.staff(Role.HANDLER)
    signed_in(client, handler)
    assert "+8613800138001" not in client.get("/workbench/call-backs/").content.decode()
    page = client.post(f"/workbench/call-backs/{callback.pk}/phone/").content.decode()
    assert 'href="tel:+8613800138001"' in page
