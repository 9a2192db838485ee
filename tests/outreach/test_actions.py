"""Education writes (EDU-1..3): four-eyes publishing, captions required and checked, the library's search in the
reader's language, questions from the public idempotent and rate-limited, each change audited."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from tests.support.education import BAD_VTT, VTT, WEBM, write_article, write_video
from tests.support.matrix import Cast, assert_matrix, row_counts
from xiaobao.audit.models import AuditEvent
from xiaobao.kernel.actors import ANONYMOUS, Actor, Role
from xiaobao.kernel.errors import InvalidInput, NotFound
from xiaobao.ops.ratelimit import TooManyAttempts
from xiaobao.outreach import actions, selectors
from xiaobao.outreach.actions import EventHeld, PlanDraft, TextDraft
from xiaobao.outreach.domain.captions import CaptionsInvalid
from xiaobao.outreach.domain.library import CaptionsRequired, SelfPublication
from xiaobao.outreach.models import LibraryItem, OutreachEvent, OutreachPlan, PublicQuestion

pytestmark = pytest.mark.django_db


@pytest.fixture
def keepers(world: Any) -> tuple[Actor, Actor]:
    """Two people of our insurer who keep education: a compliance officer and a senior manager."""
    return world.ours.staff(Role.COMPLIANCE_OFFICER)[1], world.ours.staff(Role.SENIOR_MANAGER)[1]


def _events_of(model: type, pk: int) -> list[str]:
    label = model._meta.label_lower  # type: ignore[attr-defined]
    return list(
        AuditEvent.objects.filter(subject_type=label, subject_id=str(pk))
        .order_by("sequence")
        .values_list("event_type", flat=True)
    )


# --- four eyes ---


def test_the_writer_cannot_publish_their_own_item(keepers: tuple[Actor, Actor]) -> None:
    writer, _other = keepers
    item = write_article(writer)
    with pytest.raises(SelfPublication):
        actions.item_publish(actor=writer, item_id=item.pk)
    item.refresh_from_db()
    assert item.state == "draft"
    assert _events_of(LibraryItem, item.pk) == ["outreach.item_written"]


def test_a_second_keeper_publishes_and_it_is_audited(keepers: tuple[Actor, Actor]) -> None:
    writer, publisher = keepers
    item = write_article(writer)
    actions.item_publish(actor=publisher, item_id=item.pk)
    item.refresh_from_db()
    assert (item.state, item.published_by_id) == ("published", publisher.staff_id)
    assert _events_of(LibraryItem, item.pk) == ["outreach.item_written", "outreach.item_published"]


def test_only_a_keeper_of_our_insurer_may_publish(world: Any, keepers: tuple[Actor, Actor]) -> None:
    writer, _other = keepers
    cast = Cast.build(world, Role.COMPLIANCE_OFFICER)
    assert_matrix(
        cast,
        lambda actor, item: actions.item_publish(actor=actor, item_id=item.pk),
        {"staff_with_role"},
        given=lambda: write_article(writer),
    )


def test_writing_is_refused_to_everyone_but_keepers_and_leaves_nothing(world: Any) -> None:
    # writing names no row: the other insurer's keepers write for their own library (the next test), so their
    # handler stands in for them here
    cast = replace(Cast.build(world, Role.COMPLIANCE_OFFICER), other_insurer_staff=world.theirs.staff(Role.HANDLER)[1])
    assert_matrix(cast, write_article, {"staff_with_role"})


def test_another_insurers_keeper_writes_only_into_their_own_library(world: Any, keepers: tuple[Actor, Actor]) -> None:
    theirs = world.theirs.staff(Role.COMPLIANCE_OFFICER)[1]
    item = write_article(theirs)
    assert item.insurer_id == world.theirs.insurer.pk
    with pytest.raises(NotFound):
        actions.item_publish(actor=keepers[1], item_id=item.pk)


def test_an_item_published_cannot_be_changed(keepers: tuple[Actor, Actor]) -> None:
    writer, publisher = keepers
    item = write_article(writer)
    actions.item_publish(actor=publisher, item_id=item.pk)
    with pytest.raises(Exception, match="draft"):
        actions.text_save(actor=writer, item_id=item.pk, text=TextDraft(language="en", title="Claims", body="Text"))


# --- captions ---


def test_a_video_without_captions_is_refused_and_nothing_is_stored(keepers: tuple[Actor, Actor]) -> None:
    writer, _other = keepers
    before = row_counts()
    with pytest.raises(CaptionsRequired):
        actions.item_write(
            actor=writer,
            kind="video",
            text=TextDraft(language="en", title="Claims", body="Film", transcript="Said"),
            video_name="a.webm",
            video=WEBM,
        )
    assert row_counts() == before


def test_a_video_with_captions_out_of_order_is_refused(keepers: tuple[Actor, Actor]) -> None:
    writer, _other = keepers
    with pytest.raises(CaptionsInvalid):
        actions.item_write(
            actor=writer,
            kind="video",
            text=TextDraft(language="en", title="Claims", body="Film", transcript="Said", captions=BAD_VTT),
            video_name="a.webm",
            video=WEBM,
        )
    assert not LibraryItem.objects.exists()


def test_a_video_with_valid_captions_is_stored_encrypted_with_its_hash(keepers: tuple[Actor, Actor]) -> None:
    writer, _other = keepers
    item = write_video(writer)
    assert item.video_type == "video/webm"
    with item.video.open("rb") as stored:
        assert stored.read() == WEBM
    assert item.video.storage.open(item.video.name).read() == WEBM
    text = item.texts.get()
    assert text.captions == VTT.decode()


def test_another_language_of_a_video_keeps_needing_captions(keepers: tuple[Actor, Actor]) -> None:
    writer, _other = keepers
    item = write_video(writer)
    with pytest.raises(CaptionsRequired):
        actions.text_save(
            actor=writer,
            item_id=item.pk,
            text=TextDraft(language="zh-hans", title="如何理赔", body="短片", transcript="全部内容"),
        )
    actions.text_save(
        actor=writer,
        item_id=item.pk,
        text=TextDraft(language="zh-hans", title="如何理赔", body="短片", transcript="全部内容", captions=VTT),
    )
    assert sorted(item.texts.values_list("language", flat=True)) == ["en", "zh-hans"]


# --- the library's search ---


def _library(keepers: tuple[Actor, Actor]) -> None:
    writer, publisher = keepers
    chinese = write_article(writer, title="理赔须知", body="发生事故后及时报案，保险公司一次性告知理赔所需材料。")
    actions.item_publish(actor=publisher, item_id=chinese.pk)
    english = write_article(
        writer, title="The cooling-off period", body="You may return a policy within 15 days.", language="en"
    )
    actions.item_publish(actor=publisher, item_id=english.pk)
    write_article(writer, title="草稿：退保说明", body="尚未发布的理赔草稿。")


def test_search_finds_a_chinese_article_by_a_two_character_word(keepers: tuple[Actor, Actor]) -> None:
    _library(keepers)
    found = selectors.library_page("zh-hans", "报案")
    assert [row.text.title for row in found] == ["理赔须知"]


def test_search_cuts_a_chinese_query_into_words(keepers: tuple[Actor, Actor]) -> None:
    _library(keepers)
    assert [row.text.title for row in selectors.library_page("zh-hans", "理赔材料")] == ["理赔须知"]


def test_search_finds_an_english_article_by_an_english_word(keepers: tuple[Actor, Actor]) -> None:
    _library(keepers)
    assert [row.text.title for row in selectors.library_page("en", "POLICY")] == ["The cooling-off period"]
    assert selectors.library_page("zh-hans", "policy") == []


def test_search_never_shows_a_draft(keepers: tuple[Actor, Actor]) -> None:
    _library(keepers)
    assert "草稿：退保说明" not in [row.text.title for row in selectors.library_page("zh-hans", "草稿")]
    assert "草稿：退保说明" not in [row.text.title for row in selectors.library_page("zh-hans")]


def test_a_withdrawn_item_leaves_the_library(keepers: tuple[Actor, Actor]) -> None:
    _library(keepers)
    item = selectors.library_page("en", "policy")[0].item
    actions.item_withdraw(actor=keepers[0], item_id=item.pk, reason="out of date")
    assert selectors.library_page("en", "policy") == []


# --- plans and events ---


def _plan(world: Any, actor: Actor, owner: Actor) -> OutreachPlan:
    return actions.plan_create(
        actor=actor,
        plan=PlanDraft(
            title="乡村保险知识进万家",
            audience="village",
            period_start=date(2026, 1, 1),
            period_end=date(2026, 12, 31),
            goals="每季度两场",
            owner_id=owner.staff_id or 0,
            planned_events=8,
        ),
        idempotency_key="plan-1",
    )


def test_a_plan_sent_twice_is_one_plan_and_its_figures_count_events(world: Any, keepers: tuple[Actor, Actor]) -> None:
    writer, owner = keepers
    plan = _plan(world, writer, owner)
    assert _plan(world, writer, owner).pk == plan.pk
    held = EventHeld(
        held_on=date(2026, 3, 2),
        place="村委会",
        audience="elderly",
        topic="防范诈骗",
        languages="普通话",
        attendance=40,
    )
    actions.event_record(actor=writer, plan_id=plan.pk, event=held, idempotency_key="e1")
    actions.event_record(actor=writer, plan_id=plan.pk, event=held, idempotency_key="e1")
    figures = selectors.plan_view(writer, plan.pk).figures
    assert (OutreachPlan.objects.count(), OutreachEvent.objects.count()) == (1, 1)
    assert (figures.held, figures.planned, figures.attendance) == (1, 8, 40)
    assert _events_of(OutreachPlan, plan.pk) == ["outreach.plan_created", "outreach.event_recorded"]


def test_an_event_outside_the_period_is_refused(world: Any, keepers: tuple[Actor, Actor]) -> None:
    writer, owner = keepers
    plan = _plan(world, writer, owner)
    held = EventHeld(
        held_on=date(2027, 3, 2), place="村委会", audience="village", topic="理赔", languages="普通话", attendance=4
    )
    with pytest.raises(InvalidInput):
        actions.event_record(actor=writer, plan_id=plan.pk, event=held)
    assert not OutreachEvent.objects.exists()


def test_the_owner_must_keep_education_at_our_insurer(world: Any, keepers: tuple[Actor, Actor]) -> None:
    writer, _owner = keepers
    theirs = world.theirs.staff(Role.COMPLIANCE_OFFICER)[1]
    with pytest.raises(Exception, match="Nothing was found"):
        _plan(world, writer, theirs)


# --- questions from the public ---


def _ask(world: Any, key: str, client: str = "203.0.113.9", text: str = "退保会损失多少？") -> PublicQuestion:
    return actions.question_ask(
        actor=ANONYMOUS,
        insurer_id=world.ours.insurer.pk,
        question=text,
        name="",
        language="zh-hans",
        idempotency_key=key,
        client=client,
    )


def test_a_question_sent_twice_is_asked_once(world: Any) -> None:
    first = _ask(world, "portal:abc")
    assert _ask(world, "portal:abc").pk == first.pk
    assert PublicQuestion.objects.count() == 1
    assert _events_of(PublicQuestion, first.pk) == ["outreach.question_asked"]


def test_questions_are_rate_limited_per_address(world: Any, clock: Any) -> None:
    for n in range(actions.QUESTIONS_PER_ADDRESS_AN_HOUR):
        _ask(world, f"portal:{n}")
    with pytest.raises(TooManyAttempts):
        _ask(world, "portal:one-more")
    assert PublicQuestion.objects.count() == actions.QUESTIONS_PER_ADDRESS_AN_HOUR
    _ask(world, "portal:elsewhere", client="198.51.100.7")
    clock.advance(hours=1, minutes=1)
    _ask(world, "portal:an-hour-later")


def test_staff_may_not_ask_in_the_publics_name(world: Any, keepers: tuple[Actor, Actor]) -> None:
    with pytest.raises(Exception, match="not allowed"):
        actions.question_ask(
            actor=keepers[0],
            insurer_id=world.ours.insurer.pk,
            question="什么是犹豫期？",
            name="",
            language="zh-hans",
            idempotency_key="k",
            client="x",
        )


def test_an_answered_question_is_published_as_the_staff_rewrote_it(world: Any, keepers: tuple[Actor, Actor]) -> None:
    asked = _ask(world, "portal:q", text="我叫王五，电话13800138000，退保会损失多少？")
    with pytest.raises(InvalidInput):
        actions.question_draft(actor=keepers[0], question_id=asked.pk, title="退保会损失多少？", body="x")
    actions.question_answer(actor=keepers[0], question_id=asked.pk, answer="犹豫期后退保，退还保单现金价值。")
    item = actions.question_draft(
        actor=keepers[0], question_id=asked.pk, title="退保会损失多少？", body="犹豫期后退保，退还保单现金价值。"
    )
    actions.item_publish(actor=keepers[1], item_id=item.pk)
    found = selectors.library_page("zh-hans", "退保")
    assert [row.item.pk for row in found] == [item.pk]
    assert "13800138000" not in found[0].text.search_text
    assert "王五" not in found[0].text.search_text


def test_other_insurers_staff_do_not_see_our_questions(world: Any) -> None:
    asked = _ask(world, "portal:q2")
    cast = Cast.build(world, Role.COMPLIANCE_OFFICER)
    assert_matrix(
        cast,
        lambda actor: actions.question_answer(actor=actor, question_id=asked.pk, answer="请见条款第五条。"),
        {"staff_with_role"},
    )
