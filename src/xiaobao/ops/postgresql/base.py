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
"""

from __future__ import annotations

import select

import psycopg
from django.db.backends.postgresql import base


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


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self) -> None:
        # (django-stubs do not declare these attributes of Django's wrapper)
        enabled, done = getattr(self, "health_check_enabled", False), getattr(self, "health_check_done", True)
        pooled = getattr(self, "pool", None)  # a pool hands out only healthy connections: Django checks nothing
        if self.connection is not None and enabled and not done and not pooled and quiet(self.connection):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()
