"""Personal data is encrypted at rest, bound to its column, and rotates to new keys (SEC-1, PI-4)."""

from __future__ import annotations

import base64
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from tests.support.world import make_consumer
from xiaobao.identity.actions import consumer_by_resident_id
from xiaobao.identity.models import Consumer
from xiaobao.privacy import keys
from xiaobao.privacy.crypto import DecryptionError, Keyring

PROJECT = Path(__file__).resolve().parents[2]


def _raw_row(consumer: Consumer) -> tuple[str, str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, resident_id, phone FROM identity_consumer WHERE id = %s", [consumer.pk])
        row = cursor.fetchone()
    assert row is not None
    return row


@pytest.mark.django_db
def test_the_raw_database_row_holds_no_plaintext() -> None:
    consumer = make_consumer(name="王淑芬", phone="13800138001")

    raw = _raw_row(consumer)

    assert "王淑芬" not in "".join(raw)
    assert consumer.resident_id not in "".join(raw)
    assert "13800138001" not in "".join(raw)
    assert all(value.startswith("xb1$") for value in raw)
    assert Consumer.objects.get(pk=consumer.pk).name == "王淑芬"


@pytest.mark.django_db
def test_exact_lookup_goes_through_the_blind_index() -> None:
    consumer = make_consumer()

    assert consumer_by_resident_id(consumer.resident_id.lower()) == consumer  # type: ignore[union-attr]


@pytest.mark.django_db
def test_an_encrypted_column_cannot_be_searched_by_value() -> None:
    with pytest.raises(FieldError, match="blind index"):
        list(Consumer.objects.filter(name="王淑芬"))


def test_a_ciphertext_moved_to_another_column_does_not_decrypt() -> None:
    ring = Keyring({"k1": os.urandom(32)})
    token = ring.encrypt("13800138001", context="identity.consumer.phone")

    with pytest.raises(DecryptionError):
        ring.decrypt(token, context="identity.consumer.name")


def test_a_changed_ciphertext_does_not_decrypt() -> None:
    ring = Keyring({"k1": os.urandom(32)})
    token = ring.encrypt("secret", context="c")
    body = bytearray(base64.urlsafe_b64decode(token.split("$")[2] + "=="))
    body[-1] ^= 1
    forged = "xb1$k1$" + base64.urlsafe_b64encode(bytes(body)).decode().rstrip("=")

    with pytest.raises(DecryptionError):
        ring.decrypt(forged, context="c")


@pytest.mark.django_db
def test_rotate_keys_reencrypts_under_the_newest_key_and_old_keys_can_then_go(settings: object) -> None:
    consumer = make_consumer(name="李明")
    old_ring = dict(settings.XIAOBAO_ENCRYPTION_KEYS)  # type: ignore[attr-defined]
    new_ring = {"rotated": os.urandom(32), **old_ring}

    with override_settings(XIAOBAO_ENCRYPTION_KEYS=new_ring):
        keys.reset()
        call_command("rotate_keys", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert all(value.startswith("xb1$rotated$") for value in _raw_row(consumer))

    with override_settings(XIAOBAO_ENCRYPTION_KEYS={"rotated": new_ring["rotated"]}):
        keys.reset()
        assert Consumer.objects.get(pk=consumer.pk).name == "李明"
    keys.reset()


@pytest.mark.sqlite_demo
def test_the_database_file_holds_no_plaintext_after_make_run_setup(tmp_path: Path) -> None:
    """The demo set-up on a real SQLite file: none of the consumers' names, IDs or phones is in its bytes."""
    env = {**os.environ, "XIAOBAO_VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}
    for command in (["migrate", "-v0"], ["demo_load"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=PROJECT, env=env, check=True, capture_output=True)
    with sqlite3.connect(tmp_path / "x.sqlite3") as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = b"".join(p.read_bytes() for p in tmp_path.glob("x.sqlite3*"))

    from xiaobao.demo.data import ELDER_RESIDENT_ID

    for plaintext in [
        "王淑芬",
        "李明",
        "Ahmet Yilmaz",
        ELDER_RESIDENT_ID,
        "13800138001",
        "8613800138001",
        "liming@example",
    ]:
        assert plaintext.encode() not in data, plaintext
    assert b"xb1$dev1$" in data
