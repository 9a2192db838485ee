"""Demo data for issue #18 item 6: published articles in three languages, a plan with events, a published Q&A."""

from __future__ import annotations

import pytest

from xiaobao.demo.data import load
from xiaobao.outreach import selectors
from xiaobao.outreach.models import OutreachEvent, PublicQuestion

pytestmark = pytest.mark.django_db


def test_the_demo_library_is_searchable_in_three_languages() -> None:
    load()
    assert [row.text.title for row in selectors.library_page("en", "claim")] == [
        "Making a claim: from reporting to payment"
    ]
    assert selectors.library_page("zh-hant", "理賠")
    assert "防范保险诈骗（草稿，待发布）" not in [row.text.title for row in selectors.library_page("zh-hans")]


def test_the_demo_has_a_plan_with_events_and_a_published_question() -> None:
    load()
    assert OutreachEvent.objects.filter(plan__title="保险知识进乡村").count() == 3
    published = PublicQuestion.objects.get(state="published")
    titles = [row.text.title for row in selectors.library_page("zh-hans", "退保")]
    assert "过了犹豫期退保，能拿回多少钱？" in titles
    assert "138" not in published.published_item.texts.get().search_text  # type: ignore[union-attr]
