"""The pure rules of education (EDU-1..3): captions checked, search terms, a plan's figures, videos recognised."""

from __future__ import annotations

from datetime import date

import pytest

from xiaobao.kernel.errors import InvalidInput, TransitionNotAllowed
from xiaobao.outreach.domain import audiences, captions, library, search


def test_valid_captions_parse_into_cues() -> None:
    cues = captions.parse("WEBVTT\n\n1\n00:00.000 --> 00:02.000\n你好\n\n00:00:02.000 --> 00:00:04.000 align:start\nhi")
    assert [(c.start_ms, c.end_ms, c.text) for c in cues] == [(0, 2000, "你好"), (2000, 4000, "hi")]


def test_notes_are_skipped_and_a_bom_is_allowed() -> None:
    text = captions.decode(
        b"\xef\xbb\xbfWEBVTT - title\r\n\r\nNOTE made by hand\r\n\r\n00:01.000 --> 00:02.000\r\nx\r\n"
    )
    assert len(captions.parse(text)) == 1


@pytest.mark.parametrize(
    "text",
    [
        "00:00.000 --> 00:01.000\nno signature",
        "WEBVTT\n\n00:00:02.000 --> 00:00:01.000\nends first",
        "WEBVTT\n\n00:00:03.000 --> 00:00:04.000\nb\n\n00:00:01.000 --> 00:00:02.000\na",
        "WEBVTT\n\n0:0:1 --> 0:0:2\nbad timing",
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n",
        "WEBVTT\n\n00:61.000 --> 00:62.000\nsixty-one seconds",
    ],
)
def test_invalid_captions_are_refused(text: str) -> None:
    with pytest.raises(captions.CaptionsInvalid):
        captions.parse(text)


def test_captions_that_are_not_utf8_are_refused() -> None:
    with pytest.raises(captions.CaptionsInvalid):
        captions.decode("WEBVTT\n\n".encode("utf-16"))


def test_query_terms_are_normalised_deduplicated_and_longest_first() -> None:
    assert search.query_terms(["Claims", "ＣＬＡＩＭＳ", "流程", "?", "Cooling-off"]) == [
        "cooling",
        "claims",
        "off",
        "流程",
    ]


def test_normalised_folds_case_width_and_spaces() -> None:
    assert search.normalised("Ｃｌａｉｍ  理赔", "\nTEXT") == "claim 理赔 text"


def test_plan_figures_count_events_and_attendance_by_audience() -> None:
    figures = audiences.plan_figures(
        4,
        [
            audiences.HeldEvent("village", 30),
            audiences.HeldEvent("village", 12),
            audiences.HeldEvent("elderly", 25),
        ],
    )
    by = {audience: (events, people) for audience, events, people in figures.by_audience}
    assert (figures.planned, figures.held, figures.attendance, figures.share_held) == (4, 3, 67, 75)
    assert by["village"] == (2, 42)
    assert by["elderly"] == (1, 25)
    assert by["school"] == (0, 0)


def test_an_event_outside_its_plans_period_is_refused() -> None:
    with pytest.raises(InvalidInput):
        audiences.check_event_day(held_on=date(2027, 1, 1), start=date(2026, 1, 1), end=date(2026, 12, 31))


def test_no_editor_may_publish_the_item() -> None:
    for editor in (7, 9):
        with pytest.raises(library.SelfPublication):
            library.check_publisher(editors=frozenset({7, 9, None}), publisher=editor)
    with pytest.raises(library.SelfPublication):
        library.check_publisher(editors=frozenset({7}), publisher=None)
    library.check_publisher(editors=frozenset({7, 9, None}), publisher=8)


def test_a_withdrawn_item_is_never_published_again() -> None:
    with pytest.raises(TransitionNotAllowed):
        library.check_step("withdrawn", library.ItemState.PUBLISHED)


def test_videos_are_recognised_from_their_content() -> None:
    assert library.video_type_of("a.mp4", 100, b"\x1a\x45\xdf\xa3" + b"\0" * 12) == "video/webm"
    assert library.video_type_of("a.webm", 100, b"\0\0\0\x18ftypmp42") == "video/mp4"
    with pytest.raises(library.VideoNotAccepted):
        library.video_type_of("a.webm", 100, b"%PDF-1.7")
    with pytest.raises(library.VideoNotAccepted):
        library.video_type_of("a.webm", library.MAX_VIDEO_BYTES + 1, b"\x1a\x45\xdf\xa3")


def test_a_video_needs_captions_and_a_transcript() -> None:
    with pytest.raises(library.CaptionsRequired):
        library.check_video_text(kind="video", captions="", transcript="said")
    with pytest.raises(InvalidInput):
        library.check_video_text(kind="video", captions="WEBVTT", transcript=" ")
    library.check_video_text(kind="article", captions="", transcript="")
