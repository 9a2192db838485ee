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
