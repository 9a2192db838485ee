"""Read-aloud in a real browser (INC-E2): the player found by its name, its audio fetched and heard, the
device's own voice offered where the browser has one, the page axe-clean in the standard and elder modes."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible
from tests.speech.conftest import MANDARIN_DECISION, decided_case, heard
from tests.support.world import make_tenant

pytestmark = pytest.mark.browser

FETCHED = """async (src) => {
  const response = await fetch(src);
  const bytes = new Uint8Array(await response.arrayBuffer());
  let text = "";
  for (let i = 0; i < bytes.length; i += 8192) { text += String.fromCharCode(...bytes.subarray(i, i + 8192)); }
  return {status: response.status, type: response.headers.get("content-type"), body: btoa(text)};
}"""

DECODED = """(audio) => new Promise((resolve) => {
  audio.addEventListener("loadedmetadata", () => resolve(audio.duration), {once: true});
  audio.addEventListener("error", () => resolve(-1), {once: true});
  audio.preload = "metadata"; audio.load();
})"""


def _label(what: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext("Listen: %(what)s") % {"what": translation.gettext(what)}


def _open_tracking(page: Page, elder: bool) -> None:
    complaint, code = decided_case(make_tenant("anhe"))
    if elder:
        page.goto("/track/")
        host = page.evaluate("location.hostname")
        page.context.add_cookies([{"name": "elder", "value": "1", "domain": host, "path": "/"}])
    page.goto("/track/")
    with translation.override("zh-hans"):
        page.get_by_label(translation.gettext("Reference number of the complaint or claim")).fill(complaint.reference)
        page.get_by_label(translation.gettext("Access code")).fill(code)
        page.get_by_role("button", name=translation.gettext("Open"), exact=True).click()
        expect(page.get_by_role("heading", name=translation.gettext("Our decision"))).to_be_visible()


@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
def test_the_decision_is_heard_from_its_player_and_the_page_stays_accessible(
    page: Page,
    espeak: str,
    elder: bool,
    live_server: Any,
) -> None:
    _open_tracking(page, elder)

    player = page.get_by_role("group", name=_label("What we found"), exact=True).locator("audio")
    src = player.get_attribute("src")
    fetched = page.evaluate(FETCHED, src)
    seconds = page.evaluate(DECODED, player.element_handle())

    assert (fetched["status"], fetched["type"]) == (200, "audio/wav")
    audio = heard(base64.b64decode(fetched["body"]))
    assert audio.rms > 500
    assert 0.15 * len(MANDARIN_DECISION.findings) <= audio.seconds <= 0.6 * len(MANDARIN_DECISION.findings)
    assert abs(seconds - audio.seconds) < 0.1  # the browser itself decodes it to the same length
    assert ("elder" in (page.locator("body").get_attribute("class") or "")) is elder
    assert_accessible(page)


def test_the_devices_voice_is_offered_and_reached_with_the_keyboard_in_elder_mode(
    page: Page,
    espeak: str,
    live_server: Any,
) -> None:
    _open_tracking(page, elder=True)
    group = page.get_by_role("group", name=_label("What we found"), exact=True)
    with translation.override("zh-hans"):
        button = group.get_by_role("button", name=translation.gettext("Read with this device's voice"))

    assert page.evaluate("'speechSynthesis' in window")
    expect(button).to_be_visible()
    for _ in range(60):
        page.keyboard.press("Tab")
        if button.evaluate("e => e === document.activeElement"):
            break
    else:
        raise AssertionError("the device's-voice button cannot be reached with the Tab key")
    box = button.bounding_box()
    audio_box = group.locator("audio").bounding_box()
    assert box is not None
    assert audio_box is not None
    assert (box["width"] >= 60, box["height"] >= 60, audio_box["height"] >= 60) == (True, True, True), (box, audio_box)
