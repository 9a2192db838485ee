"""The options guide on the portal (DSP-2, CMP-N1) and the complainant's choice on their tracking page: the guide
in every language, reachable from each insurer's page; the choice only after the decision, only on one's own case,
recorded once, acted on."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from tests.conftest import World
from tests.portal.conftest import Filer, filed_and_opened
from tests.portal.test_letters import decided, someone_else, staff_of_another_insurer
from tests.support.clock import SettableClock
from xiaobao.audit.models import AuditEvent
from xiaobao.complaints.domain.remedies import GUIDE, PREPARATION, Remedy
from xiaobao.complaints.models import Complaint
from xiaobao.notifications.models import Notification
from xiaobao.portal.options import mediation_next_page

pytestmark = pytest.mark.django_db


def page_text(response: object) -> str:
    return html.unescape(response.content.decode())  # type: ignore[attr-defined]


def snapshot(complaint: Complaint) -> tuple[object, ...]:
    fresh = Complaint.objects.get(pk=complaint.pk)
    return (
        fresh.state,
        fresh.next_step,
        fresh.dispute_chosen_on,
        fresh.mediation_wanted_on,
        fresh.review_requested_on,
        AuditEvent.objects.count(),
        Notification.objects.count(),
    )


def choose(client: Client, complaint: Complaint, option: str, **data: str) -> object:
    return client.post(f"/track/{complaint.reference}/choose/", {"option": option, **data})


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_the_guide_explains_every_option_in_the_readers_language(client: Client, language: str) -> None:
    page = page_text(client.get("/disputes/options/", HTTP_ACCEPT_LANGUAGE=language))

    with translation.override(language):
        expected = [
            gettext(text)
            for guide in GUIDE
            for text in (guide.title, guide.summary, guide.how, guide.cost, guide.time, guide.needs, guide.fits)
        ]
        heading = gettext("If you disagree with our decision: your options")
    assert heading in page
    assert [text for text in expected if text not in page] == []


def test_the_guide_is_zh_hans_by_default_and_offers_reading_aloud(client: Client) -> None:
    page = client.get("/disputes/options/").content.decode()

    assert '<html lang="zh-Hans"' in page
    assert page.count('class="read-aloud') >= len(GUIDE)


def test_each_insurers_page_leads_to_the_guide_and_the_guide_back(client: Client, world: World) -> None:
    code = world.ours.insurer.code

    insurer_page = client.get(f"/i/{code}/").content.decode()
    guide = client.get(f"/disputes/options/?insurer={code}").content.decode()

    assert f'href="/disputes/options/?insurer={code}"' in insurer_page
    assert f'href="/i/{code}/"' in guide


def test_the_tracking_page_offers_the_four_options_only_after_the_decision_was_sent(filer: Filer, world: World) -> None:
    complaint, _code = filed_and_opened(filer)
    decided(world, complaint, send=False)
    before = filer.client.get(f"/track/{complaint.reference}/").content.decode()
    from xiaobao.complaints import actions
    from xiaobao.kernel.actors import SYSTEM

    actions.complaint_send_decision(actor=SYSTEM, complaint_id=complaint.pk)
    after = page_text(filer.client.get(f"/track/{complaint.reference}/"))

    assert 'id="next-steps"' not in before
    assert 'id="next-steps"' in after
    assert after.count(f'action="/track/{complaint.reference}/choose/"') == len(GUIDE)
    with translation.override("zh-hans"):
        assert [gettext(g.summary) for g in GUIDE if gettext(g.summary) not in after] == []
    assert 'href="/disputes/options/"' in after


def test_choosing_court_records_it_and_shows_what_to_bring_and_where_to_go(filer: Filer, world: World) -> None:
    complaint, _code = filed_and_opened(filer)
    decided(world, complaint)

    chosen = choose(filer.client, complaint, "court")
    page = page_text(filer.client.get(chosen["Location"]))  # type: ignore[index]

    assert chosen["Location"] == f"/track/{complaint.reference}/#next-steps"  # type: ignore[index]
    assert Complaint.objects.get(pk=complaint.pk).next_step == "court"
    with translation.override("zh-hans"):
        shown = [gettext(t) for t in (*PREPARATION[Remedy.COURT].bring, *PREPARATION[Remedy.COURT].where)]
        timeline_label = gettext("the complainant chose what to do next: court")
    assert [text for text in shown if text not in page] == []
    assert timeline_label in page


def test_a_repeated_submission_records_the_choice_once(filer: Filer, world: World) -> None:
    complaint, _code = filed_and_opened(filer)
    decided(world, complaint)
    choose(filer.client, complaint, "arbitration")
    before = snapshot(complaint)

    again = choose(filer.client, complaint, "arbitration")

    assert again.status_code == 302  # type: ignore[attr-defined]
    assert snapshot(complaint) == before
    assert AuditEvent.objects.filter(event_type="complaint.next_step_arbitration").count() == 1


def test_no_choice_before_the_decision_and_nothing_changes(filer: Filer, world: World) -> None:
    complaint, _code = filed_and_opened(filer)
    decided(world, complaint, send=False)
    before = snapshot(complaint)

    refused = choose(filer.client, complaint, "court")

    assert refused.status_code == 400  # type: ignore[attr-defined]
    with translation.override("zh-hans"):
        assert gettext(
            "You can choose what to do next once you have received our decision. Until then we are still "
            "handling your complaint."
        ) in page_text(refused)
    assert snapshot(complaint) == before


@pytest.mark.parametrize("who", ["anonymous", "another consumer", "staff of another insurer"])
def test_nobody_else_can_choose_on_the_case_and_nothing_changes(filer: Filer, world: World, who: str) -> None:
    complaint, _code = filed_and_opened(filer)
    decided(world, complaint)
    intruder = {
        "anonymous": Client,
        "another consumer": lambda: someone_else(world),
        "staff of another insurer": lambda: staff_of_another_insurer(world),
    }[who]()
    before = snapshot(complaint)

    refused = choose(intruder, complaint, "court")

    assert refused.status_code == 404  # type: ignore[attr-defined]
    assert snapshot(complaint) == before


def test_choosing_review_asks_for_the_review_with_the_reason_given(filer: Filer, world: World) -> None:
    complaint, _code = filed_and_opened(filer)
    decided(world, complaint)

    choose(filer.client, complaint, "review", grounds="条款没有解释清楚。")

    chosen = Complaint.objects.get(pk=complaint.pk)
    assert (chosen.state, chosen.next_step) == ("review_requested", "review")
    assert chosen.messages.get().text == "条款没有解释清楚。"


def test_a_review_without_a_reason_is_refused_keeping_what_was_typed_and_nothing_changes(
    filer: Filer, world: World
) -> None:
    complaint, _code = filed_and_opened(filer)
    decided(world, complaint)
    before = snapshot(complaint)
    too_long = "不同意" * 700  # over the 2,000 characters a reason may have

    refused = choose(filer.client, complaint, "review", grounds=too_long)

    assert refused.status_code == 400  # type: ignore[attr-defined]
    assert too_long in page_text(refused)
    assert snapshot(complaint) == before


def test_choosing_mediation_marks_it_wanted_and_goes_to_the_mediation_step(filer: Filer, world: World) -> None:
    complaint, _code = filed_and_opened(filer)
    decided(world, complaint)

    chosen = choose(filer.client, complaint, "mediation")

    assert chosen.status_code == 302  # type: ignore[attr-defined]
    assert chosen["Location"] == mediation_next_page(complaint)  # type: ignore[index]
    assert Complaint.objects.get(pk=complaint.pk).mediation_wanted_on is not None


def test_an_unknown_option_is_not_found_and_changes_nothing(filer: Filer, world: World) -> None:
    complaint, _code = filed_and_opened(filer)
    decided(world, complaint)
    before = snapshot(complaint)

    assert choose(filer.client, complaint, "duel").status_code == 404  # type: ignore[attr-defined]
    assert snapshot(complaint) == before


def test_the_tracking_page_gives_the_last_day_for_a_review(filer: Filer, world: World, clock: SettableClock) -> None:
    complaint, _code = filed_and_opened(filer)
    decided(world, complaint)  # the notice sent on 2026-03-02

    page = page_text(filer.client.get(f"/track/{complaint.reference}/"))

    with translation.override("zh-hans"):
        line = gettext("Last day to ask for a review: %(day)s.") % {"day": "2026年4月1日"}
    assert line in page
    assert 'name="grounds"' in page


def test_once_the_30_days_passed_the_page_says_so_and_offers_no_review(
    filer: Filer, world: World, clock: SettableClock
) -> None:
    complaint, _code = filed_and_opened(filer)
    decided(world, complaint)
    clock.advance(days=31)

    page = page_text(filer.client.get(f"/track/{complaint.reference}/"))

    with translation.override("zh-hans"):
        assert gettext("The time to ask for a review has passed.") in page
    assert 'name="grounds"' not in page
    assert page.count(f'action="/track/{complaint.reference}/choose/"') == len(GUIDE) - 1
