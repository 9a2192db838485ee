"""What an erasure must reach beyond the case rows (issue #19 review): the decision as the tracking page read it
aloud, staff notes about the person, and the free texts written about them."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import translation

from tests.conftest import World
from tests.rights.conftest import Person, settle
from tests.rights.test_requests import compliance, made
from xiaobao.audit.models import AuditEvent
from xiaobao.complaints.actions import saved_view_save
from xiaobao.complaints.domain.queue import parse_queue_filters
from xiaobao.complaints.models import Complaint, SavedQueueView
from xiaobao.kernel.actors import Role
from xiaobao.rights.actions import data_request_accept
from xiaobao.rights.domain.requests import RequestKind
from xiaobao.speech import recording
from xiaobao.speech.models import SpokenText

pytestmark = pytest.mark.django_db

AUDIO = re.compile(r"/speech/([0-9a-f]{64})\.wav")


@pytest.fixture
def speech_dir(settings: Any, tmp_path: Path) -> Iterator[Path]:
    settings.XIAOBAO_SPEECH_DIR = tmp_path / "speech"
    recording.forget()
    yield Path(settings.XIAOBAO_SPEECH_DIR)
    recording.forget()


def read_aloud(*texts: str) -> list[str]:
    """The players a page draws for these texts (as the tracking page does): their speech keys."""
    with translation.override("zh-hans"):
        html = "".join(Template("{% load speech %}{% read_aloud text %}").render(Context({"text": t})) for t in texts)
    return AUDIO.findall(html)


def test_a_granted_deletion_forgets_the_decision_read_aloud_and_its_audio(
    world: World,
    alice: Person,
    client: Client,
    speech_dir: Path,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    # given her decision at our insurer was shown with players, and each was listened to
    settle(world, alice)
    complaint = Complaint.objects.get(pk=alice.complaints[0].pk)
    keys = read_aloud(complaint.findings, complaint.basis, complaint.reasons, complaint.remedy)
    assert len(keys) == 4
    assert all(client.get(f"/speech/{key}.wav").status_code == 200 for key in keys)
    assert SpokenText.objects.filter(key__in=keys).count() == 4
    assert len(list(speech_dir.rglob("*.wav"))) == 4
    # when the insurer grants her deletion request
    request = made(alice, world, RequestKind.DELETION)["ours"]
    with django_capture_on_commit_callbacks(execute=True):
        data_request_accept(actor=compliance(world), request_id=request.pk)
    # then no spoken text of the decision is left, nor its audio, and its address speaks no more
    assert SpokenText.objects.filter(key__in=keys).count() == 0
    assert list(speech_dir.rglob("*.wav")) == []
    assert [client.get(f"/speech/{key}.wav").status_code for key in keys] == [404] * 4


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("13700001111", "137****1111"), ("欧阳娜娜", "欧**娜"), ("LN-2026-000123", "LN-2026-000123")],
)
def test_a_saved_queue_search_for_a_person_is_masked_in_the_audit_log(world: World, typed: str, kept: str) -> None:
    # given a supervisor searched the queue for a person, by phone or by name (a reference is no person)
    _, supervisor = world.ours.staff(Role.SUPERVISOR)
    filters = parse_queue_filters({"q": typed})
    # when they save the view, and save it again
    saved_view_save(actor=supervisor, name="找人", filters=filters)
    saved_view_save(actor=supervisor, name="找人", filters=filters)
    # then the log holds the search masked, never as typed
    events = AuditEvent.objects.filter(event_type="complaint.queue_view_saved").order_by("pk")
    queries = [e.new_values["query"] for e in events] + [events.last().old_values["query"]]  # type: ignore[union-attr]
    assert [dict(parse_qsl(q))["q"] for q in queries] == [kept, kept, kept]
    # while the staff member's own view keeps what they typed
    assert dict(parse_qsl(SavedQueueView.objects.get(name="找人").query))["q"] == typed
