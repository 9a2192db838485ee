"""Staff log-in is throttled (SEC-1): a guesser is stopped, even the right password is refused while locked,
the real person is not locked out from their own address by a guesser elsewhere, and the lock lifts."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import World
from tests.support.clock import SettableClock
from tests.support.world import PASSWORD
from xiaobao.identity import login_throttle
from xiaobao.kernel.actors import Role

pytestmark = pytest.mark.django_db


def sign_in(username: str, password: str, address: str = "203.0.113.7") -> tuple[int, str]:
    response = Client(REMOTE_ADDR=address).post("/accounts/login/", {"username": username, "password": password})
    return response.status_code, response.content.decode()


@pytest.fixture
def username(world: World) -> str:
    staff, _ = world.ours.staff(Role.HANDLER)
    return str(staff.user.username)


def test_the_right_password_signs_in(username: str, clock: SettableClock) -> None:
    assert sign_in(username, PASSWORD)[0] == 302


def test_after_five_wrong_passwords_even_the_right_one_is_refused(username: str, clock: SettableClock) -> None:
    for _ in range(login_throttle.PER_ACCOUNT_AND_ADDRESS):
        status, page = sign_in(username, "wrong")
        assert status == 200
        assert "用户名或密码不正确" in page
    status, page = sign_in(username, PASSWORD)
    assert status == 200
    assert "尝试次数过多" in page  # says it is locked, and for how long


def test_the_6th_wrong_password_locks_the_account_for_a_while(username: str, clock: SettableClock) -> None:
    """Given five wrong passwords, the 6th (wrong too) is refused as locked, not as wrong; the right password is
    then refused while the lock lasts (the 15-minute window), and accepted once it has passed."""
    for _ in range(login_throttle.PER_ACCOUNT_AND_ADDRESS):
        assert "用户名或密码不正确" in sign_in(username, "wrong")[1]
    status, page = sign_in(username, "wrong")  # the 6th attempt
    assert status == 200
    assert "尝试次数过多" in page
    assert "用户名或密码不正确" not in page
    clock.advance(minutes=14)
    status, page = sign_in(username, PASSWORD)
    assert status == 200  # the right password, still locked
    assert "尝试次数过多" in page
    clock.advance(minutes=2)
    assert sign_in(username, PASSWORD)[0] == 302


def test_a_guesser_elsewhere_does_not_lock_the_person_out_of_their_own_desk(
    username: str, clock: SettableClock
) -> None:
    for _ in range(login_throttle.PER_ACCOUNT_AND_ADDRESS):
        sign_in(username, "wrong", address="198.51.100.66")
    assert sign_in(username, PASSWORD, address="203.0.113.7")[0] == 302


def test_guessing_spread_over_many_addresses_locks_the_account(username: str, clock: SettableClock) -> None:
    for n in range(login_throttle.PER_ACCOUNT):
        sign_in(username, "wrong", address=f"198.51.100.{n}")
    assert sign_in(username, PASSWORD, address="203.0.113.7")[0] == 200


def test_the_lock_lifts_after_the_window(username: str, clock: SettableClock) -> None:
    for _ in range(login_throttle.PER_ACCOUNT_AND_ADDRESS):
        sign_in(username, "wrong")
    assert sign_in(username, PASSWORD)[0] == 200
    clock.advance(minutes=16)
    assert sign_in(username, PASSWORD)[0] == 302


def test_the_admin_site_log_in_is_throttled_too(world: World, clock: SettableClock) -> None:
    staff, _ = world.ours.staff(Role.HANDLER)
    staff.user.is_staff = True
    staff.user.save(update_fields=["is_staff"])
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(login_throttle.PER_ACCOUNT_AND_ADDRESS):
        client.post("/admin/login/", {"username": staff.user.username, "password": "wrong"})
    refused = client.post("/admin/login/?next=/admin/", {"username": staff.user.username, "password": PASSWORD})
    assert refused.status_code == 200  # the form again, not the redirect into the site
    assert "_auth_user_id" not in client.session


def test_behind_a_trusted_proxy_the_client_is_the_address_the_proxy_saw(
    username: str, clock: SettableClock, settings: object
) -> None:
    settings.XIAOBAO_PROXY_HOPS = 1  # type: ignore[attr-defined]
    proxy = "10.0.0.2"
    for n in range(login_throttle.PER_ACCOUNT_AND_ADDRESS):
        # the guesser writes a different address of its own each time; the proxy appends the real one
        Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 198.51.100.66").post(
            "/accounts/login/", {"username": username, "password": "wrong"}
        )
    guesser = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.66")
    assert guesser.post("/accounts/login/", {"username": username, "password": PASSWORD}).status_code == 200
    person = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert person.post("/accounts/login/", {"username": username, "password": PASSWORD}).status_code == 302
