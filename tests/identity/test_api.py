"""The API shell: partner keys and sessions authenticate; refusals are JSON with a stable code; no tenant crossing."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import World
from tests.support.matrix import Cast
from xiaobao.identity import actions
from xiaobao.kernel.actors import SYSTEM, Role

pytestmark = pytest.mark.django_db


def _session(client: Client, world: World, *roles: Role, theirs: bool = False) -> Client:
    staff, _ = (world.theirs if theirs else world.ours).staff(*roles)
    client.force_login(staff.user)
    return client


def test_openapi_is_published(client: Client) -> None:
    schema = client.get("/api/openapi.json").json()
    assert schema["info"]["title"] == "xiaobao API"
    assert "/api/v1/branches/{branch_id}" in schema["paths"]


def test_a_partner_key_authenticates_and_a_revoked_one_does_not(client: Client, world: World) -> None:
    partner = world.ours.partner()
    key, raw = actions.partner_key_issue(actor=SYSTEM, partner_id=partner.pk)

    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    actions.partner_key_revoke(actor=SYSTEM, key_id=key.pk)
    after = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})

    assert me.status_code == 200
    assert me.json() == {
        "kind": "partner",
        "insurer_id": world.ours.insurer.pk,
        "branch_id": None,
        "partner_id": partner.pk,
        "roles": [],
    }
    assert after.status_code == 401
    assert after.json()["code"] == "unauthenticated"


def test_anonymous_callers_get_401_json(client: Client) -> None:
    response = client.get("/api/v1/me")
    assert (response.status_code, response.json()["code"]) == (401, "unauthenticated")


def test_a_branch_of_ones_own_insurer_is_returned(client: Client, world: World) -> None:
    response = _session(client, world, Role.HANDLER).get(f"/api/v1/branches/{world.ours.city.pk}")
    assert response.status_code == 200
    assert response.json()["code"] == "SY"


@pytest.mark.parametrize("who", ["other_insurer_staff", "staff_without_role", "consumer"])
def test_crossing_tenants_or_lacking_the_role_looks_like_not_found(client: Client, world: World, who: str) -> None:
    cast = Cast.build(world, Role.HANDLER)
    actor = getattr(cast, who)
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(pk=actor.user_id))

    forbidden = client.get(f"/api/v1/branches/{world.ours.city.pk}")
    missing = client.get("/api/v1/branches/999999")

    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.json() == missing.json()
    assert forbidden.json()["code"] == "not_found"


def test_a_malformed_id_is_a_422_with_a_stable_code(client: Client, world: World) -> None:
    response = _session(client, world, Role.HANDLER).get("/api/v1/branches/not-a-number")
    assert (response.status_code, response.json()["code"]) == (422, "invalid_input")


def test_refusals_speak_the_callers_language(client: Client, world: World) -> None:
    session = _session(client, world, Role.HANDLER, theirs=True)
    chinese = session.get(f"/api/v1/branches/{world.ours.city.pk}").json()["message"]
    english = session.get(f"/api/v1/branches/{world.ours.city.pk}", headers={"Accept-Language": "en"}).json()["message"]
    assert chinese == "未找到该编号对应的记录，或您无权查看。"
    assert english == "Nothing was found with that reference, or you may not see it."


def test_a_staff_token_authenticates_as_that_staff_member_until_revoked(client: Client, world: World) -> None:
    _, handler = world.ours.staff(Role.HANDLER)
    key, raw = actions.staff_key_issue(actor=handler, label="call-centre integration")

    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    actions.staff_key_revoke(actor=handler, key_id=key.pk)
    after = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})

    assert me.json()["kind"] == "staff"
    assert me.json()["roles"] == ["handler"]
    assert after.status_code == 401


def test_a_staff_token_carries_every_role_and_the_branch(client: Client, world: World) -> None:
    staff, supervisor = world.ours.staff(Role.SUPERVISOR, Role.HANDLER)
    _, raw = actions.staff_key_issue(actor=supervisor)

    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).json()

    assert sorted(me["roles"]) == ["handler", "supervisor"]
    assert (me["insurer_id"], me["branch_id"]) == (staff.insurer_id, staff.branch_id)


@pytest.mark.parametrize("gone", ["staff", "account"])
def test_a_staff_token_stops_when_the_person_leaves(client: Client, world: World, gone: str) -> None:
    staff, handler = world.ours.staff(Role.HANDLER)
    _, raw = actions.staff_key_issue(actor=handler)
    if gone == "staff":
        type(staff).objects.filter(pk=staff.pk).update(active=False)
    else:
        type(staff.user).objects.filter(pk=staff.user_id).update(is_active=False)

    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})

    assert (response.status_code, response.json()["code"]) == (401, "unauthenticated")


def test_a_staff_tokens_last_use_is_noted_at_most_every_five_minutes(client: Client, world: World) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from xiaobao.identity.models import StaffKey

    _, handler = world.ours.staff(Role.HANDLER)
    key, raw = actions.staff_key_issue(actor=handler)
    auth = {"Authorization": f"Bearer {raw}"}

    client.get("/api/v1/me", headers=auth)
    first = StaffKey.objects.get(pk=key.pk).last_used_at
    client.get("/api/v1/me", headers=auth)
    unchanged = StaffKey.objects.get(pk=key.pk).last_used_at
    long_ago = timezone.now() - timedelta(minutes=6)
    StaffKey.objects.filter(pk=key.pk).update(last_used_at=long_ago)
    client.get("/api/v1/me", headers=auth)
    noted_again = StaffKey.objects.get(pk=key.pk).last_used_at

    assert first is not None
    assert unchanged == first
    assert noted_again is not None
    assert noted_again > long_ago


def test_a_staff_token_cannot_be_revoked_by_another_insurers_administrator(world: World) -> None:
    _, handler = world.ours.staff(Role.HANDLER)
    _, their_admin = world.theirs.staff(Role.ADMINISTRATOR)
    key, _ = actions.staff_key_issue(actor=handler)
    from xiaobao.kernel.errors import NotFound

    with pytest.raises(NotFound):
        actions.staff_key_revoke(actor=their_admin, key_id=key.pk)
