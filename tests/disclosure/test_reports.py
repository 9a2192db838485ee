"""The yearly complaint-handling report (issue #18 item 4): its figures equal an independent count of the generated
cases; it is prepared by compliance and public only once another person approved it; every page and action
refuses other insurers and other roles; small counts are withheld; the PDF embeds its font."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.test import Client
from django.utils import translation

from tests.conftest import World
from tests.disclosure.conftest import AFTER_THE_YEAR
from tests.reports.generated import Generated
from tests.support.clock import SettableClock
from tests.support.matrix import Cast, assert_matrix
from tests.support.pdf import pdf_fonts, pdf_text, squeezed
from xiaobao.audit.models import AuditEvent
from xiaobao.complaints.models import Deadline
from xiaobao.disclosure import actions, presenting
from xiaobao.disclosure.domain.reports import ApproverMustDiffer, ReportAlreadyPublic
from xiaobao.disclosure.models import DisclosureReport
from xiaobao.identity.models import Staff
from xiaobao.kernel.actors import Actor, Role
from xiaobao.kernel.errors import InvalidInput

TODAY = AFTER_THE_YEAR.date()
DECISION = {"CMP-T1": "within_15", "CMP-T2": "within_30", "CMP-T3": "within_60"}


def signed_in(client: Client, actor: Actor) -> Client:
    client.force_login(Staff.objects.get(pk=actor.staff_id).user)
    return client


def expected_counts(made: Generated, insurer_id: int) -> dict[str, object]:
    """The year's figures counted again in plain Python from the generated objects (no code of xiaobao's)."""
    complaints = [c for c in made.complaints if c.insurer_id == insurer_id and c.received_on.year == 2026]
    ids = {c.pk for c in complaints if c.state != "declined"}
    total = Counter(
        received=len(complaints),
        accepted=sum(c.state not in {"registered", "declined"} for c in complaints),
        decided=sum(bool(c.outcome) for c in complaints),
        upheld=sum(c.outcome in {"upheld", "partly_upheld"} for c in complaints),
        reviews=sum(c.review_requested_on is not None for c in complaints),
        mediations=sum(c.mediation_wanted_on is not None or c.next_step == "mediation" for c in complaints),
    )
    for clock in made.deadlines:
        if clock.complaint_id not in ids or clock.rule_id not in DECISION:
            continue
        if clock.state == Deadline.MET:
            total[DECISION[clock.rule_id]] += 1
        elif clock.state == Deadline.MISSED or (clock.active and clock.due < TODAY):
            total["late"] += 1
    claims = {c.pk for c in made.claims if c.insurer_id == insurer_id}
    claim_counts: Counter[str] = Counter(received=len(claims))
    for clock in made.claim_deadlines:
        if clock.claim_id not in claims:
            continue
        late = clock.state == Deadline.MISSED or (clock.active and clock.due < TODAY)
        met = clock.state == Deadline.MET
        prefix = "" if clock.clock == "decision" else "paid_"
        if met:
            claim_counts[f"{prefix}in_time"] += 1
        elif late:
            claim_counts[f"{prefix}late"] += 1
    calls = [c for c in made.callbacks if c.insurer_id == insurer_id]
    callbacks = Counter(
        received=len(calls),
        in_time=sum(c.first_attempt_at is not None and c.first_attempt_at <= c.late_after for c in calls),
        late=sum(
            (c.first_attempt_at is not None and c.first_attempt_at > c.late_after)
            or (c.first_attempt_at is None and c.late_after < AFTER_THE_YEAR)
            for c in calls
        ),
    )
    months = Counter(f"2026-{c.received_on.month:02d}" for c in complaints)
    lines = Counter(c.product_line for c in complaints)
    return {"total": total, "claims": claim_counts, "callbacks": callbacks, "months": months, "product_line": lines}


def test_the_report_figures_equal_an_independent_count(world: World, generated: Generated) -> None:
    _staff, compliance = world.ours.staff(Role.COMPLIANCE_OFFICER)

    report = actions.report_prepare(actor=compliance, year=2026)

    expected = expected_counts(generated, world.ours.insurer.pk)
    figures = report.figures
    assert expected["total"]["received"] > 100  # type: ignore[index]
    assert {k: v for k, v in figures["total"].items() if v} == {k: v for k, v in expected["total"].items() if v}  # type: ignore[attr-defined]
    for name in ("claims", "callbacks"):
        assert {k: v for k, v in figures[name].items() if v} == {k: v for k, v in expected[name].items() if v}  # type: ignore[attr-defined]
    assert {k: v for k, v in figures["months"] if v} == dict(expected["months"])  # type: ignore[call-overload]
    assert dict(figures["product_line"]) == dict(expected["product_line"])  # type: ignore[call-overload]
    assert world.theirs.insurer.pk != report.insurer_id


def test_a_prepared_report_is_public_only_once_another_person_approved_it(
    client: Client, world: World, generated: Generated
) -> None:
    _one, preparer = world.ours.staff(Role.COMPLIANCE_OFFICER)
    _two, approver = world.ours.staff(Role.SENIOR_MANAGER)
    report = actions.report_prepare(actor=preparer, year=2026)
    address = f"/disclosure/{world.ours.insurer.code}/2026/"
    assert client.get(address).status_code == 404
    assert client.get(address + "report.pdf").status_code == 404
    assert world.ours.insurer.name not in client.get("/disclosure/").content.decode()

    with pytest.raises(ApproverMustDiffer):
        actions.report_approve(actor=preparer, report_id=report.pk)
    assert DisclosureReport.objects.get().state == "prepared"

    actions.report_approve(actor=approver, report_id=report.pk)

    assert client.get(address).status_code == 200
    assert world.ours.insurer.name in client.get("/disclosure/").content.decode()
    assert list(
        AuditEvent.objects.filter(subject_type="disclosure.disclosurereport")
        .values_list("event_type", flat=True)
        .order_by("sequence")
    ) == [
        "disclosure.report_prepared",
        "disclosure.report_approved",
    ]
    with pytest.raises(ReportAlreadyPublic):
        actions.report_prepare(actor=preparer, year=2026)


def test_only_an_ended_year_is_reported(world: World, generated: Generated) -> None:
    _staff, compliance = world.ours.staff(Role.COMPLIANCE_OFFICER)
    with pytest.raises(InvalidInput):
        actions.report_prepare(actor=compliance, year=2027)
    assert DisclosureReport.objects.count() == 0


def test_preparing_is_compliance_of_the_insurer(world: World, disclosure_clock: object) -> None:
    """The action names no insurer: compliance prepares its own insurer's report and can reach no other's."""
    cast = Cast.build(world, Role.COMPLIANCE_OFFICER)

    def prepare(actor: Actor) -> bool:
        report = actions.report_prepare(actor=actor, year=2026)
        return report.insurer_id == actor.insurer_id

    assert_matrix(cast, prepare, allowed={"staff_with_role", "other_insurer_staff"})
    assert sorted(DisclosureReport.objects.values_list("insurer_id", flat=True)) == sorted(
        [world.ours.insurer.pk, world.theirs.insurer.pk]
    )


def test_approving_is_another_person_of_the_insurer(world: World, disclosure_clock: object) -> None:
    cast = Cast.build(world, Role.SENIOR_MANAGER)
    _staff, preparer = world.ours.staff(Role.COMPLIANCE_OFFICER)

    def given() -> DisclosureReport:
        DisclosureReport.objects.all().delete()
        return actions.report_prepare(actor=preparer, year=2025)

    assert_matrix(
        cast,
        lambda actor, report: actions.report_approve(actor=actor, report_id=report.pk),
        allowed={"staff_with_role"},
        given=given,
    )


def test_the_workbench_pages_refuse_other_insurers_and_roles(
    client: Client, world: World, generated: Generated
) -> None:
    _one, preparer = world.ours.staff(Role.COMPLIANCE_OFFICER)
    report = actions.report_prepare(actor=preparer, year=2026)
    _two, theirs = world.theirs.staff(Role.COMPLIANCE_OFFICER, Role.SENIOR_MANAGER)
    _three, handler = world.ours.staff(Role.HANDLER, Role.SUPERVISOR)
    for actor in (theirs, handler):
        other = signed_in(Client(), actor)
        listing = other.get("/workbench/disclosure/")
        if actor is handler:
            assert listing.status_code == 404
        else:  # their own insurer's list, without ours
            assert listing.status_code == 200
            assert f"/workbench/disclosure/{report.pk}/" not in listing.content.decode()
        assert other.get(f"/workbench/disclosure/{report.pk}/").status_code == 404
        assert other.post(f"/workbench/disclosure/{report.pk}/approve/").status_code == 404
    assert DisclosureReport.objects.get().state == "prepared"
    anonymous = Client().get("/workbench/disclosure/")
    assert anonymous.status_code == 302
    assert "/accounts/login/" in anonymous["Location"]
    page = signed_in(client, preparer).get(f"/workbench/disclosure/{report.pk}/")
    assert page.status_code == 200
    assert "approve/" not in page.content.decode()  # the preparer is not offered the approval


def test_compliance_prepares_and_a_manager_approves_through_the_pages(
    client: Client, world: World, generated: Generated
) -> None:
    _one, preparer = world.ours.staff(Role.COMPLIANCE_OFFICER)
    _two, approver = world.ours.staff(Role.SENIOR_MANAGER)
    answer = signed_in(client, preparer).post("/workbench/disclosure/prepare/", {"year": "2026"})
    assert answer.status_code == 302
    report = DisclosureReport.objects.get()
    manager = signed_in(Client(), approver)
    assert manager.post("/workbench/disclosure/prepare/", {"year": "2026"}).status_code == 404  # not compliance
    page = manager.get(f"/workbench/disclosure/{report.pk}/").content.decode()
    seen = re.search(r'name="prepared_at" value="([^"]+)"', page)
    assert seen is not None
    assert manager.post(f"/workbench/disclosure/{report.pk}/approve/", {"prepared_at": seen[1]}).status_code == 302
    assert DisclosureReport.objects.get().state == "approved"


def test_a_report_prepared_again_after_the_approver_opened_it_is_not_approved(
    client: Client, world: World, generated: Generated, disclosure_clock: SettableClock
) -> None:
    """Review finding: the approval was not tied to what the approver saw — the preparer could prepare again
    between the approver opening the report and pressing approve, and the new figures went public."""
    _one, preparer = world.ours.staff(Role.COMPLIANCE_OFFICER)
    _two, approver = world.ours.staff(Role.SENIOR_MANAGER)
    report = actions.report_prepare(actor=preparer, year=2026)
    manager = signed_in(Client(), approver)
    page = manager.get(f"/workbench/disclosure/{report.pk}/").content.decode()
    seen = re.search(r'name="prepared_at" value="([^"]+)"', page)
    assert seen is not None
    disclosure_clock.advance(minutes=5)
    actions.report_prepare(actor=preparer, year=2026)  # prepared again meanwhile
    assert manager.post(f"/workbench/disclosure/{report.pk}/approve/", {"prepared_at": seen[1]}).status_code == 302
    assert DisclosureReport.objects.get().state == "prepared"
    assert manager.post(f"/workbench/disclosure/{report.pk}/approve/", {}).status_code == 302  # nothing seen
    assert DisclosureReport.objects.get().state == "prepared"
    page = manager.get(f"/workbench/disclosure/{report.pk}/").content.decode()
    seen = re.search(r'name="prepared_at" value="([^"]+)"', page)
    assert seen is not None
    manager.post(f"/workbench/disclosure/{report.pk}/approve/", {"prepared_at": seen[1]})
    assert DisclosureReport.objects.get().state == "approved"


def test_small_counts_are_withheld_from_the_public(
    client: Client, world: World, generated: Generated, settings: object
) -> None:
    settings.XIAOBAO_DISCLOSURE_MIN_COUNT = 1000  # type: ignore[attr-defined]
    _one, preparer = world.ours.staff(Role.COMPLIANCE_OFFICER)
    _two, approver = world.ours.staff(Role.COMPLIANCE_OFFICER)
    report = actions.report_approve(actor=approver, report_id=actions.report_prepare(actor=preparer, year=2026).pk)

    with translation.override("en"):
        shown = presenting.shown_report(report)

    received = report.figures["total"]["received"]
    assert 0 < received < 1000
    assert all(value in {"0", "fewer than 1000", "—"} for _label, value in shown.totals + shown.services)
    assert all(value in {"0", "fewer than 1000"} for table in shown.tables for _label, value in table.lines)
    page = client.get(f"/disclosure/{world.ours.insurer.code}/2026/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "fewer than 1000" in page
    assert f"<td>{received}</td>" not in page


def test_every_public_count_is_rounded_so_no_withheld_count_can_be_worked_back(
    world: World, generated: Generated, settings: object
) -> None:
    settings.XIAOBAO_DISCLOSURE_MIN_COUNT = 5  # type: ignore[attr-defined]
    _one, preparer = world.ours.staff(Role.COMPLIANCE_OFFICER)
    _two, approver = world.ours.staff(Role.SENIOR_MANAGER)
    report = actions.report_approve(actor=approver, report_id=actions.report_prepare(actor=preparer, year=2026).pk)

    with translation.override("en"):
        shown = presenting.shown_report(report)

    values = [v for _l, v in shown.totals + shown.services] + [v for t in shown.tables for _l, v in t.lines]
    numbers = [int(v) for v in values if v.isdigit()]
    assert numbers
    assert [n for n in numbers if n % 5] == []
    assert {v for v in values if not v.isdigit()} <= {"fewer than 5", "—"} | {v for v in values if v.endswith("%")}


def test_the_pdf_holds_the_figures_with_its_font_embedded(client: Client, world: World, generated: Generated) -> None:
    _one, preparer = world.ours.staff(Role.COMPLIANCE_OFFICER)
    _two, approver = world.ours.staff(Role.SENIOR_MANAGER)
    report = actions.report_approve(actor=approver, report_id=actions.report_prepare(actor=preparer, year=2026).pk)
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})

    answer = client.get(f"/disclosure/{world.ours.insurer.code}/2026/report.pdf")

    assert answer["Content-Type"] == "application/pdf"
    fonts = pdf_fonts(answer.content)
    assert fonts
    assert all(font.embedded and font.subset for font in fonts)
    text = squeezed(pdf_text(answer.content))
    assert squeezed(world.ours.insurer.name) in text
    received = report.figures["total"]["received"]
    assert str(5 * ((received + 2) // 5)) in text  # rounded to a multiple of 5 (XIAOBAO_DISCLOSURE_MIN_COUNT)


def test_the_report_of_a_year_is_never_the_other_insurers(client: Client, world: World, generated: Generated) -> None:
    _one, preparer = world.ours.staff(Role.COMPLIANCE_OFFICER)
    _two, approver = world.ours.staff(Role.SENIOR_MANAGER)
    actions.report_approve(actor=approver, report_id=actions.report_prepare(actor=preparer, year=2026).pk)
    assert client.get(f"/disclosure/{world.theirs.insurer.code}/2026/").status_code == 404
