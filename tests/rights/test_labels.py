"""Every field of /my/data/ is shown under its translated label, never its key (issue #19 review)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import translation

from tests.conftest import World
from tests.rights.conftest import Person, settle
from tests.rights.test_pages import signed_in
from xiaobao.rights.actions import data_request_make, personal_data_read
from xiaobao.rights.domain.requests import RequestKind

pytestmark = pytest.mark.django_db

NESTED = {"messages", "information_asked_of_you", "files", "steps"}


def keys_of(rows: list[dict[str, Any]]) -> set[str]:
    found: set[str] = set()
    for row in rows:
        for key, value in row.items():
            if key in NESTED:
                found |= keys_of(value)
            else:
                found.add(key)
    return found


@pytest.fixture
def everything(world: World, alice: Person) -> Person:
    """Alice with every kind of record: settled cases with messages, files, steps and information asked of her
    (``settle``), a call-back, a draft, notices, and a request about her data."""
    settle(world, alice)
    data_request_make(actor=alice.actor, kind=RequestKind.CORRECTION, field="email", value="nana@example.cn")
    return alice


def test_no_field_of_any_record_shows_its_raw_key(everything: Person) -> None:
    # given every key her data holds
    data = personal_data_read(actor=everything.actor, format="page")
    sections = ("people", "complaints", "claims", "call_backs", "drafts", "messages_sent_to_you", "data_requests")
    keys = set().union(*(keys_of(data[section]) for section in sections))
    assert {"at", "what", "by", "text", "size", "sha256", "content_type"} <= keys  # the fixture reaches them
    # when she opens her page
    html = signed_in(everything.phone).get("/my/data/").content.decode()
    # then no key stands as a label: neither as a term nor before a value
    raw = sorted(k for k in keys if f"<dt>{k}</dt>" in html or re.search(rf"(?<![\w.-]){re.escape(k)}: ", html))
    assert raw == [], raw


def test_who_took_a_step_is_said_in_her_language(everything: Person) -> None:
    with translation.override("zh-hans"):
        data = personal_data_read(actor=everything.actor, format="page")
    by = {step["by"] for complaint in data["complaints"] for step in complaint["steps"]}
    assert by
    assert not by & {"you", "insurer staff", "agent or outsourcer", "xiaobao"}
