"""The decision letter (CMP-N1) as a PDF reader sees it: every font embedded, in the complainant's language,
dated the day of the decision, addressed to them, with the decision, their options and the seal area."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from tests.support.clock import SettableClock
from tests.support.desk import DECISION, Desk
from tests.support.pdf import pdf_fonts, pdf_text, squeezed
from xiaobao.complaints import actions
from xiaobao.complaints.actions import OUTCOME_TEXT
from xiaobao.complaints.domain.decisions import REMEDY_TEXT, Outcome, Remedy
from xiaobao.complaints.domain.remedies import GUIDE
from xiaobao.complaints.letters import decision_letter_pdf
from xiaobao.complaints.models import Complaint
from xiaobao.identity.models import Insurer, Staff
from xiaobao.kernel.actors import SYSTEM, Role
from xiaobao.kernel.errors import NotFound

pytestmark = pytest.mark.django_db


def decided_for(desk: Desk, **consumer: object) -> Complaint:
    """A complaint decided and sent, its complainant ``consumer`` (the desk's own by default)."""
    if consumer:
        complainant = desk.world.ours.consumer(**consumer)
        return desk.in_state("notified", complainant_id=complainant.pk)
    return desk.in_state("notified")


def expected_words(complaint: Complaint, language: str) -> list[str]:
    """What the letter must say, each part in the letter's language."""
    with translation.override(language):
        return [
            complaint.reference or "",
            complaint.insurer.name,
            complaint.complainant.name,
            gettext(OUTCOME_TEXT[Outcome.PARTLY_UPHELD]),
            gettext("What we found"),
            DECISION.findings,
            gettext("Basis"),
            DECISION.basis,
            gettext("Reasons"),
            DECISION.reasons,
            gettext("What we will do"),
            DECISION.remedy,
            *[gettext(option) for option in REMEDY_TEXT.values()],
            gettext("Seal and signature"),
            gettext("Issuing office"),
            complaint.handling_branch.name,
        ]


def test_every_font_in_the_letter_is_embedded_and_subset(desk: Desk) -> None:
    complaint = decided_for(desk)

    fonts = pdf_fonts(decision_letter_pdf(complaint))

    assert fonts
    assert [(font.name, font.embedded, font.subset) for font in fonts if not (font.embedded and font.subset)] == []


def test_the_chinese_letter_states_date_addressee_reference_decision_options_and_seal(desk: Desk) -> None:
    complaint = decided_for(desk)  # 王淑芬, zh-hans, decided on 2026-03-02 at 10:00 in Shanghai

    text = squeezed(pdf_text(decision_letter_pdf(complaint)))

    assert "2026年3月2日" in text
    assert "王淑芬" in text
    assert "处理结果：部分支持投诉请求" in text
    assert "自收到本通知之日起30日内向我司上级机构申请核查" in text
    missing = [word for word in expected_words(complaint, "zh-hans") if squeezed(word) not in text]
    assert missing == []


def test_the_english_letter_is_written_in_english(desk: Desk) -> None:
    complaint = decided_for(desk, name="Mary Wong", preferred_language="en")

    text = squeezed(pdf_text(decision_letter_pdf(complaint)))

    assert squeezed("March 2, 2026") in text
    assert squeezed("Outcome: partly upheld") in text
    assert squeezed("ask our higher-level office to review this decision within 30 days") in text
    missing = [word for word in expected_words(complaint, "en") if squeezed(word) not in text]
    assert missing == []
    assert "处理结果" not in text


def test_the_traditional_chinese_letter_uses_traditional_characters(desk: Desk) -> None:
    complaint = decided_for(desk, name="陳美玲", preferred_language="zh-hant")

    text = squeezed(pdf_text(decision_letter_pdf(complaint)))

    assert "陳美玲" in text
    assert "處理結果：部分支持投訴請求" in text


def test_the_letter_is_dated_the_day_of_the_decision_in_shanghai_not_the_day_it_is_printed(
    desk: Desk, clock: SettableClock
) -> None:
    complaint = desk.in_state("investigating")
    clock.set("2026-03-03 00:30")  # still 2 March in UTC
    actions.complaint_decide(actor=SYSTEM, complaint_id=complaint.pk, decision=DECISION)
    clock.advance(days=5)

    text = squeezed(pdf_text(decision_letter_pdf(Complaint.objects.get(pk=complaint.pk))))

    assert "2026年3月3日" in text
    assert "2026年3月2日" not in text
    assert "2026年3月8日" not in text


def test_the_middle_dot_and_chinese_text_survive_with_no_replacement_character(desk: Desk) -> None:
    Insurer.objects.filter(pk=desk.world.ours.insurer.pk).update(
        name="辽宁·和平人寿保险股份有限公司",
        complaint_address="沈阳市和平区南京北街 1 号",
        complaint_phone="95500",
        website="https://ours.example",
    )
    complaint = decided_for(desk)

    text = pdf_text(decision_letter_pdf(complaint))

    assert "\ufffd" not in text
    assert "辽宁·和平人寿保险股份有限公司" in text
    assert "沈阳市和平区南京北街 1 号 · https://ours.example" in text  # the letterhead's line
    assert "95500" in squeezed(text)  # the complaint contacts


def test_the_letter_stays_small(desk: Desk) -> None:
    complaint = decided_for(desk)

    letter = decision_letter_pdf(complaint)

    assert len(letter) < 120_000  # the font's 5 MB reduced to the glyphs used


def test_there_is_no_letter_before_the_decision(desk: Desk) -> None:
    complaint = desk.in_state("investigating")

    with pytest.raises(NotFound):
        decision_letter_pdf(complaint)


def test_the_complainant_has_no_letter_before_it_was_sent(desk: Desk) -> None:
    complaint = desk.in_state("decided")

    with pytest.raises(NotFound):
        decision_letter_pdf(complaint, sent_only=True)


def test_staff_of_another_insurer_and_staff_of_ours_before_the_decision_get_404(client: Client, desk: Desk) -> None:
    decided, open_case = decided_for(desk), desk.in_state("investigating")
    _, intruder = desk.world.theirs.staff(*Role)
    client.force_login(Staff.objects.get(pk=intruder.staff_id).user)
    ours = Client()
    ours.force_login(Staff.objects.get(pk=desk.handler.staff_id).user)

    assert client.get(f"/workbench/complaints/{decided.pk}/decision-letter.pdf").status_code == 404
    assert ours.get(f"/workbench/complaints/{open_case.pk}/decision-letter.pdf").status_code == 404
    served = ours.get(f"/workbench/complaints/{decided.pk}/decision-letter.pdf")
    assert (served.status_code, served["Content-Type"]) == (200, "application/pdf")
    assert served["Cache-Control"] == "private, no-store"


def summaries(language: str, options: tuple[Remedy, ...] = tuple(Remedy)) -> list[str]:
    """Each option's name and summary from the options guide (DSP-2), in ``language``."""
    with translation.override(language):
        return [gettext(text) for guide in GUIDE if guide.option in options for text in (guide.title, guide.summary)]


@pytest.mark.parametrize(("language", "last_day"), [("zh-hans", "2026年4月1日"), ("en", "April 1, 2026")])
def test_the_letter_summarises_each_option_with_the_last_day_for_a_review_and_the_links(
    desk: Desk, language: str, last_day: str
) -> None:
    complaint = decided_for(desk, name="Mary Wong", preferred_language=language)  # sent 2026-03-02

    text = squeezed(pdf_text(decision_letter_pdf(complaint)))

    assert [summary for summary in summaries(language) if squeezed(summary) not in text] == []
    assert squeezed(last_day) in text
    assert "/disputes/options/" in text
    assert f"/track/{complaint.reference}/#next-steps" in text


def test_the_last_day_for_a_review_counts_from_the_notice_and_leaves_a_holiday(
    desk: Desk, clock: SettableClock
) -> None:
    complaint = desk.in_state("decided")  # decided on 2026-03-02
    clock.set("2026-03-05 10:00")
    actions.complaint_send_decision(actor=SYSTEM, complaint_id=complaint.pk)

    text = squeezed(pdf_text(decision_letter_pdf(Complaint.objects.get(pk=complaint.pk))))

    # 30 days from 5 March is Saturday 4 April, in the Qingming holiday (4–6 April 2026): the next working day
    assert "2026年4月7日" in text
    assert "2026年4月4日" not in text


def test_the_decision_notice_carries_each_options_summary_the_last_day_and_the_links(desk: Desk) -> None:
    from xiaobao.notifications.models import Notification

    complaint = decided_for(desk)

    body = Notification.objects.get(purpose="decision_notice", consumer=complaint.complainant).body

    assert [summary for summary in summaries("zh-hans") if summary not in body] == []
    assert "2026年4月1日" in body
    assert "/disputes/options/" in body
    assert f"/track/{complaint.reference}/#next-steps" in body
