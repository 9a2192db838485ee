"""Emptying the PostgreSQL test database after a transactional test in milliseconds instead of a second.

Django empties it with one ``TRUNCATE`` of every table (about 120 here): PostgreSQL gives each table and index a
new file, which took 0.7-1.0 s a test (the browser tests, the live servers and the workers' tests are all
transactional: about 160 a run). Their rows are few, so deleting them is ~100 times faster; done as the
superuser in the replication role, so neither foreign keys nor the append-only triggers (which ``TRUNCATE``
does not fire either) stand in the way, and the tables end empty just the same. Without the superuser (a
``DATABASE_URL`` of someone else's server) it truncates as Django does. Django's own steps around it (the
``post_migrate`` signal that puts back the content types and permissions) are unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


def _empty_every_table(quote: Any, tables: list[str]) -> str:
    names = [quote(table) for table in tables]
    deletes = " ".join(f"DELETE FROM {name};" for name in names)
    return (
        "DO $flush$ BEGIN "
        "IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN "
        f"SET LOCAL session_replication_role = replica; {deletes} "
        f"ELSE TRUNCATE {', '.join(names)}; "
        "END IF; END $flush$;"
    )


@pytest.fixture(scope="session", autouse=True)
def _fast_flush_on_postgresql() -> Iterator[None]:
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush

    def sql_flush(
        self: DatabaseOperations, style: Any, tables: Any, *, reset_sequences: bool = False, allow_cascade: bool = False
    ) -> list[str]:
        if not tables or reset_sequences or allow_cascade:  # what only TRUNCATE does: Django's own
            return original(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)  # type: ignore[no-any-return]
        return [_empty_every_table(self.quote_name, list(tables))]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", sql_flush)
        yield
