"""The written refusal notice of a claim (CLM-T4) as a PDF reader sees it: every font embedded, in the
claimant's language, dated the day of the refusal, with its reasons and basis, the claimant's options and the
seal area; served to the insurer's staff, never across insurers."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from tests.support.claims import HOSPITAL_ITEMS, report, send_all
from tests.support.clock import SettableClock
from tests.support.desk import Desk
from tests.support.matrix import Cast, assert_matrix
from tests.support.pdf import pdf_fonts, pdf_text, squeezed
from xiaobao.claims import actions, selectors
from xiaobao.claims.letters import REFUSAL_OPTIONS, refusal_letter_pdf
from xiaobao.claims.models import Claim
from xiaobao.identity.models import Staff
from xiaobao.kernel.actors import Actor, Role
from xiaobao.kernel.errors import NotFound

pytestmark = pytest.mark.django_db

REASONS = "事故发生在保单生效之前，不属于保险责任。"
BASIS = "保险合同第三条；《保险法》第二十四条。"


def assessed(desk: Desk, **consumer: object) -> Claim:
    if consumer:
        desk.complainant = desk.world.ours.consumer(**consumer)
    claim = report(desk)
    send_all(desk, claim, HOSPITAL_ITEMS)
    return actions.claim_assess(actor=desk.handler, claim_id=claim.pk)


def refused(desk: Desk, **consumer: object) -> Claim:
    """A hospital claim (12,800.00 claimed, incident 2026-02-20) refused on 2026-03-02."""
    claim = assessed(desk, **consumer)
    return actions.claim_refuse(actor=desk.handler, claim_id=claim.pk, reasons=REASONS, basis=BASIS)


def letter_of(desk: Desk, claim: Claim) -> bytes:
    return refusal_letter_pdf(selectors.refusal_for(desk.handler, claim.pk))


def signed_in(actor: Actor) -> Client:
    client = Client()
    client.force_login(Staff.objects.get(pk=actor.staff_id).user)
    return client


def expected_words(claim: Claim, language: str) -> list[str]:
    with translation.override(language):
        return [
            claim.reference or "",
            claim.insurer.name,
            claim.claimant.name,
            gettext("We cannot pay this claim."),
            gettext("The claim"),
            "12,800.00",
            gettext("Reasons"),
            REASONS,
            gettext("Basis"),
            BASIS,
            *[gettext(option) for option in REFUSAL_OPTIONS],
            gettext("Seal and signature"),
            gettext("Issuing office"),
            claim.handling_branch.name,
        ]


def test_every_font_in_the_refusal_notice_is_embedded(desk: Desk) -> None:
    claim = refused(desk)

    fonts = pdf_fonts(letter_of(desk, claim))

    assert fonts
    assert [font.name for font in fonts if not font.embedded] == []


def test_the_chinese_notice_states_date_addressee_reference_reasons_basis_options_and_seal(desk: Desk) -> None:
    claim = refused(desk)  # 王淑芬, zh-hans

    text = pdf_text(letter_of(desk, claim))

    assert "\ufffd" not in text
    text = squeezed(text)
    assert "2026年3月2日" in text  # the day of the refusal
    assert "2026年2月20日" in text  # the incident, among the facts
    assert "我们无法赔付这笔理赔。" in text
    assert "向保险纠纷调解组织申请调解" in text
    missing = [word for word in expected_words(claim, "zh-hans") if squeezed(word) not in text]
    assert missing == []


def test_the_english_notice_is_written_in_english(desk: Desk) -> None:
    claim = refused(desk, name="Mary Wong", preferred_language="en")

    text = squeezed(pdf_text(letter_of(desk, claim)))

    assert squeezed("March 2, 2026") in text
    assert squeezed("We cannot pay this claim.") in text
    assert squeezed("bring a lawsuit before a people's court") in text
    missing = [word for word in expected_words(claim, "en") if squeezed(word) not in text]
    assert missing == []


def test_the_notice_is_dated_the_day_of_the_refusal_not_the_day_it_is_printed(desk: Desk, clock: SettableClock) -> None:
    claim = refused(desk)
    clock.advance(days=9)

    text = squeezed(pdf_text(letter_of(desk, claim)))

    assert "2026年3月2日" in text
    assert "2026年3月11日" not in text


def test_a_claim_not_refused_has_no_refusal_notice(desk: Desk) -> None:
    claim = assessed(desk)

    with pytest.raises(NotFound):
        selectors.refusal_for(desk.handler, claim.pk)


def test_only_staff_of_the_insurer_with_a_claims_role_reach_the_refusal(desk: Desk) -> None:
    claim = refused(desk)
    cast = Cast.build(desk.world, Role.HANDLER)

    assert_matrix(cast, lambda actor: selectors.refusal_for(actor, claim.pk), allowed={"staff_with_role"})


def test_the_staff_claim_page_links_the_notice_and_serves_it(desk: Desk) -> None:
    claim = refused(desk)
    adjuster = signed_in(desk.handler)

    page = adjuster.get(f"/workbench/claims/{claim.pk}/").content.decode()
    served = adjuster.get(f"/workbench/claims/{claim.pk}/refusal-letter.pdf")

    assert f'href="/workbench/claims/{claim.pk}/refusal-letter.pdf"' in page
    assert (served.status_code, served["Content-Type"]) == (200, "application/pdf")
    assert served["Content-Disposition"] == f'inline; filename="{claim.reference}-refusal.pdf"'
    assert served.content.startswith(b"%PDF")


def test_staff_of_another_insurer_get_404_and_no_one_signed_out_gets_the_notice(desk: Desk) -> None:
    claim = refused(desk)
    _, intruder = desk.world.theirs.staff(*Role)
    url = f"/workbench/claims/{claim.pk}/refusal-letter.pdf"

    assert signed_in(intruder).get(url).status_code == 404
    assert Client().get(url)["Location"].startswith("/accounts/login/")


def test_a_claim_still_open_has_no_notice_to_serve(desk: Desk) -> None:
    claim = assessed(desk)

    assert signed_in(desk.handler).get(f"/workbench/claims/{claim.pk}/refusal-letter.pdf").status_code == 404


def test_the_refusal_summarises_mediation_arbitration_and_court_and_links_the_guide(desk: Desk) -> None:
    from xiaobao.complaints.domain.remedies import GUIDE, Remedy

    claim = refused(desk)
    with translation.override("zh-hans"):
        outside = [gettext(g.summary) for g in GUIDE if g.option is not Remedy.REVIEW]
        review = next(gettext(g.summary) for g in GUIDE if g.option is Remedy.REVIEW)

    text = squeezed(pdf_text(letter_of(desk, claim)))

    assert [summary for summary in outside if squeezed(summary) not in text] == []
    assert squeezed(review) not in text  # a review follows a complaint's decision, not a refusal
    assert "/disputes/options/" in text


def test_the_refusal_notice_summarises_mediation_arbitration_and_court_and_links_the_guide(desk: Desk) -> None:
    from xiaobao.complaints.domain.remedies import GUIDE, Remedy
    from xiaobao.notifications.models import Notification

    claim = refused(desk)
    with translation.override("zh-hans"):
        outside = [gettext(g.summary) for g in GUIDE if g.option is not Remedy.REVIEW]

    body = Notification.objects.get(purpose="claim_refusal_notice", about_id=str(claim.pk)).body

    assert [summary for summary in outside if summary not in body] == []
    assert "/disputes/options/" in body
