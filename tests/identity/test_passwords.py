"""Staff change their password (the old one required, Django's validators) and set a new one from an emailed
link (issue #19): the link comes through the outbox, works once and for an hour, the answer is the same whether
or not an account has the address, asking is throttled, and the log-in lock-out is kept."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.conftest import World
from tests.support.clock import SettableClock
from tests.support.two_factor import fresh_code
from tests.support.world import PASSWORD
from xiaobao.audit.models import AuditEvent
from xiaobao.identity import login_throttle
from xiaobao.identity.models import Authenticator, Staff
from xiaobao.kernel.actors import Role
from xiaobao.notifications.models import Notification

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-new-and-longer-passphrase-7"
RESET = "/accounts/password/reset/"


@pytest.fixture
def staff(world: World) -> Staff:
    member, _ = world.ours.staff(Role.HANDLER)
    get_user_model().objects.filter(pk=member.user_id).update(email="handler@ours.example")
    Authenticator.objects.create(user=member.user, name="phone", confirmed=True)
    member.refresh_from_db()
    return member


def signed_in(staff: Staff, password: str = PASSWORD) -> Client:
    """Both steps, through the pages."""
    client = Client(REMOTE_ADDR="203.0.113.7")
    assert client.post("/accounts/login/", {"username": staff.user.username, "password": password}).status_code == 302
    code = fresh_code(Authenticator.objects.get(user_id=staff.user_id))
    assert client.post("/accounts/two-factor/", {"code": code}).status_code == 302
    assert client.get("/workbench/").status_code == 200
    return client


def password_accepted(staff: Staff, password: str) -> bool:
    return Client().login(username=staff.user.username, password=password)


def events(event_type: str) -> int:
    return AuditEvent.objects.filter(event_type=event_type).count()


def test_a_password_is_changed_with_the_old_one_and_other_sessions_end(staff: Staff, clock: SettableClock) -> None:
    here, elsewhere = signed_in(staff), signed_in(staff)
    response = here.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "密码已修改" in response.content.decode()
    assert password_accepted(staff, NEW_PASSWORD)
    assert events("account.password_changed") == 1
    assert here.get("/workbench/").status_code == 200  # this session stays
    assert elsewhere.get("/workbench/")["Location"].startswith("/accounts/login/")  # the other one ended


def test_a_wrong_old_password_changes_nothing(staff: Staff, clock: SettableClock) -> None:
    client = signed_in(staff)
    response = client.post(
        "/accounts/password/",
        {"old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert 'id="id_old_password"' in response.content.decode()
    assert "error-summary" in response.content.decode()
    assert password_accepted(staff, PASSWORD)
    assert events("account.password_changed") == 0


def test_a_weak_new_password_is_refused_by_the_validators(staff: Staff, clock: SettableClock) -> None:
    client = signed_in(staff)
    client.post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"}
    )
    assert password_accepted(staff, PASSWORD)
    assert events("account.password_changed") == 0


def test_changing_the_password_needs_both_steps(staff: Staff, clock: SettableClock) -> None:
    client = Client()
    assert client.get("/accounts/password/")["Location"].startswith("/accounts/login/")
    client.post("/accounts/login/", {"username": staff.user.username, "password": PASSWORD})
    assert client.get("/accounts/password/")["Location"].startswith("/accounts/two-factor/")


def reset_link(notification: Notification) -> str:
    found = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", notification.body)
    assert found, notification.body
    return found.group(1)


def test_a_password_is_reset_from_the_link_in_the_email(staff: Staff, clock: SettableClock) -> None:
    asked = Client().post(RESET, {"email": "Handler@ours.example"})
    assert asked.status_code == 200
    mail = Notification.objects.get(purpose="password_reset")
    assert mail.channel == "email"
    assert mail.to_address == "handler@ours.example"
    assert mail.subject == "设置新的小保密码"
    visitor = Client()
    form = visitor.get(reset_link(mail), follow=True)
    assert "new_password1" in form.content.decode()
    done = visitor.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert password_accepted(staff, NEW_PASSWORD)
    assert events("account.password_reset_asked") == 1
    assert events("account.password_reset") == 1
    assert "此链接已失效" in Client().get(reset_link(mail), follow=True).content.decode()  # it works once


def test_the_reset_link_is_built_from_the_public_address_not_the_host_header(
    staff: Staff, clock: SettableClock, settings: Any
) -> None:
    """Given a request whose Host header names another site (one Django would accept), when a reset is asked,
    then the emailed link points to XIAOBAO_PUBLIC_URL: a forged Host cannot send the token elsewhere."""
    settings.XIAOBAO_PUBLIC_URL = "https://xiaobao.example"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "attacker.example"]
    Client(HTTP_HOST="attacker.example").post(RESET, {"email": "handler@ours.example"})
    body = Notification.objects.get(purpose="password_reset").body
    assert "attacker.example" not in body
    assert re.search(r"https://xiaobao\.example/accounts/password/reset/\S+/", body), body


def test_the_answer_is_the_same_whether_or_not_an_account_has_the_address(staff: Staff, clock: SettableClock) -> None:
    known = Client().post(RESET, {"email": "handler@ours.example"}).content.decode()
    unknown = Client().post(RESET, {"email": "nobody@ours.example"}).content.decode()
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", known) == strip.sub("", unknown)
    assert Notification.objects.filter(purpose="password_reset").count() == 1


def test_the_link_expires_after_an_hour(staff: Staff, clock: SettableClock) -> None:
    Client().post(RESET, {"email": "handler@ours.example"})
    link = reset_link(Notification.objects.get(purpose="password_reset"))
    clock.advance(minutes=61)
    page = Client().get(link, follow=True).content.decode()
    assert "此链接已失效" in page
    assert "new_password1" not in page


def test_asking_for_reset_mails_is_throttled(staff: Staff, clock: SettableClock) -> None:
    for _ in range(login_throttle.RESETS_PER_EMAIL):
        Client(REMOTE_ADDR="198.51.100.3").post(RESET, {"email": "handler@ours.example"})
    refused = Client(REMOTE_ADDR="198.51.100.3").post(RESET, {"email": "handler@ours.example"})
    assert "尝试次数过多" in refused.content.decode()
    assert Notification.objects.filter(purpose="password_reset").count() == login_throttle.RESETS_PER_EMAIL


def test_a_reset_keeps_the_log_in_lock_out(staff: Staff, clock: SettableClock) -> None:
    guesser = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(login_throttle.PER_ACCOUNT_AND_ADDRESS):
        guesser.post("/accounts/login/", {"username": staff.user.username, "password": "wrong"})
    Client().post(RESET, {"email": "handler@ours.example"})
    visitor = Client()
    form = visitor.get(reset_link(Notification.objects.get(purpose="password_reset")), follow=True)
    visitor.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    locked = Client(REMOTE_ADDR="203.0.113.7").post(
        "/accounts/login/", {"username": staff.user.username, "password": NEW_PASSWORD}
    )
    assert locked.status_code == 200
    assert "尝试次数过多" in locked.content.decode()
