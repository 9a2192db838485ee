"""The statement every API call sends first — the key's lookup — is prepared once per connection (ops/postgresql).

Planning its four-table join cost the server more than running it; prepared, the server plans it once per
connection. Only statements sent through ``prepared_cursor()`` are prepared: Django's own cursors bind on the
client, as before, and a deployment behind a pooler that cannot keep prepared statements turns it off.
"""

from __future__ import annotations

import pytest
from django.db import connection

from tests.conftest import World
from xiaobao.identity.actions import staff_key_issue
from xiaobao.identity.actors import actor_for_api_key
from xiaobao.identity.models import Role

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def _prepared() -> list[tuple[str, int]]:
    """The statements prepared in this connection, each with how often the server used its saved plan."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements")
        return [(statement, runs) for statement, runs in cursor.fetchall()]


def test_the_key_lookup_is_prepared_once_and_run_from_its_plan_after(world: World) -> None:
    _, handler = world.ours.staff(Role.HANDLER)
    _, token = staff_key_issue(actor=handler, label="prepared")

    # when the key is looked up three times in one connection
    actors = [actor_for_api_key(token) for _ in range(3)]

    # then each lookup found the handler, and the server prepared the lookup once and ran it from that three times
    assert all(actor is not None and actor.staff_id == handler.staff_id for actor in actors)
    lookups = [(statement, runs) for statement, runs in _prepared() if "k.secret_hash" in statement]
    assert len(lookups) == 1, _prepared()
    assert lookups[0][1] == 3
    # and Django's own statements are not prepared (they bind on the client, as before)
    assert all("k.secret_hash" in statement for statement, _ in _prepared())


def test_a_wrong_secret_is_refused_through_the_prepared_lookup(world: World) -> None:
    _, handler = world.ours.staff(Role.HANDLER)
    _, token = staff_key_issue(actor=handler, label="prepared")
    assert actor_for_api_key(token) is not None

    assert actor_for_api_key(token[:-2] + ("aa" if not token.endswith("aa") else "bb")) is None


def test_a_deployment_behind_a_pooler_turns_preparing_off() -> None:
    from django.db import connections

    wrapper = connections.create_connection("default")
    wrapper.settings_dict = {**wrapper.settings_dict, "OPTIONS": {"prepare_threshold": None}}
    assert wrapper.get_connection_params()["prepare_threshold"] is None
    assert connections.create_connection("default").get_connection_params()["prepare_threshold"] == 0
