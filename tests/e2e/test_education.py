"""The education library in a real browser (issue #18 item 6; EDU-2, EDU-3): a visitor who reads Chinese switches
the site to English, finds an English article by a word and opens a video page, whose player has a captions
track and no autoplay, with the transcript below it; a compliance officer writes an article and a senior
manager publishes it (four eyes), after which the public library shows it. Every page is axe-clean."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import assert_accessible
from tests.support.education import VTT, write_article, write_video
from tests.support.two_factor import pass_the_code_step
from tests.support.world import PASSWORD, make_tenant
from xiaobao.identity.models import Staff
from xiaobao.kernel.actors import Actor, Role
from xiaobao.outreach import actions
from xiaobao.outreach.models import LibraryItem, PublicQuestion


@dataclass
class Library:
    writer: Actor
    publisher: Actor
    video: LibraryItem

    @staticmethod
    def username(actor: Actor) -> str:
        return Staff.objects.get(pk=actor.staff_id).user.username


@pytest.fixture
def library(transactional_db: None, seeded_calendar: None) -> Library:
    ours = make_tenant("anhe")
    writer, publisher = ours.staff(Role.COMPLIANCE_OFFICER)[1], ours.staff(Role.SENIOR_MANAGER)[1]
    for item in (
        write_article(writer, title="理赔须知", body="发生事故后及时报案。"),
        write_article(
            writer, title="The cooling-off period", body="You may return a policy within 15 days.", language="en"
        ),
        write_article(writer, title="Making a claim", body="Report the accident at once.", language="en"),
    ):
        actions.item_publish(actor=publisher, item_id=item.pk)
    video = write_video(writer, title="How to report a claim")
    actions.item_publish(actor=publisher, item_id=video.pk)
    return Library(writer, publisher, video)


@pytest.fixture
def browse(browser: Browser, live_server: Any) -> Iterator[Any]:
    contexts = []

    def open_page(locale: str = "en-US") -> Page:
        context = browser.new_context(base_url=live_server.url, locale=locale)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


def test_a_visitor_switches_to_english_finds_an_article_and_a_captioned_video(browse: Any, library: Library) -> None:
    page = browse("zh-CN")
    page.goto("/learn/")
    expect(page.get_by_role("link", name="理赔须知")).to_be_visible()
    assert_accessible(page)

    page.locator("#language-select").select_option("en")
    page.locator("form.language button").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="理赔须知")).to_have_count(0)

    page.locator("input[name=q]").fill("return")
    page.locator("form[role=search] button").click()
    expect(page.get_by_role("link", name="The cooling-off period")).to_be_visible()
    expect(page.get_by_role("link", name="Making a claim")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("link", name="The cooling-off period").click()
    expect(page.get_by_role("heading", name="The cooling-off period")).to_be_visible()
    assert_accessible(page)

    page.goto(f"/learn/{library.video.pk}/")
    expect(page.get_by_role("heading", name="How to report a claim")).to_be_visible()
    track = page.locator("video track")
    expect(track).to_have_attribute("kind", "captions")
    expect(track).to_have_attribute("srclang", "en")
    assert page.locator("video").get_attribute("autoplay") is None
    expect(page.get_by_role("heading", name="Transcript")).to_be_visible()
    expect(page.get_by_text("Everything said.")).to_be_visible()
    captions = page.request.get(track.get_attribute("src") or "")
    assert captions.body() == VTT
    assert_accessible(page)


def _sign_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    pass_the_code_step(page, username)
    expect(page.get_by_role("link", name="Education", exact=True)).to_be_visible()


def test_staff_write_an_article_and_another_person_publishes_it(browse: Any, library: Library) -> None:
    writer = browse()
    _sign_in(writer, library.username(library.writer))
    writer.get_by_role("link", name="Education", exact=True).click()
    expect(writer.get_by_role("heading", name="Outreach plans", level=1)).to_be_visible()
    assert_accessible(writer)
    writer.get_by_role("link", name="Education library").click()
    assert_accessible(writer)
    writer.get_by_label("Kind").select_option("article")
    writer.get_by_label("Language of the text").select_option("en")
    writer.get_by_label("Title").fill("Beware of fake insurance sellers")
    writer.get_by_label(re.compile("^Text")).fill("A real seller shows a practice certificate you can check.")
    writer.get_by_role("button", name="Save as a draft").click()
    expect(writer.get_by_role("status")).to_contain_text("Item saved as a draft")
    expect(writer.get_by_role("button", name="Publish the item")).to_have_count(0)  # not by its writer
    assert_accessible(writer)
    item = LibraryItem.objects.get(texts__title="Beware of fake insurance sellers")

    publisher = browse()
    _sign_in(publisher, library.username(library.publisher))
    publisher.goto("/workbench/education/library/")
    publisher.get_by_role("link", name="Beware of fake insurance sellers").click()
    assert_accessible(publisher)
    publisher.get_by_role("button", name="Publish the item").click()
    expect(publisher.get_by_role("status")).to_contain_text("Published")
    item.refresh_from_db()
    assert (item.state, item.published_by_id) == ("published", library.publisher.staff_id)

    publisher.goto("/learn/?q=seller")
    expect(publisher.get_by_role("link", name="Beware of fake insurance sellers")).to_be_visible()
    assert_accessible(publisher)


def test_every_education_page_is_axe_clean_and_a_question_is_asked_in_elder_mode(
    browse: Any, library: Library, live_server: Any
) -> None:
    plan = actions.plan_create(
        actor=library.writer,
        plan=actions.PlanDraft(
            title="Schools 2026",
            audience="school",
            period_start=date(2026, 1, 1),
            period_end=date(2026, 12, 31),
            goals="Four schools",
            owner_id=library.writer.staff_id or 0,
            planned_events=4,
        ),
    )
    visitor = browse()
    host = live_server.url.split("//")[1].split(":", maxsplit=1)[0]
    visitor.context.add_cookies([{"name": "elder", "value": "1", "domain": host, "path": "/"}])
    visitor.goto(f"/learn/{library.video.pk}/")
    assert "elder" in (visitor.locator("body").get_attribute("class") or "")
    assert_accessible(visitor)
    visitor.get_by_role("link", name="Ask a question").click()
    visitor.get_by_role("button", name="Send the question").click()  # empty: refused, the error summary shown
    expect(visitor.get_by_role("alert")).to_contain_text("Nothing was saved")
    assert_accessible(visitor)
    visitor.get_by_label("Your question").fill("When does the cooling-off period start?")
    visitor.get_by_role("button", name="Send the question").click()
    expect(visitor.get_by_role("heading", name="Question sent")).to_be_visible()
    assert_accessible(visitor)
    asked = PublicQuestion.objects.get()
    assert (asked.insurer_id, asked.question) == (plan.insurer_id, "When does the cooling-off period start?")

    keeper = browse()
    _sign_in(keeper, library.username(library.writer))
    for path in ("/workbench/education/", f"/workbench/education/plans/{plan.pk}/", "/workbench/education/questions/"):
        keeper.goto(path)
        expect(keeper.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(keeper)
    keeper.get_by_role("link", name=re.compile(r"\d{4}-\d{2}-\d{2}")).first.click()
    keeper.get_by_role("textbox", name=re.compile(r"^Answer")).fill("From the day after you sign for the policy.")
    keeper.get_by_role("button", name="Save the answer").click()
    expect(keeper.get_by_role("status")).to_contain_text("Answer saved")
    assert_accessible(keeper)

    # the keeper who answered puts it in the library as a draft: the page says another keeper publishes it
    keeper.get_by_label("The question as published").fill("When does the cooling-off period start?")
    keeper.get_by_role("button", name="Save the draft for publication").click()
    expect(keeper.get_by_role("status")).to_contain_text("Saved as a draft")
    assert_accessible(keeper)
    item = LibraryItem.objects.get(kind="question")
    assert item.state == "draft"
    keeper.goto(f"/workbench/education/library/{item.pk}/")
    expect(keeper.get_by_role("button", name="Publish the item")).to_have_count(0)

    # a second keeper, who neither answered nor drafted it, publishes it with the keyboard; the public reads it
    publisher = browse()
    _sign_in(publisher, library.username(library.publisher))
    publisher.goto(f"/workbench/education/library/{item.pk}/")
    publisher.get_by_role("button", name="Publish the item").focus()
    publisher.keyboard.press("Enter")
    expect(publisher.get_by_role("status")).to_contain_text("Published")
    item.refresh_from_db()
    assert (item.state, item.published_by_id) == ("published", library.publisher.staff_id)
    asked.refresh_from_db()
    assert asked.state == "published"
