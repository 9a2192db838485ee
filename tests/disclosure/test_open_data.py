"""The open complaint data set (issue #18 item 4): only complaints whose complainant consented, from their own
tracking page with their phone checked; no name, ID number, phone, email or address of any complainant, checked
against the decrypted originals; a withdrawal honoured at the next publication; the periodic task publishes."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.test import Client

from tests.conftest import World
from tests.portal.conftest import Filer, filed_and_opened
from tests.reports.generated import Generated
from tests.support.matrix import Cast, assert_matrix
from tests.support.world import fresh_resident_id, make_consumer
from xiaobao.audit.models import AuditEvent
from xiaobao.complaints.models import Complaint
from xiaobao.disclosure import actions
from xiaobao.disclosure.domain.anonymising import FIELDS
from xiaobao.disclosure.models import OpenDataConsent, OpenDataPublication
from xiaobao.disclosure.tasks import publish_open_data
from xiaobao.identity.models import Consumer
from xiaobao.kernel.actors import SYSTEM, Actor, ActorKind, Role
from xiaobao.kernel.errors import PermissionDenied

ADDRESS = "辽宁省沈阳市和平区南京北街100号3单元502室"


def complainant(complaint: Complaint) -> Actor:
    return Actor(kind=ActorKind.CONSUMER, consumer_id=complaint.complainant_id)


@pytest.fixture
def people(world: World, generated: Generated) -> list[Complaint]:
    """Twelve generated complaints given to four complainants each with a name, ID number, phone and email, whose
    every free text names them, their numbers and their address."""
    consumers = [
        make_consumer(
            insurer_ids=[world.ours.insurer.pk, world.theirs.insurer.pk],
            name=name,
            phone=f"1391234{n:04d}",
            email=f"person{n}@example.cn",
            resident_id=fresh_resident_id(),
        )
        for n, name in enumerate(["欧阳娜娜", "王淑芬", "Li Wei", "诸葛明"])
    ]
    chosen = generated.complaints[:6] + generated.complaints[-6:]
    for n, complaint in enumerate(chosen):
        person = consumers[n % 4]
        complaint.complainant = person
        complaint.description = (
            f"我是{person.name}，身份证{person.resident_id}，电话{person.phone}，邮箱{person.email}，住{ADDRESS}。"
        )
        complaint.requested_outcome = f"请联系{person.name} {person.phone}"
        complaint.findings = f"{person.name}住在{ADDRESS}"
        complaint.save(update_fields=["complainant", "description", "requested_outcome", "findings"])
    return chosen


def test_the_data_set_holds_consented_complaints_and_no_personal_data(client: Client, people: list[Complaint]) -> None:
    consented = people[:8]
    for complaint in consented:
        actions.open_data_consent_give(actor=complainant(complaint), complaint_id=complaint.pk)

    publication = actions.open_data_publish(actor=SYSTEM)

    assert publication.rows == len(consented)
    csv_file = client.get("/disclosure/open-data/complaints.csv")
    json_file = client.get("/disclosure/open-data/complaints.json")
    assert csv_file.status_code == json_file.status_code == 200
    published = csv_file.content.decode("utf-8-sig") + json_file.content.decode()
    rows = json.loads(json_file.content)
    assert len(rows) == len(consented)
    assert all(tuple(row) == FIELDS for row in rows)
    assert csv_file.content.decode("utf-8-sig").splitlines()[0] == ",".join(FIELDS)
    secrets = set()
    for person in Consumer.objects.filter(pk__in=[c.complainant_id for c in people]):  # decrypted on read
        secrets |= {person.name, person.resident_id, person.phone, person.email, person.resident_id[-6:]}
        secrets |= {person.phone[-8:], person.email.split("@")[0]}
    secrets |= {ADDRESS, "南京北街", "和平区"}
    for complaint in people:
        secrets.add(complaint.reference)
    found = sorted(secret for secret in secrets if secret and secret in published)
    assert found == []
    assert sorted(row["received_month"] for row in rows) == sorted(
        f"{c.received_on.year}-{c.received_on.month:02d}" for c in consented
    )


def test_without_consent_nothing_is_published(people: list[Complaint]) -> None:
    publication = actions.open_data_publish(actor=SYSTEM)
    assert publication.rows == 0
    assert json.loads(publication.json_text) == []


def test_a_withdrawal_is_honoured_at_the_next_publication(client: Client, people: list[Complaint]) -> None:
    first, second = people[0], people[1]
    for complaint in (first, second):
        actions.open_data_consent_give(actor=complainant(complaint), complaint_id=complaint.pk)
    assert actions.open_data_publish(actor=SYSTEM).rows == 2

    actions.open_data_consent_withdraw(actor=complainant(first), complaint_id=first.pk)
    assert len(json.loads(client.get("/disclosure/open-data/complaints.json").content)) == 2  # until published
    publish_open_data.call()

    assert OpenDataPublication.objects.count() == 1  # the earlier set is gone with it
    assert len(json.loads(client.get("/disclosure/open-data/complaints.json").content)) == 1
    events = AuditEvent.objects.filter(
        subject_type="complaints.complaint", subject_id=str(first.pk), event_type__startswith="disclosure."
    )
    assert list(events.order_by("sequence").values_list("event_type", flat=True)) == [
        "disclosure.open_data_consent_given",
        "disclosure.open_data_consent_withdrawn",
    ]


def test_only_the_complainant_consents(world: World, people: list[Complaint]) -> None:
    """Anyone else — anonymous, another consumer, staff of either insurer with any role — is refused and leaves
    no row behind; the system publishes but never consents for anyone."""
    complaint = people[0]
    cast = Cast.build(world, Role.COMPLIANCE_OFFICER, Role.SUPERVISOR)
    assert_matrix(
        cast, lambda actor: actions.open_data_consent_give(actor=actor, complaint_id=complaint.pk), allowed=set()
    )
    with pytest.raises(PermissionDenied):
        actions.open_data_consent_give(actor=SYSTEM, complaint_id=complaint.pk)
    actions.open_data_consent_give(actor=complainant(complaint), complaint_id=complaint.pk)
    assert_matrix(
        cast, lambda actor: actions.open_data_consent_withdraw(actor=actor, complaint_id=complaint.pk), allowed=set()
    )
    assert OpenDataConsent.objects.get().withdrawn_at is None
    with pytest.raises(PermissionDenied):
        actions.open_data_publish(actor=cast.staff_with_role)


def test_the_complainant_consents_from_the_tracking_page_with_the_phone_checked(world: World, client: Client) -> None:
    filer = Filer(client, world.ours.insurer, fresh_resident_id())
    complaint, _code = filed_and_opened(filer)
    address = f"/track/{complaint.reference}/open-data/"
    assert 'name="choice" value="give"' in client.get(f"/track/{complaint.reference}/").content.decode()

    answer = client.post(address, {"choice": "give"})

    assert answer.status_code == 302
    assert OpenDataConsent.objects.get(complaint=complaint).withdrawn_at is None
    assert 'name="choice" value="withdraw"' in client.get(f"/track/{complaint.reference}/").content.decode()
    client.post(address, {"choice": "withdraw"})
    assert OpenDataConsent.objects.get(complaint=complaint).withdrawn_at is not None


def test_a_reference_and_code_alone_do_not_consent(world: World, client: Client) -> None:
    filer = Filer(client, world.ours.insurer, fresh_resident_id())
    complaint, code = filed_and_opened(filer)
    address = f"/track/{complaint.reference}/open-data/"
    stranger = Client()
    assert stranger.post(address, {"choice": "give"}).status_code == 404  # never opened it here
    with_code = Client()
    opened = with_code.post("/track/", {"reference": complaint.reference, "access_code": code})
    assert opened.status_code == 302
    answer = with_code.post(address, {"choice": "give"})
    assert answer.status_code == 302
    assert answer["Location"].startswith("/sign-in/")
    staff = Client()
    staff.force_login(world.ours.staff(Role.SUPERVISOR)[0].user)
    assert staff.post(address, {"choice": "give"}).status_code == 404
    assert OpenDataConsent.objects.count() == 0


def test_the_publication_is_a_periodic_task() -> None:
    assert settings.XIAOBAO_PERIODIC_TASKS["disclosure.publish_open_data"]["task"] == (
        "xiaobao.disclosure.tasks.publish_open_data"
    )


def test_the_order_of_the_rows_gives_away_nothing_the_columns_do_not() -> None:
    """Review finding: rows came out in the order of the day received (the day is not published). The set is now
    the same whatever order the cases come in — so it cannot follow the day, nor which case was first."""
    from datetime import date

    from xiaobao.disclosure.domain.anonymising import open_data_rows

    def case(day: int, line: str, reason: str) -> dict[str, object]:
        return {
            "insurer": "安和人寿",
            "received_on": date(2026, 3, day),
            "channel": "web",
            "product_line": line,
            "reason": reason,
            "state": "closed",
            "outcome": "upheld",
            "review_asked": False,
            "mediation_asked": day == 15,
        }

    by_day = [case(2, "motor", "sales"), case(15, "life", "claims"), case(28, "health", "service")]
    published = open_data_rows(by_day)
    assert open_data_rows(reversed(by_day)) == published
    assert open_data_rows([by_day[1], by_day[2], by_day[0]]) == published
    assert [row["product_line"] for row in published] == ["health", "life", "motor"]
    assert [row["row"] for row in published] == [1, 2, 3]
