"""Django's database sessions, read with one plain query.

Every page reads the session, so its read is the hottest query of the site; through the ORM
it costs three times what the query itself does (bench/track.py). Same table, same rows,
same expiry rule as ``django.contrib.sessions.backends.db``: only the read differs.

    SESSION_ENGINE = "xiaobao.ops.sessions"
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def load(self) -> dict[str, Any]:
        if self.session_key is None:
            return {}
        model = self.model
        connection = connections[router.db_for_read(model)]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT session_data FROM {connection.ops.quote_name(model._meta.db_table)} "  # noqa: S608  (no input in the name)
                "WHERE session_key = %s AND expire_date > %s",
                [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None  # unknown or expired: a new one is made on save, as Django does
            return {}
        return self.decode(row[0])


def end_sessions_of(user_id: int) -> int:
    """Delete every session signed in as ``user_id`` (issue #19: a reset authenticator, a deactivated account):
    its cookie then opens nothing, and no later change to the account brings it back. Django keeps no index of
    sessions by user, so the live ones are read and decoded; an administrator's action, rare, pays for it."""
    model = SessionStore.get_model_class()
    store = SessionStore()
    ended = [
        key
        for key, data in model.objects.filter(expire_date__gt=timezone.now())
        .values_list("session_key", "session_data")
        .iterator(chunk_size=2000)
        if str(store.decode(data).get(SESSION_KEY, "")) == str(user_id)
    ]
    for start in range(0, len(ended), 500):
        model.objects.filter(session_key__in=ended[start : start + 500]).delete()
    return len(ended)
