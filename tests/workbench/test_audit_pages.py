"""The auditor's pages (issue #18 item 5): verify a case or every chain, read the result, export the verified
timeline as CSV, PDF and JSON; nothing of another insurer, nothing for staff without ``audit.verify``, nothing
for anonymous visitors or consumers; a row tampered in the database is named on the page."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client

from tests.support import tamper
from tests.support.desk import Desk
from xiaobao.audit import actions, chain
from xiaobao.audit.models import AuditEvent, Verification
from xiaobao.audit.recorder import subject_key
from xiaobao.identity.models import Staff
from xiaobao.kernel.actors import Actor, Role

pytestmark = pytest.mark.django_db


def signed_in(client: Client, actor: Actor) -> Client:
    client.force_login(Staff.objects.get(pk=actor.staff_id).user)
    return client


def auditor_of(desk: Desk, client: Client, *, theirs: bool = False) -> Actor:
    _, auditor = (desk.world.theirs if theirs else desk.world.ours).staff(Role.AUDITOR)
    signed_in(client, auditor)
    return auditor


def chain_of(subject: object) -> list[AuditEvent]:
    subject_type, subject_id = subject_key(subject)  # type: ignore[arg-type]
    return list(AuditEvent.objects.filter(subject_type=subject_type, subject_id=subject_id).order_by("sequence"))


def test_the_auditor_sees_the_page_and_the_nav_link(client: Client, desk: Desk) -> None:
    auditor_of(desk, client)

    page = client.get("/workbench/audit/")

    assert page.status_code == 200
    assert 'href="/workbench/audit/"' in page.content.decode()


def test_a_handler_has_no_nav_link_and_no_page(client: Client, desk: Desk) -> None:
    signed_in(client, desk.handler)

    assert 'href="/workbench/audit/"' not in client.get("/workbench/").content.decode()
    assert client.get("/workbench/audit/").status_code == 404


def test_verifying_a_case_shows_it_intact_with_its_head_hash(client: Client, desk: Desk) -> None:
    complaint = desk.in_state("assigned")
    auditor_of(desk, client)
    events = chain_of(complaint)

    posted = client.post("/workbench/audit/verify/", {"reference": complaint.reference, "token": "t1"})

    assert posted.status_code == 302
    page = client.get(posted["Location"]).content.decode()
    assert events[-1].hash in page
    assert f'id="event-count">{len(events)}<' in page
    assert "clock-met" in page


def test_a_tampered_row_is_reported_naming_the_event(client: Client, desk: Desk) -> None:
    complaint = desk.in_state("assigned")
    auditor_of(desk, client)
    victim = chain_of(complaint)[2]
    tamper.execute("UPDATE audit_auditevent SET actor_id = 'staff:999' WHERE id = %s", [victim.pk])

    posted = client.post("/workbench/audit/verify/", {"reference": complaint.reference, "token": "t2"})

    page = client.get(posted["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "clock-missed" in page
    assert "Event no. 3 was changed after it was recorded" in page
    assert f"log record {victim.pk}" in page


def test_an_unknown_reference_keeps_what_was_typed_and_records_nothing(client: Client, desk: Desk) -> None:
    auditor_of(desk, client)
    before = AuditEvent.objects.count()

    refused = client.post("/workbench/audit/verify/", {"reference": "TS-NOPE-1", "token": "t3"})

    assert refused.status_code == 404
    assert 'value="TS-NOPE-1"' in refused.content.decode()
    assert AuditEvent.objects.count() == before
    assert not Verification.objects.exists()


def test_another_insurers_auditor_gets_the_same_refusal(client: Client, desk: Desk) -> None:
    complaint = desk.register()
    auditor_of(desk, client, theirs=True)
    before = AuditEvent.objects.count()

    refused = client.post("/workbench/audit/verify/", {"reference": complaint.reference, "token": "t4"})
    export = client.post("/workbench/audit/timeline/", {"reference": complaint.reference, "format": "csv"})

    assert refused.status_code == 404
    assert export.status_code == 404
    assert AuditEvent.objects.count() == before
    assert not Verification.objects.exists()


def test_another_insurers_verification_page_is_not_found(client: Client, desk: Desk) -> None:
    complaint = desk.register()
    auditor_of(desk, client)
    posted = client.post("/workbench/audit/verify/", {"reference": complaint.reference, "token": "t5"})

    other = Client()
    auditor_of(desk, other, theirs=True)

    assert other.get(posted["Location"]).status_code == 404


@pytest.mark.parametrize("role", [Role.HANDLER, Role.SUPERVISOR, Role.SENIOR_MANAGER])
def test_staff_without_the_permission_get_404_everywhere_and_nothing_changes(
    client: Client, desk: Desk, role: Role
) -> None:
    complaint = desk.register()
    _, auditor = desk.world.ours.staff(Role.AUDITOR)
    verified = actions.case_verify(actor=auditor, reference=complaint.reference or "")
    _, staff = desk.world.ours.staff(role)
    signed_in(client, staff)
    before = AuditEvent.objects.count()

    answers = [
        client.get("/workbench/audit/").status_code,
        client.get(f"/workbench/audit/verifications/{verified.pk}/").status_code,
        client.post("/workbench/audit/verify/", {"reference": complaint.reference}).status_code,
        client.post("/workbench/audit/verify-all/").status_code,
        client.post("/workbench/audit/timeline/", {"reference": complaint.reference, "format": "pdf"}).status_code,
    ]

    assert answers == [404, 404, 404, 404, 404]
    assert AuditEvent.objects.count() == before
    assert list(Verification.objects.all()) == [verified]


def test_anonymous_visitors_are_sent_to_sign_in_and_nothing_changes(client: Client, desk: Desk) -> None:
    complaint = desk.register()
    _, auditor = desk.world.ours.staff(Role.AUDITOR)
    verified = actions.case_verify(actor=auditor, reference=complaint.reference or "")
    before = AuditEvent.objects.count()

    answers = [
        client.get("/workbench/audit/"),
        client.get(f"/workbench/audit/verifications/{verified.pk}/"),
        client.post("/workbench/audit/verify/", {"reference": complaint.reference}),
        client.post("/workbench/audit/verify-all/"),
        client.post("/workbench/audit/timeline/", {"reference": complaint.reference, "format": "csv"}),
    ]

    assert all(a.status_code == 302 and "login" in a["Location"] for a in answers)
    assert AuditEvent.objects.count() == before


def test_a_consumer_signed_in_on_the_portal_is_refused(client: Client, desk: Desk) -> None:
    from tests.portal.conftest import latest_code

    complaint = desk.register()
    _, auditor = desk.world.ours.staff(Role.AUDITOR)
    verified = actions.case_verify(actor=auditor, reference=complaint.reference or "")
    client.post("/sign-in/", {"phone": desk.complainant.phone})
    client.post("/sign-in/code/", {"code": latest_code("verification_code")})
    assert client.get("/my/").status_code == 200  # signed in as the complainant
    before = AuditEvent.objects.count()

    answers = [
        client.get("/workbench/audit/").status_code,
        client.get(f"/workbench/audit/verifications/{verified.pk}/").status_code,
        client.post("/workbench/audit/verify/", {"reference": complaint.reference}).status_code,
        client.post("/workbench/audit/verify-all/").status_code,
        client.post("/workbench/audit/timeline/", {"reference": complaint.reference, "format": "json"}).status_code,
    ]

    assert all(status in (302, 404) for status in answers)
    assert AuditEvent.objects.count() == before
    assert list(Verification.objects.all()) == [verified]


def test_verify_all_queues_once_and_shows_the_result_when_ready(client: Client, desk: Desk) -> None:
    from xiaobao.audit.actions import insurer_verification_run

    desk.register()
    auditor_of(desk, client)

    posted = client.post("/workbench/audit/verify-all/", {"token": "all-1"})
    again = client.post("/workbench/audit/verify-all/", {"token": "all-1"})
    assert posted["Location"] == again["Location"]
    verification = Verification.objects.get()
    assert 'id="event-count"' not in client.get(posted["Location"]).content.decode()

    insurer_verification_run(verification_id=verification.pk)

    page = client.get(posted["Location"]).content.decode()
    assert "clock-met" in page
    verification.refresh_from_db()
    assert f'id="event-count">{verification.events}<' in page


def test_the_csv_timeline_lists_every_event_with_its_hashes(client: Client, desk: Desk) -> None:
    complaint = desk.in_state("assigned")
    auditor = auditor_of(desk, client)
    events = chain_of(complaint)

    response = client.post("/workbench/audit/timeline/", {"reference": complaint.reference, "format": "csv"})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    table = lines[lines.index([]) + 2 :]
    assert [(int(row[0]), row[6], row[7]) for row in table] == [(e.sequence, e.hash, e.prev_hash) for e in events]
    exported = AuditEvent.objects.get(event_type="audit.timeline_exported")
    assert (exported.actor_id, exported.new_values["format"]) == (auditor.audit_id, "csv")
    assert "timeline exported as CSV" in client.get("/workbench/audit/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_json_timeline_lets_anyone_recompute_each_hash(client: Client, desk: Desk) -> None:
    complaint = desk.in_state("assigned")
    auditor_of(desk, client)

    document = client.post("/workbench/audit/timeline/", {"reference": complaint.reference, "format": "json"}).json()

    assert document["verification"]["intact"] is True
    assert document["events"]
    for event in document["events"]:
        assert chain.event_hash(event["prev_hash"], event["content"]) == event["hash"]


def test_exports_name_no_person(client: Client, desk: Desk) -> None:
    complaint = desk.in_state("assigned")
    auditor_of(desk, client)
    person = complaint.complainant

    for file_format in ("csv", "json"):
        body = client.post(
            "/workbench/audit/timeline/", {"reference": complaint.reference, "format": file_format}
        ).content.decode("utf-8-sig")
        assert person.name not in body
        assert person.phone not in body
        assert desk.handler_staff.display_name not in body
        assert json.dumps(person.name, ensure_ascii=False)[1:-1] not in body


def test_the_pdf_timeline_is_a_pdf_with_its_font_embedded(client: Client, desk: Desk) -> None:
    from tests.support.pdf import pdf_fonts, pdf_text

    complaint = desk.in_state("assigned")
    auditor_of(desk, client)
    last = chain_of(complaint)[-1]

    response = client.post("/workbench/audit/timeline/", {"reference": complaint.reference, "format": "pdf"})

    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert all(font.embedded for font in pdf_fonts(response.content))
    assert last.hash[:16] in "".join(pdf_text(response.content).split())


def test_an_unknown_format_exports_nothing(client: Client, desk: Desk) -> None:
    complaint = desk.register()
    auditor_of(desk, client)
    before = AuditEvent.objects.count()

    response = client.post("/workbench/audit/timeline/", {"reference": complaint.reference, "format": "xlsx"})

    assert response.status_code == 302
    assert AuditEvent.objects.count() == before


def test_the_verification_page_lists_the_chain_and_marks_the_event_named(client: Client, desk: Desk) -> None:
    complaint = desk.in_state("assigned")
    auditor_of(desk, client)
    events = chain_of(complaint)
    tamper.execute("UPDATE audit_auditevent SET request_id = 'forged' WHERE id = %s", [events[1].pk])

    posted = client.post("/workbench/audit/verify/", {"reference": complaint.reference, "token": "t9"})

    page = client.get(posted["Location"]).content.decode()
    rows = page.split('id="chain"')[1].split("<tr")[2:]
    assert len(rows) == len(events)
    assert ['class="named"' in row for row in rows] == [e.pk == events[1].pk for e in events]


def test_a_whole_insurer_result_names_a_broken_case_by_its_reference(client: Client, desk: Desk) -> None:
    from xiaobao.audit.actions import insurer_verification_run

    complaint = desk.register()
    auditor_of(desk, client)
    tamper.execute("UPDATE audit_auditevent SET request_id = 'forged' WHERE id = %s", [chain_of(complaint)[0].pk])
    posted = client.post("/workbench/audit/verify-all/", {"token": "all-2"})

    insurer_verification_run(verification_id=Verification.objects.get().pk)

    found = client.get(posted["Location"]).content.decode().split('id="breaks"')[1]
    assert complaint.reference in found


def test_the_two_forms_of_one_page_are_two_presses(client: Client, desk: Desk) -> None:
    complaint = desk.register()
    auditor_of(desk, client)

    client.post("/workbench/audit/verify/", {"reference": complaint.reference, "token": "same"})
    client.post("/workbench/audit/verify-all/", {"token": "same"})

    assert sorted(Verification.objects.values_list("scope", flat=True)) == ["case", "insurer"]
