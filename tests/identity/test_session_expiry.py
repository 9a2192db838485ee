"""Staff sessions end when idle for 30 minutes or 12 hours after signing in (issue #19), on the application
clock; the next page asks to sign in again and then returns to it."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client

from tests.conftest import World
from tests.support.clock import SettableClock
from tests.support.two_factor import fresh_code
from tests.support.world import PASSWORD
from xiaobao.identity.models import Authenticator, Staff
from xiaobao.kernel.actors import Role

pytestmark = pytest.mark.django_db

PAGE = "/workbench/approvals/?sort=due"


@pytest.fixture
def staff(world: World) -> Staff:
    member, _ = world.ours.staff(Role.HANDLER)
    Authenticator.objects.create(user=member.user, name="phone", confirmed=True)
    return member


def sign_in(client: Client, staff: Staff, next_page: str = "") -> str:
    """Both steps; where the code step sent the person."""
    client.post(
        f"/accounts/login/?next={quote(next_page)}",
        {"username": staff.user.username, "password": PASSWORD, "next": next_page},
    )
    code = fresh_code(Authenticator.objects.get(user_id=staff.user_id))
    return str(client.post("/accounts/two-factor/", {"code": code, "next": next_page})["Location"])


def test_a_session_idle_for_more_than_30_minutes_asks_to_sign_in_again_then_returns(
    staff: Staff, clock: SettableClock
) -> None:
    client = Client()
    sign_in(client, staff)
    assert client.get(PAGE).status_code == 200
    clock.advance(minutes=31)
    expired = client.get(PAGE)
    assert expired.status_code == 302
    assert expired["Location"] == f"/accounts/login/?next={quote(PAGE, safe='/')}"
    assert "_auth_user_id" not in client.session
    assert sign_in(client, staff, PAGE) == PAGE
    assert client.get(PAGE).status_code == 200


def test_a_session_in_use_stays(staff: Staff, clock: SettableClock) -> None:
    client = Client()
    sign_in(client, staff)
    for _ in range(8):  # four hours, a page every half hour less a minute
        clock.advance(minutes=29)
        assert client.get(PAGE).status_code == 200


def test_a_session_ends_12_hours_after_signing_in_however_busy(staff: Staff, clock: SettableClock) -> None:
    client = Client()
    sign_in(client, staff)
    for _ in range(24):
        clock.advance(minutes=29)
        assert client.get(PAGE).status_code == 200
    clock.advance(minutes=29)  # 12 h 05 in all
    assert client.get(PAGE)["Location"].startswith("/accounts/login/")


def test_after_signing_in_again_a_next_outside_the_site_is_not_followed(staff: Staff, clock: SettableClock) -> None:
    client = Client()
    assert not sign_in(client, staff, "https://evil.example/workbench/").startswith("https://evil.example")
