"""The insurer's education pages (issue #18 item 6; EDU-1..3): plans and events, the library, questions. Every
page and every POST is tried as anonymous, a consumer, staff of another insurer (with the role), staff without
the role and staff with it: only the last succeeds, and a refusal leaves every table as it was."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.support.education import BAD_VTT, VTT, WEBM, write_article, write_video
from tests.support.matrix import Cast, assert_matrix
from xiaobao.kernel.actors import ANONYMOUS, Actor, Role
from xiaobao.outreach import actions
from xiaobao.outreach.actions import PlanDraft
from xiaobao.outreach.models import LibraryItem, OutreachPlan, PublicQuestion

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_pages(settings: Any) -> None:
    """These tests read the English messages: pages asked for without a language fall back to English here."""
    settings.LANGUAGE_CODE = "en"


EDU = "/workbench/education"
ONLY_WITH_THE_ROLE = {"staff_with_role"}


@dataclass
class Setting:
    world: Any
    cast: Cast
    clients: dict[str, Client]
    writer: Actor
    plan: OutreachPlan
    item: LibraryItem
    video: LibraryItem
    question: PublicQuestion

    def client_of(self, actor: Actor) -> Client:
        return self.clients.get(str(actor.user_id), Client())


def _clients(cast: Cast) -> dict[str, Client]:
    clients = {}
    for _name, actor in cast.items():
        if actor.user_id is not None:
            client = Client()
            client.force_login(get_user_model().objects.get(pk=actor.user_id))
            clients[str(actor.user_id)] = client
    return clients


@pytest.fixture
def setting(world: Any) -> Setting:
    ours = world.ours
    cast = replace(Cast.build(world, Role.COMPLIANCE_OFFICER), staff_without_role=ours.staff(Role.HANDLER)[1])
    writer = ours.staff(Role.SENIOR_MANAGER)[1]
    plan = actions.plan_create(
        actor=writer,
        plan=PlanDraft(
            title="社区宣讲计划-ours",
            audience="community",
            period_start=date(2026, 1, 1),
            period_end=date(2026, 12, 31),
            goals="每月一场",
            owner_id=writer.staff_id or 0,
            planned_events=12,
        ),
    )
    item = write_article(writer, title="理赔须知-ours")
    video = write_video(writer, title="Video-ours")
    question = actions.question_ask(
        actor=ANONYMOUS,
        insurer_id=ours.insurer.pk,
        question="犹豫期是多少天-ours？",
        name="",
        language="zh-hans",
        idempotency_key="portal:q",
        client="192.0.2.1",
    )
    return Setting(world, cast, _clients(cast), writer, plan, item, video, question)


def page_shows(setting: Setting, url: str, marker: str | bytes) -> Any:
    def attempt(actor: Actor) -> bool:
        response = setting.client_of(actor).get(url)
        assert response.status_code in {200, 302, 404}, response.status_code
        body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
        return response.status_code == 200 and (marker if isinstance(marker, bytes) else marker.encode()) in body

    return attempt


def post_changes(setting: Setting, url: str, data: dict[str, Any]) -> Any:
    def attempt(actor: Actor) -> bool:
        response = setting.client_of(actor).post(url, data)
        assert response.status_code in {302, 400, 404}, response.status_code
        return response.status_code == 302 and response["Location"].startswith("/workbench/")

    return attempt


def test_only_keepers_of_our_insurer_open_the_education_pages(setting: Setting) -> None:
    for path, marker in [
        ("/", "社区宣讲计划-ours"),
        (f"/plans/{setting.plan.pk}/", "社区宣讲计划-ours"),
        ("/library/", "理赔须知-ours"),
        (f"/library/{setting.item.pk}/", "理赔须知-ours"),
        (f"/library/{setting.video.pk}/video/", WEBM),
        ("/questions/", f"/questions/{setting.question.pk}/"),
        (f"/questions/{setting.question.pk}/", "犹豫期是多少天-ours"),
    ]:
        assert_matrix(setting.cast, page_shows(setting, EDU + path, marker), ONLY_WITH_THE_ROLE)


def test_only_keepers_of_our_insurer_record_an_event(setting: Setting) -> None:
    data = {
        "event-held_on": "2026-03-02",
        "event-place": "和平社区活动室",
        "event-audience": "elderly",
        "event-topic": "防范养老诈骗",
        "event-languages": "普通话",
        "event-attendance": "35",
    }
    assert_matrix(setting.cast, post_changes(setting, f"{EDU}/plans/{setting.plan.pk}/", data), ONLY_WITH_THE_ROLE)


def test_only_keepers_of_our_insurer_add_a_language(setting: Setting) -> None:
    data = {"text-language": "en", "text-title": "Claims", "text-body": "Report at once."}
    url = f"{EDU}/library/{setting.item.pk}/text/"
    assert_matrix(setting.cast, post_changes(setting, url, data), ONLY_WITH_THE_ROLE)


def test_only_another_keeper_of_our_insurer_publishes(setting: Setting) -> None:
    def publish(actor: Actor, item: LibraryItem) -> bool:
        return post_changes(setting, f"{EDU}/library/{item.pk}/publish/", {})(actor)

    assert_matrix(setting.cast, publish, ONLY_WITH_THE_ROLE, given=lambda: write_article(setting.writer))


def test_the_writer_is_told_someone_else_publishes(setting: Setting) -> None:
    client = Client()
    client.force_login(get_user_model().objects.get(pk=setting.writer.user_id))
    response = client.post(f"{EDU}/library/{setting.item.pk}/publish/")
    assert response.status_code == 400
    assert "someone else" in response.content.decode()
    setting.item.refresh_from_db()
    assert setting.item.state == "draft"


def test_only_keepers_of_our_insurer_withdraw(setting: Setting) -> None:
    def withdraw(actor: Actor, item: LibraryItem) -> bool:
        return post_changes(setting, f"{EDU}/library/{item.pk}/withdraw/", {"withdraw-reason": "out of date"})(actor)

    assert_matrix(setting.cast, withdraw, ONLY_WITH_THE_ROLE, given=lambda: write_article(setting.writer))


def test_only_keepers_of_our_insurer_answer_and_draft_a_question(setting: Setting) -> None:
    url = f"{EDU}/questions/{setting.question.pk}/"
    answer = {"step": "answer", "answer-answer": "犹豫期一般为十五天。"}
    assert_matrix(setting.cast, post_changes(setting, url, answer), ONLY_WITH_THE_ROLE)

    def publish(actor: Actor, question: PublicQuestion) -> bool:
        data = {"step": "draft", "publish-title": "犹豫期是多少天？", "publish-body": "十五天。"}
        return post_changes(setting, f"{EDU}/questions/{question.pk}/", data)(actor)

    def answered() -> PublicQuestion:
        asked = actions.question_ask(
            actor=ANONYMOUS,
            insurer_id=setting.world.ours.insurer.pk,
            question="犹豫期怎么算？",
            name="",
            language="zh-hans",
            idempotency_key=f"portal:{PublicQuestion.objects.count()}",
            client="192.0.2.2",
        )
        actions.question_answer(actor=setting.writer, question_id=asked.pk, answer="自签收之日起。")
        return asked

    assert_matrix(setting.cast, publish, ONLY_WITH_THE_ROLE, given=answered)


def test_plans_and_items_are_written_only_by_keepers(setting: Setting) -> None:
    # these forms name no row: the other insurer's keepers write their own, so their handler stands in
    cast = replace(setting.cast, other_insurer_staff=setting.world.theirs.staff(Role.HANDLER)[1])
    setting.clients.update(_clients(cast))
    plan = {
        "plan-title": "校园金融知识",
        "plan-audience": "school",
        "plan-period_start": "2026-09-01",
        "plan-period_end": "2026-12-31",
        "plan-goals": "四所学校",
        "plan-owner": str(setting.writer.staff_id),
        "plan-planned_events": "4",
    }
    assert_matrix(cast, post_changes(setting, f"{EDU}/", plan), ONLY_WITH_THE_ROLE)
    item = {"item-kind": "clause", "item-language": "zh-hans", "item-title": "免责条款解读", "item-body": "逐条说明。"}
    assert_matrix(cast, post_changes(setting, f"{EDU}/library/", item), ONLY_WITH_THE_ROLE)


def _keeper_client(setting: Setting) -> Client:
    return setting.client_of(setting.cast.staff_with_role)


def test_a_video_with_bad_captions_is_refused_and_the_form_keeps_what_was_typed(setting: Setting) -> None:
    before = LibraryItem.objects.count()
    response = _keeper_client(setting).post(
        f"{EDU}/library/",
        {
            "item-kind": "video",
            "item-language": "en",
            "item-title": "How to report a claim",
            "item-body": "A short film about reporting.",
            "item-transcript": "Call the hotline first.",
            "item-video": SimpleUploadedFile("claim.webm", WEBM, content_type="video/webm"),
            "item-captions": SimpleUploadedFile("claim.vtt", BAD_VTT, content_type="text/vtt"),
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "do not increase" in page
    assert 'value="How to report a claim"' in page
    assert "Call the hotline first." in page
    assert LibraryItem.objects.count() == before


def test_a_video_without_captions_is_refused(setting: Setting) -> None:
    response = _keeper_client(setting).post(
        f"{EDU}/library/",
        {
            "item-kind": "video",
            "item-language": "en",
            "item-title": "How to report a claim",
            "item-body": "A short film.",
            "item-transcript": "Said.",
            "item-video": SimpleUploadedFile("claim.webm", WEBM, content_type="video/webm"),
        },
    )
    assert response.status_code == 400
    assert "needs captions" in response.content.decode()


def test_a_video_form_sent_twice_writes_one_item(setting: Setting) -> None:
    def send() -> Any:
        return _keeper_client(setting).post(
            f"{EDU}/library/",
            {
                "token": "same-form",
                "item-kind": "video",
                "item-language": "en",
                "item-title": "Twice",
                "item-body": "A short film.",
                "item-transcript": "Said.",
                "item-video": SimpleUploadedFile("claim.webm", WEBM, content_type="video/webm"),
                "item-captions": SimpleUploadedFile("claim.vtt", VTT, content_type="text/vtt"),
            },
        )

    first, second = send(), send()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert LibraryItem.objects.filter(texts__title="Twice").count() == 1


def test_the_plan_page_shows_its_figures(setting: Setting) -> None:
    client = _keeper_client(setting)
    client.post(
        f"{EDU}/plans/{setting.plan.pk}/",
        {
            "event-held_on": "2026-03-02",
            "event-place": "和平社区",
            "event-audience": "elderly",
            "event-topic": "防诈骗",
            "event-languages": "普通话",
            "event-attendance": "35",
        },
    )
    page = client.get(f"{EDU}/plans/{setting.plan.pk}/").content.decode()
    assert "1 of 12 events planned have been held; 35 people came in all." in page


def test_a_draft_waits_on_the_approvals_page_of_another_keeper_only(setting: Setting) -> None:
    link = f'href="/workbench/education/library/{setting.item.pk}/"'
    assert link in _keeper_client(setting).get("/workbench/approvals/").content.decode()
    writer = Client()
    writer.force_login(get_user_model().objects.get(pk=setting.writer.user_id))
    assert link not in writer.get("/workbench/approvals/").content.decode()
    assert link not in setting.client_of(setting.cast.other_insurer_staff).get("/workbench/approvals/").content.decode()
