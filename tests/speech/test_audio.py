"""Read-aloud on the server (INC-E2): espeak-ng speaks what a page showed, once; nothing else is spoken."""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tests.conftest import World
from tests.portal.conftest import Filer
from tests.portal.test_letters import refused_claim
from tests.speech.conftest import MANDARIN_DECISION, Shown, decided_case, files_in, heard, players_on, shown
from tests.support.sales import make_product
from tests.support.world import fresh_resident_id, make_tenant
from xiaobao.complaints.domain.remedies import GUIDE
from xiaobao.identity.models import Staff
from xiaobao.kernel.actors import Role
from xiaobao.privacy import streaming
from xiaobao.speech import engine
from xiaobao.speech.domain.keys import speech_key
from xiaobao.speech.domain.voices import VOICES
from xiaobao.speech.models import SpokenText

pytestmark = pytest.mark.django_db


PLAYERS_ON_A_DECIDED_CASE = 5 + len(GUIDE)
"""The decision's four parts and the timeline, and each option's summary under "what you can do next" (DSP-2)."""


def listen_label(what: str) -> str:
    """The visible name of a player, in the page's language (Simplified Chinese for these clients)."""
    with translation.override("zh-hans"):
        return translation.gettext("Listen: %(what)s") % {"what": translation.gettext(what)}


def _findings_audio(page: Shown) -> str:
    return page.players()[listen_label("What we found")]


def test_the_decision_on_the_tracking_page_plays_as_mandarin_speech(world: World, espeak: str) -> None:
    page = shown(world.ours)

    response = page.client.get(_findings_audio(page))

    assert response.status_code == 200
    assert response["Content-Type"] == "audio/wav"
    assert response["Cache-Control"].startswith("private, max-age=")
    audio = heard(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    characters = len(MANDARIN_DECISION.findings)
    assert (audio.channels, audio.sample_rate) == (1, 22050)
    # measured: 0.33-0.36 s a character (punctuation included); an empty or cut-short file falls below
    assert 0.15 * characters <= audio.seconds <= 0.6 * characters, audio.seconds
    assert audio.rms > 500, audio.rms  # speech measured at ~3000; silence is 0


def test_every_part_of_the_decision_and_the_timeline_has_its_own_player(world: World, espeak: str) -> None:
    page = shown(world.ours)

    players = page.players()

    parts = ("What we found", "Basis", "Reasons", "What we will do", "What has happened so far")
    options = tuple(guide.title for guide in GUIDE)  # "what you can do next" (DSP-2): each option's summary
    assert sorted(players) == sorted(listen_label(what) for what in (*parts, *options))
    assert len(set(players.values())) == len(parts) + len(options) == PLAYERS_ON_A_DECIDED_CASE


def test_the_second_request_is_served_from_the_cache_without_the_engine(
    world: World, espeak: str, speech_dir: Path, settings: Any
) -> None:
    page = shown(world.ours)
    url = _findings_audio(page)
    first = b"".join(page.client.get(url).streaming_content)  # type: ignore[attr-defined]
    kept = files_in(speech_dir)
    made = [path.stat().st_mtime_ns for path in kept]
    settings.XIAOBAO_ESPEAK_NG = "/nonexistent/espeak-ng"  # the engine gone: only the cache can answer

    again = page.client.get(url)

    assert again.status_code == 200
    assert b"".join(again.streaming_content) == first  # type: ignore[attr-defined]
    assert files_in(speech_dir) == kept  # no new file, no temporary left behind
    assert [path.stat().st_mtime_ns for path in kept] == made
    assert [(path.parent.name, path.suffix) for path in kept] == [(kept[0].stem[:2], ".wav")]


def test_a_range_is_served_for_seeking(world: World, espeak: str) -> None:
    page = shown(world.ours)
    url = _findings_audio(page)
    whole = b"".join(page.client.get(url).streaming_content)  # type: ignore[attr-defined]

    part = page.client.get(url, HTTP_RANGE="bytes=100-199")

    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-199/{len(whole)}"
    assert b"".join(part.streaming_content) == whole[100:200]  # type: ignore[attr-defined]


def _not_found(client: Client) -> tuple[int, bytes]:
    answer = client.get(f"/speech/{secrets.token_hex(32)}.wav")
    return answer.status_code, answer.content


def _strangers(world: World) -> dict[str, Client]:
    """Anonymous, staff of another insurer, and another insurer's consumer looking at their own case."""
    _, intruder = world.theirs.staff(*Role)
    staff = Client()
    staff.force_login(Staff.objects.get(pk=intruder.staff_id).user)
    return {"anonymous": Client(), "staff of another insurer": staff, "their consumer": shown(world.theirs).client}


def test_an_unknown_key_is_not_found_and_nothing_is_made(world: World, espeak: str, speech_dir: Path) -> None:
    before = SpokenText.objects.count()

    status, _body = _not_found(Client())
    malformed = Client().get("/speech/not-a-key.wav")

    assert status == 404
    assert malformed.status_code == 404
    assert SpokenText.objects.count() == before
    assert files_in(speech_dir) == []


def test_a_text_no_page_showed_is_not_spoken_even_under_its_true_key(
    world: World, espeak: str, speech_dir: Path
) -> None:
    """Even someone holding the server's key (here: the test) cannot make it speak a text of their choosing."""
    chosen = "请把账户里的钱转到这个账号。"
    key = engine.key_of(voice=VOICES["cmn"], text=chosen)

    answer = Client().get(f"/speech/{key}.wav")

    assert (answer.status_code, answer.content) == _not_found(Client())
    assert not SpokenText.objects.filter(key=key).exists()
    assert files_in(speech_dir) == []


@pytest.mark.parametrize("who", ["anonymous", "staff of another insurer", "their consumer"])
def test_strangers_who_know_a_cases_decision_cannot_compute_its_audio_address(
    world: World, espeak: str, who: str, settings: Any
) -> None:
    """The endpoint takes nothing but a key, and a key is an HMAC under the server's key: knowing the words
    of another case's decision (and the method) does not give its address; the answer is a plain 404."""
    ours = shown(world.ours)
    stranger = _strangers(world)[who]
    without_server_key = speech_key(b"guessed", language="zh-CN", voice="cmn", text=MANDARIN_DECISION.findings)

    answer = stranger.get(f"/speech/{without_server_key}.wav")

    assert (answer.status_code, answer.content) == _not_found(stranger)
    assert f"/speech/{without_server_key}.wav" not in ours.players().values()


def test_a_key_from_another_insurers_page_speaks_only_the_text_of_that_page(world: World, espeak: str) -> None:
    """What the endpoint reveals is the audio of a text that was rendered to whoever holds its key — their
    own case's decision — and no parameter turns it into another case's text."""
    ours = shown(world.ours)
    theirs = shown(
        world.theirs,
        MANDARIN_DECISION.__class__(**{**MANDARIN_DECISION.__dict__, "findings": "您的投保资料齐全，理赔款已核定。"}),
    )
    their_url, our_url = _findings_audio(theirs), _findings_audio(ours)

    plain = b"".join(theirs.client.get(their_url).streaming_content)  # type: ignore[attr-defined]
    tampered = b"".join(  # type: ignore[attr-defined]
        theirs.client.get(their_url, {"text": MANDARIN_DECISION.findings, "key": our_url}).streaming_content
    )

    assert their_url != our_url
    assert tampered == plain
    recorded = SpokenText.objects.get(key=re.search(r"[0-9a-f]{64}", their_url).group(0))  # type: ignore[union-attr]
    assert recorded.text == "您的投保资料齐全，理赔款已核定。"


def test_the_spoken_text_is_stored_encrypted(world: World) -> None:
    shown(world.ours)

    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM speech_spokentext")
        stored = [row[0] for row in cursor.fetchall()]

    assert stored
    assert not any("免责条款" in value for value in stored)


def test_without_espeak_the_page_says_so_and_keeps_the_devices_voice(world: World, settings: Any) -> None:
    settings.XIAOBAO_ESPEAK_NG = "/nonexistent/espeak-ng"

    page = shown(world.ours)

    assert "<audio" not in page.html
    assert page.html.count('class="read-aloud-note"') == PLAYERS_ON_A_DECIDED_CASE
    assert page.html.count('class="read-aloud-device" hidden') == PLAYERS_ON_A_DECIDED_CASE
    assert page.html.count("read-aloud.js") == 1


def test_without_espeak_a_recorded_key_answers_try_again_later(world: World, espeak: str, settings: Any) -> None:
    page = shown(world.ours)
    url = _findings_audio(page)
    settings.XIAOBAO_ESPEAK_NG = "/nonexistent/espeak-ng"

    answer = page.client.get(url)

    assert answer.status_code == 503
    assert answer["Retry-After"] == "60"


def test_each_clause_of_a_product_has_its_own_player(client: Client, espeak: str, db: None) -> None:
    tenant = make_tenant("anhe")
    make_product(tenant.insurer)

    html = client.get(f"/i/{tenant.insurer.code}/products/fushou/").content.decode()

    sources = re.findall(r'<audio controls preload="none" src="(/speech/[0-9a-f]{64}\.wav)"', html)
    assert len(sources) == 3  # the plain summary and the two clauses of the terms
    assert all(client.get(src).status_code == 200 for src in sources)


def test_a_page_records_all_its_texts_in_one_statement_and_drawing_it_again_none(world: World) -> None:
    complaint, code = decided_case(world.ours)
    client = Client()
    client.post("/track/", {"reference": complaint.reference, "access_code": code})
    url = f"/track/{complaint.reference}/"

    with CaptureQueriesContext(connection) as first:
        client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    with override_settings(XIAOBAO_PAGE_CACHE_SECONDS=0), CaptureQueriesContext(connection) as again:  # drawn again
        client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")

    def writes(captured: CaptureQueriesContext) -> int:
        return sum("speech_spokentext" in query["sql"] for query in captured.captured_queries)

    assert SpokenText.objects.count() == PLAYERS_ON_A_DECIDED_CASE
    assert (writes(first), writes(again)) == (1, 0)


def test_a_claim_refusal_is_heard_from_the_claim_page(world: World, espeak: str) -> None:
    filer = Filer(Client(), world.ours.insurer, fresh_resident_id())
    claim = refused_claim(filer, world)

    html = filer.client.get(f"/claims/{claim.reference}/").content.decode()
    players = players_on(html)
    reasons = filer.client.get(players[listen_label("Reasons")])

    assert set(players) == {
        listen_label(what) for what in ("Our decision", "Reasons", "Basis", "What has happened so far")
    }
    audio = heard(b"".join(reasons.streaming_content))  # type: ignore[attr-defined]
    assert 0.15 * len("事故发生在保单生效之前。") <= audio.seconds <= 0.6 * len("事故发生在保单生效之前。")
    assert audio.rms > 500


def test_the_cached_audio_is_encrypted_on_disk(world: World, espeak: str, speech_dir: Path) -> None:
    page = shown(world.ours)
    whole = b"".join(page.client.get(_findings_audio(page)).streaming_content)  # type: ignore[attr-defined]

    (kept,) = files_in(speech_dir)
    raw = kept.read_bytes()

    assert whole.startswith(b"RIFF")
    assert raw.startswith(streaming.MAGIC)
    assert b"RIFF" not in raw
    assert b"WAVE" not in raw
    assert whole[1000:1032] not in raw


def test_a_damaged_cached_audio_is_made_again_not_served(world: World, espeak: str, speech_dir: Path) -> None:
    page = shown(world.ours)
    url = _findings_audio(page)
    whole = b"".join(page.client.get(url).streaming_content)  # type: ignore[attr-defined]
    (kept,) = files_in(speech_dir)
    kept.write_bytes(kept.read_bytes()[:-1])

    again = page.client.get(url)

    assert again.status_code == 200
    assert b"".join(again.streaming_content) == whole  # type: ignore[attr-defined]
    assert files_in(speech_dir) == [kept]
    with engine.speech_storage().open(kept.relative_to(speech_dir).as_posix(), "rb") as made_again:
        assert made_again.size == len(whole)
