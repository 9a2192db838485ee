"""Guessing the second factor is stopped for good (issue #19, SEC-1): wrong codes are counted before the code is
checked, so codes sent together cannot all slip past the limit; three windows' worth of wrong codes in a day
lock the code step for 24 hours, the holder is told by email (through the outbox), and only the day ending or
their administrator's reset opens it again."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.test import Client

from tests.conftest import World
from tests.support.clock import SettableClock
from tests.support.two_factor import fresh_code
from tests.support.world import PASSWORD
from xiaobao.audit.models import AuditEvent
from xiaobao.identity import actions, login_throttle
from xiaobao.identity.models import Authenticator, Staff
from xiaobao.kernel.actors import Role
from xiaobao.notifications.models import Notification
from xiaobao.ops.ratelimit import TooManyAttempts

CODE_STEP = "/accounts/two-factor/"
LOCKED_FOR_THE_DAY = "锁定 24 小时"


@pytest.fixture
def handler(world: World) -> Staff:
    staff, _ = world.ours.staff(Role.HANDLER)
    get_user_model().objects.filter(pk=staff.user_id).update(email="handler@ours.example")
    Authenticator.objects.create(user=staff.user, name="phone", confirmed=True)
    staff.refresh_from_db()
    return staff


def password_only(staff: Staff) -> Client:
    client = Client(REMOTE_ADDR="203.0.113.7")
    assert client.post("/accounts/login/", {"username": staff.user.username, "password": PASSWORD}).status_code == 302
    return client


def wrong_code(right: str, n: int = 1) -> str:
    return f"{(int(right) + n) % 1_000_000:06d}"


def a_windows_worth_of_wrong_codes(staff: Staff, clock: SettableClock) -> Client:
    client = password_only(staff)
    right = fresh_code(Authenticator.objects.get(user=staff.user))
    for n in range(login_throttle.CODES_PER_ACCOUNT):
        assert "验证码不正确" in client.post(CODE_STEP, {"code": wrong_code(right, n + 1)}).content.decode()
    clock.advance(minutes=16)
    return client


@pytest.mark.django_db
def test_a_days_worth_of_wrong_codes_locks_the_code_step_for_a_day_and_tells_the_holder(
    handler: Staff, clock: SettableClock
) -> None:
    for _ in range(login_throttle.CODE_WINDOWS_PER_DAY):
        a_windows_worth_of_wrong_codes(handler, clock)
    device = Authenticator.objects.get(user=handler.user)

    client = password_only(handler)
    refused = client.post(CODE_STEP, {"code": fresh_code(device)}).content.decode()
    clock.advance(hours=23)
    still = password_only(handler).post(CODE_STEP, {"code": fresh_code(device)}).content.decode()
    clock.advance(hours=1, minutes=1)
    after_the_day = password_only(handler).post(CODE_STEP, {"code": fresh_code(device)})

    assert LOCKED_FOR_THE_DAY in refused
    assert LOCKED_FOR_THE_DAY in still
    assert after_the_day.status_code == 302
    mail = Notification.objects.get(purpose="two_factor_locked")
    assert (mail.channel, mail.to_address) == ("email", "handler@ours.example")
    assert handler.user.username in mail.body
    assert AuditEvent.objects.filter(event_type="account.two_factor_locked").count() == 1


@pytest.mark.django_db
def test_two_windows_worth_of_wrong_codes_do_not_lock_for_the_day(handler: Staff, clock: SettableClock) -> None:
    for _ in range(login_throttle.CODE_WINDOWS_PER_DAY - 1):
        a_windows_worth_of_wrong_codes(handler, clock)

    accepted = password_only(handler).post(
        CODE_STEP, {"code": fresh_code(Authenticator.objects.get(user=handler.user))}
    )

    assert accepted.status_code == 302
    assert not Notification.objects.filter(purpose="two_factor_locked").exists()


@pytest.mark.django_db
def test_the_administrators_reset_opens_the_locked_code_step(
    world: World, handler: Staff, clock: SettableClock
) -> None:
    for _ in range(login_throttle.CODE_WINDOWS_PER_DAY):
        a_windows_worth_of_wrong_codes(handler, clock)
    _admin, administrator = world.ours.staff(Role.ADMINISTRATOR)

    actions.staff_two_factor_reset(actor=administrator, staff_id=handler.pk)

    login_throttle.code_attempt(handler.user_id)  # no longer refused


@pytest.mark.django_db
def test_code_attempts_arriving_together_beyond_the_limit_are_refused(handler: Staff, clock: SettableClock) -> None:
    """A deterministic interleaving of concurrent requests: all arrive (and are counted) before any code is
    checked; only the limit's worth go on to be checked, the rest are refused."""
    arrivals = login_throttle.CODES_PER_ACCOUNT + 3
    in_flight, refused = [], 0
    for _ in range(arrivals):
        try:
            in_flight.append(login_throttle.code_attempt(handler.user_id))
        except TooManyAttempts:
            refused += 1
    for _attempt in in_flight:
        login_throttle.code_wrong(handler.user_id)

    assert (len(in_flight), refused) == (login_throttle.CODES_PER_ACCOUNT, 3)
    with pytest.raises(TooManyAttempts):
        login_throttle.code_attempt(handler.user_id)


@pytest.mark.django_db(transaction=True)
def test_wrong_codes_posted_at_the_same_moment_beyond_the_limit_are_refused(
    handler: Staff, clock: SettableClock
) -> None:
    """Real concurrent requests (threads, each with its own database connection; PostgreSQL only, SQLite
    serialises writers): of twelve wrong codes posted at once, at most the limit's worth are checked."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    right = fresh_code(Authenticator.objects.get(user=handler.user))
    clients = [password_only(handler) for _ in range(12)]
    start = threading.Barrier(len(clients))
    pages: list[str] = []

    def guess(client: Client, n: int) -> Callable[[], None]:
        def run() -> None:
            try:
                start.wait()
                pages.append(client.post(CODE_STEP, {"code": wrong_code(right, n + 1)}).content.decode())
            finally:
                connections.close_all()

        return run

    threads = [threading.Thread(target=guess(client, n)) for n, client in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    checked = sum("验证码不正确" in page for page in pages)
    assert len(pages) == len(clients)
    assert checked <= login_throttle.CODES_PER_ACCOUNT
    assert sum("尝试次数过多" in page for page in pages) == len(clients) - checked
