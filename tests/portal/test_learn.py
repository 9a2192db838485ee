"""The public education library (issue #18 item 6; EDU-2, EDU-3): published items in the reader's language and
searchable, drafts never shown, a video with its captions track and transcript, and asking a question."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.support.education import VTT, WEBM, write_article, write_video
from xiaobao.kernel.actors import Actor, Role
from xiaobao.outreach import actions
from xiaobao.outreach.models import PublicQuestion

pytestmark = pytest.mark.django_db


@pytest.fixture
def keepers(world: Any) -> tuple[Actor, Actor]:
    return world.ours.staff(Role.COMPLIANCE_OFFICER)[1], world.ours.staff(Role.SENIOR_MANAGER)[1]


def _published(keepers: tuple[Actor, Actor], **text: str) -> int:
    item = write_article(keepers[0], **text)
    actions.item_publish(actor=keepers[1], item_id=item.pk)
    return item.pk


def test_the_library_shows_published_items_in_the_readers_language(keepers: tuple[Actor, Actor]) -> None:
    _published(keepers, title="理赔须知", body="及时报案。")
    _published(keepers, title="Claims explained", body="Report at once.", language="en")
    write_article(keepers[0], title="Draft about surrender", body="Not yet.", language="en")
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get("/learn/").content.decode()
    chinese = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/learn/").content.decode()
    assert "Claims explained" in english
    assert "理赔须知" not in english
    assert "Draft about surrender" not in english
    assert "理赔须知" in chinese


def test_searching_in_english_finds_by_an_english_word(keepers: tuple[Actor, Actor]) -> None:
    _published(keepers, title="Claims explained", body="Report the accident at once.", language="en")
    _published(keepers, title="Cooling-off", body="Return the policy in 15 days.", language="en")
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get("/learn/", {"q": "accident"}).content.decode()
    assert "Claims explained" in page
    assert "Cooling-off" not in page


def test_searching_in_chinese_finds_by_a_two_character_word(keepers: tuple[Actor, Actor]) -> None:
    _published(keepers, title="理赔须知", body="发生事故后及时报案。")
    _published(keepers, title="犹豫期", body="十五天内可以退保。")
    page = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/learn/", {"q": "事故"}).content.decode()
    assert "理赔须知" in page
    assert "犹豫期" not in page


def test_a_draft_answers_404(keepers: tuple[Actor, Actor]) -> None:
    draft = write_article(keepers[0])
    assert Client().get(f"/learn/{draft.pk}/").status_code == 404


def test_a_video_page_has_its_captions_track_and_transcript_and_no_autoplay(keepers: tuple[Actor, Actor]) -> None:
    video = write_video(keepers[0], title="How to claim")
    actions.item_publish(actor=keepers[1], item_id=video.pk)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    page = client.get(f"/learn/{video.pk}/").content.decode()
    assert f'<track kind="captions" src="/learn/{video.pk}/captions/en.vtt" srclang="en"' in page
    assert "autoplay" not in page
    assert "Everything said." in page
    captions = client.get(f"/learn/{video.pk}/captions/en.vtt")
    assert captions["Content-Type"].startswith("text/vtt")
    assert captions.content == VTT
    served = client.get(f"/learn/{video.pk}/video/")
    assert b"".join(served.streaming_content) == WEBM  # type: ignore[attr-defined]


def test_a_draft_videos_file_and_captions_are_not_served(keepers: tuple[Actor, Actor]) -> None:
    video = write_video(keepers[0])
    assert Client().get(f"/learn/{video.pk}/video/").status_code == 404
    assert Client().get(f"/learn/{video.pk}/captions/en.vtt").status_code == 404


def _ask(client: Client, world: Any, token: str) -> Any:
    return client.post(
        "/learn/ask/",
        {"token": token, "insurer": str(world.ours.insurer.pk), "question": "犹豫期从哪天开始算？", "name": ""},
    )


def test_a_question_sent_twice_is_asked_once(world: Any) -> None:
    client = Client()
    first, second = _ask(client, world, "t1"), _ask(client, world, "t1")
    assert first.status_code == second.status_code == 302
    assert PublicQuestion.objects.count() == 1
    assert "Thank you" in client.get(first["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_questions_past_the_limit_are_refused_keeping_what_was_typed(world: Any) -> None:
    client = Client()
    for n in range(actions.QUESTIONS_PER_ADDRESS_AN_HOUR):
        assert _ask(client, world, f"t{n}").status_code == 302
    refused = _ask(client, world, "one-more")
    assert refused.status_code == 400
    assert "犹豫期从哪天开始算？" in refused.content.decode()
    assert PublicQuestion.objects.count() == actions.QUESTIONS_PER_ADDRESS_AN_HOUR


def test_an_empty_question_is_refused_and_nothing_is_kept(world: Any) -> None:
    response = Client().post("/learn/ask/", {"token": "t", "insurer": str(world.ours.insurer.pk), "question": ""})
    assert response.status_code == 400
    assert not PublicQuestion.objects.exists()
