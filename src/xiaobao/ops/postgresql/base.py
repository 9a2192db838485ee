"""Django's PostgreSQL backend, with a health check of a kept connection that costs no round trip (issue #20).

Connections are kept between requests (``CONN_MAX_AGE``) and checked before a request uses one
(``CONN_HEALTH_CHECKS``), so a connection the server ended while it lay idle — a restart, a fail-over, an
administrator's ``pg_terminate_backend`` — is replaced instead of failing the request. Django checks with a
``SELECT 1``: a round trip on every request, measured at about a quarter of a millisecond of the web worker's CPU
(bench/request_cost.py) plus the server's, on an API request that otherwise makes two statements.

An idle connection in autocommit expects nothing from the server: whatever ends it arrives on the socket — the
server's farewell message (restart, termination) or the peer's close (a crash: the server's host closes the
socket). So the socket is polled, without waiting: quiet, the connection is used as it is; anything to read, or
a connection not idle, and Django's own ``SELECT 1`` decides. A server that vanished without a word (the
network cut) is not seen by either check in time: the statement then fails, the request is answered 503 with
Retry-After (``ops.middleware``) and Django replaces the connection after the request.

``prepared_cursor()`` is for the few statements every request sends (the API key's lookup): the server parses
and plans each of them once per connection, not on every call. Planning that four-table lookup was three
quarters of its server time (0.4 ms of 0.5; bench/request_cost.py). Django's own cursors bind on the client and
never prepare, as before; only statements sent through this cursor are prepared (``prepare_threshold`` 0, which
a deployment behind a pooler that cannot keep prepared statements sets to null in the database's OPTIONS).
"""

from __future__ import annotations

import select

import psycopg
from django.db.backends.postgresql import base, operations
from django.db.backends.utils import CursorWrapper


def quiet(connection: psycopg.Connection[object]) -> bool:
    """Open, idle in autocommit, and nothing has come from the server since the last answer."""
    if (
        connection.closed
        or connection.broken
        or connection.info.transaction_status != psycopg.pq.TransactionStatus.IDLE
    ):
        return False
    try:
        socket = connection.pgconn.socket
    except psycopg.OperationalError:
        return False
    poller = select.poll()
    poller.register(socket, select.POLLIN)
    return not poller.poll(0)  # also non-empty on POLLHUP and POLLERR, which are always reported


class DatabaseOperations(operations.DatabaseOperations):
    def last_executed_query(self, cursor: psycopg.Cursor[object], sql: str, params: object) -> str:
        """A statement of ``prepared_cursor()`` as Django shows a server-bound one (tests' query logs, DEBUG):
        psycopg keeps no text with the values in for it."""
        if isinstance(cursor, psycopg.ClientCursor):
            return super().last_executed_query(cursor, sql, params)
        try:
            return self.compose_sql(sql, params)  # type: ignore[no-any-return]
        except psycopg.errors.DataError:
            return sql


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

    def get_connection_params(self) -> dict[str, object]:
        params: dict[str, object] = super().get_connection_params()
        params["prepare_threshold"] = self.settings_dict["OPTIONS"].get("prepare_threshold", 0)  # null: none
        return params

    def prepared_cursor(self) -> CursorWrapper:
        """A cursor binding on the server, whose statements are prepared on their first run in this connection;
        wrapped as Django wraps its own (errors translated, queries logged in tests and with DEBUG)."""
        self.ensure_connection()
        with self.wrap_database_errors:
            return self._prepare_cursor(psycopg.Cursor(self.connection))  # type: ignore[attr-defined,no-any-return]

    def close_if_health_check_failed(self) -> None:
        # (django-stubs do not declare these attributes of Django's wrapper)
        enabled, done = getattr(self, "health_check_enabled", False), getattr(self, "health_check_done", True)
        pooled = getattr(self, "pool", None)  # a pool hands out only healthy connections: Django checks nothing
        if self.connection is not None and enabled and not done and not pooled and quiet(self.connection):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()
