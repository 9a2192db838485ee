"""Tampering with the audit table as an attacker with database access would.

On PostgreSQL the table refuses UPDATE and DELETE through triggers, so the
helper lifts them for the one statement (as the table's owner could) and puts
them back.
"""

from __future__ import annotations

from django.db import connection


def execute(sql: str, params: list[object] | None = None) -> None:
    with connection.cursor() as cursor:
        postgres = connection.vendor == "postgresql"
        if postgres:
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        try:
            cursor.execute(sql, params or [])
        finally:
            if postgres:
                cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")


def execute_on(table: str, sql: str, params: list[object] | None = None) -> None:
    """``execute`` for another append-only table (``sales_saleevent``): its triggers lifted for the one statement."""
    with connection.cursor() as cursor:
        postgres = connection.vendor == "postgresql"
        if postgres:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the rows' deferred foreign-key checks, done first
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        try:
            cursor.execute(sql, params or [])
        finally:
            if postgres:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
