"""The options guide (DSP-2) as every decision notice prints it: each option's summary in the reader's language,
the last day to ask for a review computed for this notice (CMP-N2), and where the full guide and the choice are.

The words live in ``complaints.domain.remedies``; this module translates them (call it inside the reader's
language) and adds what depends on the case: the dates and the links.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext

from xiaobao.calendars.selectors import business_calendar
from xiaobao.complaints.domain.decisions import REMEDY_TEXT, Remedy
from xiaobao.complaints.domain.remedies import GUIDE, OptionGuide, review_last_day
from xiaobao.complaints.models import Complaint
from xiaobao.ops.clock import statutory_date_of

NEXT_STEPS_ANCHOR = "next-steps"


@dataclass(frozen=True)
class ReviewWindow:
    """The last day to ask for a review of this decision (CMP-N2); ``provisional`` while the year's official
    holidays are not published (the date shown is then the earliest it can be, never later than the law's)."""

    last_day: date
    provisional: bool


def review_window(complaint: Complaint) -> ReviewWindow | None:
    """Counted from the day the notice went out — or, for a letter opened before it was sent, from the day of
    the decision: earlier, never later than the true date. None before a decision."""
    sent_or_decided = complaint.notified_at or complaint.decided_at
    if sent_or_decided is None:
        return None
    last_day, provisional = review_last_day(statutory_date_of(sent_or_decided), business_calendar())
    return ReviewWindow(last_day, provisional)


def guide_path() -> str:
    return reverse("portal:dispute_options")


def choice_path(complaint: Complaint) -> str:
    """Where the complainant chooses: the "what you can do next" part of their tracking page."""
    return reverse("portal:tracking", args=[complaint.reference]) + f"#{NEXT_STEPS_ANCHOR}"


def review_day_line(window: ReviewWindow) -> str:
    """ "Last day to ask for a review: 2026年4月1日" in the active language, with the provisional caveat."""
    line = gettext("Last day to ask for a review: %(day)s.") % {
        "day": formats.date_format(window.last_day, "DATE_FORMAT")
    }
    if window.provisional:
        line += " " + gettext(
            "This is the earliest it can be: next year's official holidays are not published yet, and the day may "
            "move later, never earlier."
        )
    return line


def option_text(guide: OptionGuide, *, review_window: ReviewWindow | None = None) -> str:
    """One option as a notice prints it: its name and what it is (one line), its summary, and for a review the
    last day to ask."""
    lines = [f"{gettext(guide.title)} — {gettext(REMEDY_TEXT[guide.option])}", gettext(guide.summary)]
    if guide.option is Remedy.REVIEW and review_window is not None:
        lines.append(review_day_line(review_window))
    return "\n".join(lines)


def decision_options(complaint: Complaint) -> list[str]:
    """The four options of a complaint's decision notice (CMP-N1), each with its summary."""
    window = review_window(complaint)
    return [option_text(guide, review_window=window) for guide in GUIDE]


def options_without_review() -> list[str]:
    """Mediation, arbitration and court with their summaries: for a notice a review does not follow (a claim's
    refusal, where a complaint comes first)."""
    return [option_text(guide) for guide in GUIDE if guide.option is not Remedy.REVIEW]


def links(complaint: Complaint | None = None) -> list[str]:
    """Where the full guide is and — for a complaint — where the complainant chooses, as full addresses."""
    site = settings.XIAOBAO_PUBLIC_URL
    lines = [
        gettext("How each option works, what it costs and how long it takes: %(url)s") % {"url": site + guide_path()}
    ]
    if complaint is not None:
        lines.append(
            gettext("Tell us what you choose, on your complaint's page: %(url)s")
            % {"url": site + choice_path(complaint)}
        )
    return lines


class InReadersLanguage:
    """Lines worked out when a notice's template reads them — inside the reader's language, which the outbox
    switches to only while it renders (``notifications.actions.tell_consumer``)."""

    def __init__(self, make: Callable[[], list[str]]) -> None:
        self._make = make

    def __iter__(self) -> Iterator[str]:
        return iter(self._make())


def notice_context(complaint: Complaint) -> dict[str, InReadersLanguage]:
    """What the decision notice's template prints after the decision: ``options`` and ``links``."""
    return {
        "options": InReadersLanguage(lambda: decision_options(complaint)),
        "links": InReadersLanguage(lambda: links(complaint)),
    }


def notice_without_review_context(complaint: Complaint | None = None) -> dict[str, InReadersLanguage]:
    """For a notice a review does not follow — a review's decision, a claim's refusal: mediation, arbitration and
    court with their summaries, and the links (the choice only for a complaint)."""
    return {
        "options": InReadersLanguage(options_without_review),
        "links": InReadersLanguage(lambda: links(complaint)),
    }
