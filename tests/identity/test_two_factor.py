"""Staff sign in with a password and a code from their authenticator (issue #19, SEC-1): the password alone
reaches nothing, a wrong or reused code is refused, guessing codes is stopped, and a first authenticator is
enrolled (QR code and key) and confirmed by a first code — each step audited."""

from __future__ import annotations

import io
import os
import re
import uuid
from base64 import b32decode
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver

from tests.conftest import World
from tests.support.clock import SettableClock
from tests.support.two_factor import code_from_secret, fresh_code
from tests.support.world import PASSWORD
from xiaobao.audit.models import AuditEvent
from xiaobao.identity import actions, login_throttle, two_factor
from xiaobao.identity.models import Authenticator, EnrolmentTicket, Staff
from xiaobao.identity.two_factor import VERIFIED
from xiaobao.kernel.actors import SYSTEM, Role
from xiaobao.privacy import keys
from xiaobao.workbench import urls as workbench_urls

pytestmark = pytest.mark.django_db

CODE_STEP = "/accounts/two-factor/"
ENROLMENT = "/accounts/two-factor/enrol/"


@pytest.fixture
def handler(world: World) -> Staff:
    staff, _ = world.ours.staff(Role.HANDLER, Role.ADMINISTRATOR)
    Authenticator.objects.create(user=staff.user, name="phone", confirmed=True)
    return staff


def password_only(staff: Staff) -> Client:
    client = Client(REMOTE_ADDR="203.0.113.7")
    assert client.post("/accounts/login/", {"username": staff.user.username, "password": PASSWORD}).status_code == 302
    return client


def device_of(staff: Staff) -> Authenticator:
    return Authenticator.objects.get(user=staff.user, confirmed=True)


def every_workbench_url() -> list[str]:
    """Each workbench address, its parameters filled with something of the right shape."""
    fillers = {"int": "1", "str": "x", "slug": "x", "uuid": str(uuid.uuid4()), "path": "x"}
    urls = []
    for pattern in workbench_urls.urlpatterns:
        assert isinstance(pattern, URLPattern | URLResolver)
        route = str(pattern.pattern)
        urls.append("/workbench/" + re.sub(r"<(\w+):\w+>", lambda m: fillers[m.group(1)], route))
    return urls


def test_the_password_alone_reaches_no_workbench_page(handler: Staff, clock: SettableClock) -> None:
    client = password_only(handler)
    urls = every_workbench_url()
    assert len(urls) > 40
    for url in urls:
        for response in (client.get(url), client.post(url, {})):
            assert response.status_code == 302, url
            assert response["Location"].startswith(CODE_STEP), url


def test_the_password_alone_does_not_reach_the_admin_site(handler: Staff, clock: SettableClock) -> None:
    get_user_model().objects.filter(pk=handler.user_id).update(is_staff=True, is_superuser=True)
    client = Client()
    client.post("/admin/login/?next=/admin/", {"username": handler.user.username, "password": PASSWORD})
    for url in ("/admin/", "/admin/auth/user/", f"/admin/auth/user/{handler.user_id}/change/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(CODE_STEP), url


def test_the_code_step_returns_to_the_page_asked_for(handler: Staff, clock: SettableClock) -> None:
    client = password_only(handler)
    asked = client.get("/workbench/approvals/?page=2")
    assert asked["Location"] == f"{CODE_STEP}?next=%2Fworkbench%2Fapprovals%2F%3Fpage%3D2"
    answered = client.post(
        asked["Location"], {"code": fresh_code(device_of(handler)), "next": "/workbench/approvals/?page=2"}
    )
    assert answered["Location"] == "/workbench/approvals/?page=2"
    assert client.get("/workbench/approvals/").status_code == 200


def test_a_next_outside_the_site_is_ignored(handler: Staff, clock: SettableClock) -> None:
    client = password_only(handler)
    answered = client.post(CODE_STEP, {"code": fresh_code(device_of(handler)), "next": "https://evil.example/"})
    assert answered["Location"] == "/after-login/"


def test_a_wrong_code_is_refused(handler: Staff, clock: SettableClock) -> None:
    client = password_only(handler)
    right = fresh_code(device_of(handler))
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    refused = client.post(CODE_STEP, {"code": wrong})
    assert refused.status_code == 200
    assert "验证码不正确" in refused.content.decode()
    assert VERIFIED not in client.session
    assert client.get("/workbench/")["Location"].startswith(CODE_STEP)


def test_the_right_code_lets_in(handler: Staff, clock: SettableClock) -> None:
    client = password_only(handler)
    assert client.post(CODE_STEP, {"code": fresh_code(device_of(handler))})["Location"] == "/after-login/"
    assert client.get("/workbench/").status_code == 200


def test_a_code_used_once_is_refused_the_second_time(handler: Staff, clock: SettableClock) -> None:
    code = fresh_code(device_of(handler))
    first = password_only(handler)
    assert first.post(CODE_STEP, {"code": code}).status_code == 302
    second = password_only(handler)  # someone who saw the code, within its 30 seconds
    assert second.post(CODE_STEP, {"code": code}).status_code == 200
    assert second.get("/workbench/")["Location"].startswith(CODE_STEP)


def test_guessing_codes_is_stopped_even_the_right_code_is_then_refused(handler: Staff, clock: SettableClock) -> None:
    client = password_only(handler)
    right = fresh_code(device_of(handler))
    for n in range(login_throttle.CODES_PER_ACCOUNT):
        client.post(CODE_STEP, {"code": f"{(int(right) + 1 + n) % 1_000_000:06d}"})
    refused = client.post(CODE_STEP, {"code": right})
    assert refused.status_code == 200
    assert "尝试次数过多" in refused.content.decode()
    assert client.get("/workbench/")["Location"].startswith(CODE_STEP)
    # from another address too: the lock is the account's, not the address's
    other = Client(REMOTE_ADDR="198.51.100.9")
    other.post("/accounts/login/", {"username": handler.user.username, "password": PASSWORD})
    assert other.post(CODE_STEP, {"code": right}).status_code == 200


def test_staff_without_an_authenticator_enrol_one_before_anything_else(world: World, clock: SettableClock) -> None:
    staff, _ = world.ours.staff(Role.HANDLER)
    client = password_only(staff)
    assert client.get("/workbench/")["Location"].startswith(ENROLMENT)
    page = client.get(ENROLMENT).content.decode()
    assert "<svg" in page  # the QR code, drawn here
    secret = page.split('id="totp-secret">')[1].split("<")[0]
    assert re.fullmatch(r"[A-Z2-7 ]{32,}", secret)
    assert client.get(ENROLMENT).content.decode().count(secret) == 1  # the same key until confirmed

    wrong = client.post(ENROLMENT, {"code": "000000" if code_from_secret(secret) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert not Authenticator.objects.filter(user=staff.user, confirmed=True).exists()

    confirmed = client.post(ENROLMENT, {"code": code_from_secret(secret)})
    assert confirmed["Location"] == "/after-login/"
    assert Authenticator.objects.filter(user=staff.user, confirmed=True).count() == 1
    assert client.get("/workbench/").status_code == 200
    events = list(AuditEvent.objects.filter(subject_id=str(staff.user_id)).values_list("event_type", flat=True))
    assert events.count("account.two_factor_enrolment_started") == 1
    assert events.count("account.two_factor_confirmed") == 1


def test_someone_with_an_authenticator_cannot_enrol_another_with_the_password_alone(
    handler: Staff, clock: SettableClock
) -> None:
    client = password_only(handler)
    assert client.get(ENROLMENT)["Location"].startswith(CODE_STEP)
    assert client.post(ENROLMENT, {"code": "123456"})["Location"].startswith(CODE_STEP)
    assert Authenticator.objects.filter(user=handler.user).count() == 1


def test_enrolment_codes_are_throttled_too(world: World, clock: SettableClock) -> None:
    staff, _ = world.ours.staff(Role.HANDLER)
    client = password_only(staff)
    secret = client.get(ENROLMENT).content.decode().split('id="totp-secret">')[1].split("<")[0]
    right = code_from_secret(secret)
    for n in range(login_throttle.CODES_PER_ACCOUNT):
        client.post(ENROLMENT, {"code": f"{(int(right) + 1 + n) % 1_000_000:06d}"})
    assert "尝试次数过多" in client.post(ENROLMENT, {"code": right}).content.decode()
    assert not Authenticator.objects.filter(user=staff.user, confirmed=True).exists()


def test_with_the_setting_off_the_password_is_enough(handler: Staff, clock: SettableClock, settings: Any) -> None:
    settings.XIAOBAO_STAFF_TWO_FACTOR = False
    assert password_only(handler).get("/workbench/").status_code == 200


def test_the_setting_is_on_by_default() -> None:
    from django.conf import settings

    assert settings.XIAOBAO_STAFF_TWO_FACTOR is True


def test_a_consumer_page_is_untouched(world: World, clock: SettableClock) -> None:
    assert Client().get("/").status_code == 200


def test_the_password_alone_reaches_no_data_through_the_api(handler: Staff, clock: SettableClock) -> None:
    client = password_only(handler)
    assert client.get("/api/v1/complaints").status_code == 401
    client.post(CODE_STEP, {"code": fresh_code(device_of(handler))})
    assert client.get("/api/v1/complaints").status_code == 200


@pytest.mark.parametrize("url", [CODE_STEP, ENROLMENT, "/accounts/password/"])
def test_someone_not_signed_in_is_sent_to_sign_in_and_nothing_is_made(url: str, clock: SettableClock) -> None:
    before = (Authenticator.objects.count(), AuditEvent.objects.count())
    for response in (Client().get(url), Client().post(url, {"code": "123456"})):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert (Authenticator.objects.count(), AuditEvent.objects.count()) == before


def test_a_consumer_has_no_code_step(world: World, clock: SettableClock) -> None:
    """Consumers sign in by a code sent to their phone (portal); a consumer's account is never asked for one."""
    consumer = world.ours.consumer()
    user = get_user_model().objects.create_user("consumer-with-password", password=PASSWORD)
    type(consumer).objects.filter(pk=consumer.pk).update(user=user)
    client = Client()
    assert client.post("/accounts/login/", {"username": user.username, "password": PASSWORD}).status_code == 302
    assert client.get(CODE_STEP)["Location"] == "/after-login/"
    assert not client.get("/my/").get("Location", "").startswith(CODE_STEP)
    assert not Authenticator.objects.exists()


def test_a_reset_of_the_authenticator_ends_every_session_of_the_staff_member(
    world: World, handler: Staff, clock: SettableClock
) -> None:
    """Given the staff member signed in with both steps here and with the password alone elsewhere, when their
    administrator resets their authenticator (a lost phone), then neither session opens anything any more."""
    verified = password_only(handler)
    assert verified.post(CODE_STEP, {"code": fresh_code(device_of(handler))}).status_code == 302
    assert verified.get("/workbench/").status_code == 200
    half_way = password_only(handler)
    _admin, administrator = world.ours.staff(Role.ADMINISTRATOR)

    actions.staff_two_factor_reset(actor=administrator, staff_id=handler.pk)

    for client in (verified, half_way):
        assert client.get("/workbench/")["Location"].startswith("/accounts/login/")


def test_deactivation_ends_the_sessions_so_reactivating_the_account_does_not_revive_them(
    world: World, handler: Staff, clock: SettableClock
) -> None:
    verified = password_only(handler)
    assert verified.post(CODE_STEP, {"code": fresh_code(device_of(handler))}).status_code == 302
    _admin, administrator = world.ours.staff(Role.ADMINISTRATOR)

    actions.staff_deactivate(actor=administrator, staff_id=handler.pk)
    get_user_model().objects.filter(pk=handler.user_id).update(is_active=True)  # e.g. through the admin site

    assert verified.get("/workbench/")["Location"].startswith("/accounts/login/")


def test_the_authenticator_secret_is_not_stored_in_plaintext(world: World, clock: SettableClock) -> None:
    """Given an authenticator enrolled through the pages, when its row is read from the database as it is
    stored, then neither the key shown (base32) nor its hex form is there, and django-otp's table is empty."""
    staff, _ = world.ours.staff(Role.HANDLER)
    client = password_only(staff)
    secret = client.get(ENROLMENT).content.decode().split('id="totp-secret">')[1].split("<")[0]
    assert client.post(ENROLMENT, {"code": code_from_secret(secret)}).status_code == 302
    device = two_factor.confirmed_device(staff.user)
    assert device is not None
    raw_key = b32decode(secret.replace(" ", ""))
    quote = connection.ops.quote_name

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {quote(device._meta.db_table)} WHERE id = %s", [device.pk])
        stored = " ".join(str(value) for value in cursor.fetchone())
        cursor.execute("SELECT COUNT(*) FROM otp_totp_totpdevice")
        plain_devices = cursor.fetchone()[0]

    assert raw_key.hex() not in stored.lower()
    assert secret.replace(" ", "") not in stored.upper()
    assert plain_devices == 0
    assert device.bin_key == raw_key  # and read through the model, it is the secret


def test_rotate_keys_re_encrypts_the_authenticator_secrets(handler: Staff, settings: Any) -> None:
    before = device_of(handler).bin_key
    newest = os.urandom(32)
    out = io.StringIO()
    try:
        with override_settings(XIAOBAO_ENCRYPTION_KEYS={"rotated": newest, **settings.XIAOBAO_ENCRYPTION_KEYS}):
            keys.reset()
            call_command("rotate_keys", stdout=out)
        with override_settings(XIAOBAO_ENCRYPTION_KEYS={"rotated": newest}):  # the old key gone
            keys.reset()
            after = device_of(handler).bin_key
    finally:
        keys.reset()

    assert "identity_authenticator.key: 1 of 1 re-encrypted" in out.getvalue()
    assert after == before


def reset_by_the_administrator(world: World, staff: Staff) -> str:
    """The administrator's reset through the workbench page: the set-up code it shows, this once."""
    _admin, administrator = world.ours.staff(Role.ADMINISTRATOR)
    return actions.staff_two_factor_reset(actor=administrator, staff_id=staff.pk)


def test_after_a_reset_the_password_alone_cannot_enrol_a_new_authenticator(
    world: World, handler: Staff, clock: SettableClock
) -> None:
    """Given an administrator's reset, when someone who knows only the password signs in, then the enrolment
    asks for the set-up code and shows no secret, and no authenticator can be made or confirmed."""
    reset_by_the_administrator(world, handler)
    thief = password_only(handler)

    asked = thief.get(ENROLMENT).content.decode()
    posted = thief.post(ENROLMENT, {"code": "123456"}).content.decode()

    assert 'name="ticket"' in asked
    assert "totp-secret" not in asked + posted
    assert not Authenticator.objects.filter(user=handler.user).exists()
    assert thief.get("/workbench/")["Location"].startswith(ENROLMENT)
    with pytest.raises(actions.EnrolmentTicketNeeded):
        actions.account_two_factor_enrol(actor=SYSTEM, user=handler.user)


def test_after_a_reset_the_set_up_code_lets_the_holder_enrol_once(
    world: World, handler: Staff, clock: SettableClock
) -> None:
    code = reset_by_the_administrator(world, handler)
    client = password_only(handler)

    accepted = client.post(ENROLMENT, {"ticket": code.lower().replace("-", " ")})
    page = client.get(ENROLMENT).content.decode()
    secret = page.split('id="totp-secret">')[1].split("<")[0]
    confirmed = client.post(ENROLMENT, {"code": code_from_secret(secret)})

    assert accepted.status_code == 302
    assert confirmed["Location"] == "/after-login/"
    assert client.get("/workbench/").status_code == 200
    assert Authenticator.objects.filter(user=handler.user, confirmed=True).count() == 1
    assert not EnrolmentTicket.objects.exists()  # used up


def test_a_wrong_or_expired_set_up_code_is_refused_and_counted(
    world: World, handler: Staff, clock: SettableClock
) -> None:
    code = reset_by_the_administrator(world, handler)
    client = password_only(handler)
    for _ in range(login_throttle.CODES_PER_ACCOUNT):
        assert "不正确" in client.post(ENROLMENT, {"ticket": "ABCDE-FGHJK"}).content.decode()
    assert "尝试次数过多" in client.post(ENROLMENT, {"ticket": code}).content.decode()
    clock.advance(days=3, minutes=1)
    late = password_only(handler)
    assert late.post(ENROLMENT, {"ticket": code}).status_code == 200  # three days old: refused
    assert "totp-secret" not in late.get(ENROLMENT).content.decode()
