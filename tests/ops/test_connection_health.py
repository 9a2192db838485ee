"""A kept database connection is checked before a request uses it, without a round trip (ops/postgresql).

Django's health check sends ``SELECT 1`` on every request; ours polls the idle connection's socket and asks the
server only when something came from it. A connection the server ended while it lay idle is still replaced
before the request's first statement — the property the health check is for.
"""

from __future__ import annotations

import select
import time

import pytest
from django.db import connection, connections

from xiaobao.config.environment import database_from_url

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_postgres_urls_use_the_backend_with_the_cheap_health_check() -> None:
    config = database_from_url("postgres://u:p@db.example:5432/xiaobao")

    assert config["ENGINE"] == "xiaobao.ops.postgresql"
    assert config["CONN_HEALTH_CHECKS"] is True
    assert config["CONN_MAX_AGE"] > 0


@pytest.fixture
def kept_connection(transactional_db: None) -> int:
    """The connection as a request leaves it (open, set up, autocommit, kept), and its server process id."""
    return _next_request_first_statement()


def _statements_sent(run: object) -> list[str]:
    import psycopg

    sent: list[str] = []
    execute = psycopg.Cursor.execute

    def noting(self: psycopg.Cursor[object], query: object, *args: object, **kwargs: object) -> object:
        sent.append(str(query))
        return execute(self, query, *args, **kwargs)  # type: ignore[arg-type]

    psycopg.Cursor.execute = noting  # type: ignore[assignment,method-assign]
    try:
        run()  # type: ignore[operator]
    finally:
        psycopg.Cursor.execute = execute  # type: ignore[method-assign]
    return sent


def _next_request_first_statement() -> int:
    connection.close_if_unusable_or_obsolete()  # Django does this when a request starts
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def test_a_quiet_kept_connection_is_used_without_a_select_1(kept_connection: int) -> None:
    assert connection.health_check_enabled

    sent = _statements_sent(_next_request_first_statement)

    assert sent == ["SELECT pg_backend_pid()"]
    assert connection.health_check_done


def test_a_connection_the_server_ended_while_idle_is_replaced_before_the_request_uses_it(kept_connection: int) -> None:
    # given a kept connection whose server process an administrator ended (as a restart or fail-over does)
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [kept_connection])
    finally:
        other.close()
    poller = select.poll()
    poller.register(connection.connection.pgconn.socket, select.POLLIN)
    deadline = time.monotonic() + 5
    while not poller.poll(100) and time.monotonic() < deadline:
        pass  # the farewell reaches the socket

    # when the next request runs its first statement, then it runs on a new connection, without an error
    pids: list[int] = []
    sent = _statements_sent(lambda: pids.append(_next_request_first_statement()))

    assert sent[0] == "SELECT 1"  # something came from the server: Django's own check decided
    assert pids == [pids[0]]
    assert pids[0] != kept_connection
