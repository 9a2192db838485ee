"""Four eyes on what the public reads (EDU-2, EDU-3; security review of issue #18): answering a public question
makes a draft of the library, never a published item; a second keeper publishes it; whoever answered, drafted
or corrected an item cannot publish it; each step is audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.support.education import write_article
from tests.support.matrix import Cast, assert_matrix, row_counts
from xiaobao.audit.models import AuditEvent
from xiaobao.kernel.actors import ANONYMOUS, Actor, Role
from xiaobao.outreach import actions, selectors
from xiaobao.outreach.actions import TextDraft
from xiaobao.outreach.domain.library import SelfPublication
from xiaobao.outreach.models import LibraryItem, PublicQuestion

pytestmark = pytest.mark.django_db

ANSWER = "犹豫期后退保，退还保单现金价值。"


@pytest.fixture
def keepers(world: Any) -> tuple[Actor, Actor, Actor]:
    """Three people of our insurer who keep education."""
    return (
        world.ours.staff(Role.COMPLIANCE_OFFICER)[1],
        world.ours.staff(Role.SENIOR_MANAGER)[1],
        world.ours.staff(Role.COMPLIANCE_OFFICER)[1],
    )


def _asked(world: Any, key: str = "portal:four-eyes") -> PublicQuestion:
    return actions.question_ask(
        actor=ANONYMOUS,
        insurer_id=world.ours.insurer.pk,
        question="我叫王五，电话13800138000，退保会损失多少？",
        name="王五",
        language="zh-hans",
        idempotency_key=key,
        client="203.0.113.9",
    )


def _drafted(world: Any, answerer: Actor, drafter: Actor | None = None) -> tuple[PublicQuestion, LibraryItem]:
    asked = _asked(world)
    actions.question_answer(actor=answerer, question_id=asked.pk, answer=ANSWER)
    item = actions.question_draft(
        actor=drafter or answerer, question_id=asked.pk, title="退保会损失多少？", body=ANSWER
    )
    asked.refresh_from_db()
    return asked, item


def _events(subject: object) -> list[str]:
    return list(
        AuditEvent.objects.filter(
            subject_type=subject._meta.label_lower,  # type: ignore[attr-defined]
            subject_id=str(subject.pk),  # type: ignore[attr-defined]
        )
        .order_by("sequence")
        .values_list("event_type", flat=True)
    )


def test_an_answered_question_becomes_a_draft_the_public_cannot_read(
    world: Any, keepers: tuple[Actor, Actor, Actor]
) -> None:
    asked, item = _drafted(world, keepers[0])
    assert item.state == "draft"
    assert asked.state == "drafted"
    assert selectors.library_page("zh-hans", "退保") == []
    assert _events(asked) == ["outreach.question_asked", "outreach.question_answered", "outreach.question_drafted"]


def test_the_keeper_who_answered_and_drafted_cannot_publish_it(world: Any, keepers: tuple[Actor, Actor, Actor]) -> None:
    _asked, item = _drafted(world, keepers[0])
    before = row_counts()
    with pytest.raises(SelfPublication):
        actions.item_publish(actor=keepers[0], item_id=item.pk)
    assert row_counts() == before
    item.refresh_from_db()
    assert item.state == "draft"


def test_whoever_answered_cannot_publish_what_another_drafted(world: Any, keepers: tuple[Actor, Actor, Actor]) -> None:
    answerer, drafter, third = keepers
    _asked, item = _drafted(world, answerer, drafter)
    for editor in (answerer, drafter):
        with pytest.raises(SelfPublication):
            actions.item_publish(actor=editor, item_id=item.pk)
    actions.item_publish(actor=third, item_id=item.pk)
    item.refresh_from_db()
    assert (item.state, item.published_by_id) == ("published", third.staff_id)


def test_a_second_keeper_publishes_the_question_and_both_records_say_so(
    world: Any, keepers: tuple[Actor, Actor, Actor]
) -> None:
    writer, publisher, _third = keepers
    asked, item = _drafted(world, writer)
    actions.item_publish(actor=publisher, item_id=item.pk)
    asked.refresh_from_db()
    item.refresh_from_db()
    assert (asked.state, item.state, item.published_by_id) == ("published", "published", publisher.staff_id)
    assert [row.item.pk for row in selectors.library_page("zh-hans", "退保")] == [item.pk]
    assert _events(item) == ["outreach.item_written", "outreach.item_published"]
    assert _events(asked)[-1] == "outreach.question_published"
    published = AuditEvent.objects.get(event_type="outreach.question_published")
    assert published.actor_id == publisher.audit_id


def test_a_keeper_who_corrected_a_draft_cannot_publish_it(world: Any, keepers: tuple[Actor, Actor, Actor]) -> None:
    writer, corrector, third = keepers
    item = write_article(writer)
    actions.text_save(
        actor=corrector, item_id=item.pk, text=TextDraft(language="zh-hans", title="理赔流程", body="改过的文字。")
    )
    with pytest.raises(SelfPublication):
        actions.item_publish(actor=corrector, item_id=item.pk)
    assert [i.pk for i, _text in selectors.items_awaiting_publication(corrector)] == []
    assert [i.pk for i, _text in selectors.items_awaiting_publication(third)] == [item.pk]
    actions.item_publish(actor=third, item_id=item.pk)


def test_a_question_answered_twice_is_drafted_once(world: Any, keepers: tuple[Actor, Actor, Actor]) -> None:
    asked, _item = _drafted(world, keepers[0])
    with pytest.raises(Exception, match="once"):
        actions.question_draft(actor=keepers[1], question_id=asked.pk, title="退保？", body=ANSWER)
    assert LibraryItem.objects.count() == 1


def test_only_a_keeper_of_our_insurer_drafts_a_question(world: Any, keepers: tuple[Actor, Actor, Actor]) -> None:
    def answered() -> PublicQuestion:
        asked = _asked(world, key=f"portal:{PublicQuestion.objects.count()}")
        actions.question_answer(actor=keepers[0], question_id=asked.pk, answer=ANSWER)
        return asked

    assert_matrix(
        Cast.build(world, Role.COMPLIANCE_OFFICER),
        lambda actor, asked: actions.question_draft(actor=actor, question_id=asked.pk, title="退保？", body=ANSWER),
        {"staff_with_role"},
        given=answered,
    )


def test_a_withdrawn_draft_sends_the_question_back_to_be_drafted_again(
    world: Any, keepers: tuple[Actor, Actor, Actor]
) -> None:
    writer, reviewer, _third = keepers
    asked, item = _drafted(world, writer)
    actions.item_withdraw(actor=reviewer, item_id=item.pk, reason="答复引用的条款不对")
    asked.refresh_from_db()
    assert (asked.state, asked.published_item_id) == ("answered", None)
    assert _events(asked)[-1] == "outreach.question_draft_withdrawn"
    again = actions.question_draft(actor=writer, question_id=asked.pk, title="退保会损失多少？", body=ANSWER)
    actions.item_publish(actor=reviewer, item_id=again.pk)
    asked.refresh_from_db()
    assert (asked.state, asked.published_item_id) == ("published", again.pk)


def test_the_public_page_of_a_drafted_answer_is_not_there_until_it_is_published(
    world: Any, keepers: tuple[Actor, Actor, Actor]
) -> None:
    _asked, item = _drafted(world, keepers[0])
    assert Client().get(f"/learn/{item.pk}/").status_code == 404
    actions.item_publish(actor=keepers[1], item_id=item.pk)
    assert Client().get(f"/learn/{item.pk}/").status_code == 200
