"""Read-aloud tests (INC-E2): a case decided and shown, the speech cache in a directory of the test's own,
and what a WAV holds, measured with the standard library only."""

from __future__ import annotations

import array
import io
import math
import re
import shutil
import sys
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.support.world import Tenant
from xiaobao.complaints import actions
from xiaobao.complaints.actions import NewComplaint
from xiaobao.complaints.domain.classification import Channel, ProductLine, Reason
from xiaobao.complaints.domain.decisions import Decision, Outcome
from xiaobao.complaints.models import Complaint
from xiaobao.kernel.actors import SYSTEM, Role
from xiaobao.ops import clock
from xiaobao.speech import recording

MANDARIN_DECISION = Decision(
    outcome=Outcome.PARTLY_UPHELD,
    findings="经核查，销售人员未向您充分说明免责条款，拒赔通知也没有写明具体依据。",
    basis="保险合同第十二条；《保险法》第十七条。",
    reasons="免责条款未经明确说明，不产生效力。",
    remedy="重新审核理赔，十个工作日内书面答复。",
)

AUDIO_SRC = re.compile(r'<audio controls preload="none" src="(/speech/[0-9a-f]{64}\.wav)" aria-labelledby="([\w-]+)"')


@pytest.fixture
def espeak() -> str:
    """espeak-ng itself: a test that speaks fails, never skips, on a machine without it (CI installs it)."""
    found = shutil.which("espeak-ng")
    if found is None:
        pytest.fail("espeak-ng is not installed: run scripts/apt-install.sh espeak-ng (make test installs it)")
    return found


@pytest.fixture(autouse=True)
def _nothing_remembered() -> Iterator[None]:
    """What an earlier test drew must not count as drawn in this one."""
    recording.forget()
    yield
    recording.forget()


@pytest.fixture(autouse=True)
def speech_dir(settings: Any, tmp_path: Path) -> Path:
    """Each test its own audio cache: a file another test made must not answer for this one."""
    settings.XIAOBAO_SPEECH_DIR = tmp_path / "speech"
    return Path(settings.XIAOBAO_SPEECH_DIR)


@dataclass(frozen=True)
class Shown:
    """A decided complaint, its access code, and the tracking page as its complainant's browser got it."""

    complaint: Complaint
    access_code: str
    client: Client
    html: str

    def players(self) -> dict[str, str]:
        return players_on(self.html)


def players_on(html: str) -> dict[str, str]:
    """Visible label → audio URL, for every server-audio player on a page."""
    labels = dict(re.findall(r'<span class="read-aloud-label" id="([\w-]+)">([^<]*)</span>', html))
    return {labels[label_id].strip(): src for src, label_id in AUDIO_SRC.findall(html)}


def decided_case(tenant: Tenant, decision: Decision = MANDARIN_DECISION) -> tuple[Complaint, str]:
    """A complaint of ``tenant`` taken through to a decision sent to the complainant; its access code."""
    handler, _ = tenant.staff(Role.HANDLER)
    complainant = tenant.consumer(name="王淑芬", phone="13800138001")
    registration = actions.complaint_registration(
        actor=SYSTEM,
        insurer_id=tenant.insurer.pk,
        data=NewComplaint(
            handling_branch_id=tenant.city.pk,
            channel=Channel.HOTLINE,
            received_at=clock.now(),
            product_line=ProductLine.MEDICAL,
            reason=Reason.CLAIMS,
            description="住院费用理赔被拒，拒赔通知看不懂。",
            complainant_id=complainant.pk,
        ),
    )
    pk = registration.complaint.pk
    actions.complaint_accept(actor=SYSTEM, complaint_id=pk)
    actions.complaint_assign(actor=SYSTEM, complaint_id=pk, handler_id=handler.pk)
    actions.complaint_investigate(actor=SYSTEM, complaint_id=pk)
    actions.complaint_decide(actor=SYSTEM, complaint_id=pk, decision=decision)
    actions.complaint_send_decision(actor=SYSTEM, complaint_id=pk)
    return Complaint.objects.get(pk=pk), registration.access_code


def shown(tenant: Tenant, decision: Decision = MANDARIN_DECISION) -> Shown:
    """The tracking page of a freshly decided case, opened with its reference and access code."""
    complaint, code = decided_case(tenant, decision)
    client = Client()
    opened = client.post("/track/", {"reference": complaint.reference, "access_code": code}, follow=True)
    assert opened.status_code == 200
    return Shown(complaint, code, client, opened.content.decode())


@dataclass(frozen=True)
class Heard:
    channels: int
    sample_rate: int
    frames: int
    rms: float

    @property
    def seconds(self) -> float:
        return self.frames / self.sample_rate


def heard(wav_bytes: bytes) -> Heard:
    """Channels, rate, length and loudness (root mean square of the 16-bit samples) of a WAV."""
    with wave.open(io.BytesIO(wav_bytes)) as audio:
        assert audio.getsampwidth() == 2, "16-bit samples expected"
        frames = audio.getnframes()
        samples = array.array("h", audio.readframes(frames))
        channels, rate = audio.getnchannels(), audio.getframerate()
    if sys.byteorder == "big":
        samples.byteswap()
    assert len(samples) == frames * channels, "the header's length and the samples disagree"
    rms = math.sqrt(sum(sample * sample for sample in samples) / len(samples)) if samples else 0.0
    return Heard(channels, rate, frames, rms)


def files_in(directory: Path) -> list[Path]:
    return sorted(path for path in directory.rglob("*") if path.is_file()) if directory.exists() else []
