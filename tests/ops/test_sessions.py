"""The session store reads with plain SQL; it must keep Django's database-session behaviour."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from xiaobao.ops.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_a_saved_session_is_read_back() -> None:
    store = SessionStore()
    store["portal_tracked"] = [3, 7]
    store.create()
    assert SessionStore(store.session_key).load() == {"portal_tracked": [3, 7]}


def test_an_expired_session_reads_as_empty_and_gets_a_new_key_on_save() -> None:
    store = SessionStore()
    store["portal_tracked"] = [3]
    store.create()
    old_key = store.session_key
    Session.objects.filter(session_key=old_key).update(expire_date=timezone.now() - timedelta(seconds=1))
    again = SessionStore(old_key)
    assert again.load() == {}
    again["x"] = 1
    again.save()
    assert again.session_key != old_key


def test_unknown_and_malformed_keys_read_as_empty() -> None:
    assert SessionStore("nosuchsessionkey0000000000000000").load() == {}
    assert SessionStore("short").load() == {}  # refused by Django's key check, no query


def test_tampered_data_reads_as_empty() -> None:
    store = SessionStore()
    store["staff"] = True
    store.create()
    row = Session.objects.get(session_key=store.session_key)
    row.session_data = row.session_data[:-3] + "AAA"
    row.save()
    assert SessionStore(store.session_key).load() == {}


def test_it_is_the_configured_engine(client) -> None:  # type: ignore[no-untyped-def]
    client.get("/")
    assert type(client.session).__module__ == "xiaobao.ops.sessions"
