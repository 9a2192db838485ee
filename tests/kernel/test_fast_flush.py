"""The quick emptying of the PostgreSQL test database after a transactional test (tests/support/fast_flush.py)
leaves every table empty, the append-only ones too, as the superuser and, truncating, as anyone else."""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command
from django.db import connection

from tests.conftest import World
from xiaobao.audit.models import AuditEvent

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def _rows_left() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.django_table_names(only_existing=True, include_views=False):
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return {table: n for table, n in counts.items() if n}


def _flush_as_after_a_transactional_test() -> None:
    """What Django's TransactionTestCase runs after each test (here without putting the content types back)."""
    call_command("flush", verbosity=0, interactive=False, reset_sequences=False, inhibit_post_migrate=True)


def _file_of(table: str) -> int:
    """The table's file on disk: TRUNCATE gives it a new one, DELETE keeps it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_relation_filenode(%s)", [table])
        return int(cursor.fetchone()[0])


def test_every_table_is_emptied_by_deleting_the_append_only_ones_too(world: World) -> None:
    # given rows in many tables, the append-only audit trail among them
    world.ours.staff()
    assert AuditEvent.objects.exists()
    assert _rows_left()
    audit_file = _file_of(AuditEvent._meta.db_table)

    # when the database is flushed as after a transactional test
    _flush_as_after_a_transactional_test()

    # then no table holds a row, and they were deleted, not truncated
    assert _rows_left() == {}
    assert _file_of(AuditEvent._meta.db_table) == audit_file


def test_without_the_superuser_it_truncates(world: World) -> None:
    role = f"flush_tester_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    world.ours.staff()
    audit_file = _file_of(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP ROLE IF EXISTS {role}")
        cursor.execute(f"CREATE ROLE {role} NOSUPERUSER")
        cursor.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}")
        cursor.execute(f"SET ROLE {role}")
    try:
        _flush_as_after_a_transactional_test()
        assert _rows_left() == {}
        assert _file_of(AuditEvent._meta.db_table) != audit_file
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")
