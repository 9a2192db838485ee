"""Partner agreements enforced (#19 item 2, SEC-2, PI-3): through its key a partner reads only the fields its
approved agreements in force cover, for complaint handling; with no agreement in force — expired (the day after
the last, in Asia/Shanghai), ended early, not yet begun, not yet approved — every partner endpoint is refused
and nothing changes; every read is logged, one row per forward, in one request."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.support.clock import SettableClock
from tests.support.desk import Desk
from tests.support.matrix import row_counts
from xiaobao.audit.models import AuditEvent
from xiaobao.complaints import actions
from xiaobao.complaints.models import PartnerForward
from xiaobao.identity.actions import partner_key_issue
from xiaobao.identity.models import Consumer, Partner, PartnerKey, Staff
from xiaobao.kernel.actors import SYSTEM, Actor, Role
from xiaobao.privacy import actions as privacy_actions
from xiaobao.privacy.models import DataSharingAgreement, PartnerDataRead

pytestmark = pytest.mark.django_db

LIST = "/api/v1/partner/forwards"


def _key_client(partner: Partner) -> tuple[Client, PartnerKey]:
    key, raw = partner_key_issue(actor=SYSTEM, partner_id=partner.pk)
    return Client(headers={"Authorization": f"Bearer {raw}"}), key


def _forward(desk: Desk, partner: Partner, **complaint: object) -> PartnerForward:
    case = desk.in_state("investigating", **complaint)
    return actions.complaint_forward(
        actor=desk.handler, complaint_id=case.pk, partner_id=partner.pk, summary="请核实代理人销售过程", days=5
    )


def _staff(actor: Actor) -> Staff:
    return Staff.objects.get(pk=actor.staff_id)


def _endpoints(forward: PartnerForward) -> list[tuple[str, str]]:
    return [("get", LIST), ("get", f"{LIST}/{forward.pk}"), ("post", f"{LIST}/{forward.pk}/answer")]


def _call(client: Client, method: str, url: str) -> object:
    if method == "post":
        return client.post(url, {"answer": "已核实"}, content_type="application/json")
    return client.get(url)


def _all_refused(client: Client, forward: PartnerForward) -> list[tuple[int, str]]:
    answers = [_call(client, method, url) for method, url in _endpoints(forward)]
    return [(a.status_code, a.json()["code"]) for a in answers]  # type: ignore[attr-defined]


def test_a_partner_receives_only_the_fields_of_the_complaint_category(desk: Desk) -> None:
    partner = desk.world.ours.partner_under_agreement(["complaint"])
    forward = _forward(desk, partner, policy_number="MED-2026-0001")
    client, _key = _key_client(partner)

    (shown,) = client.get(LIST).json()

    assert set(shown) == {
        "id",
        "released_categories",
        "purpose",
        "complaint_reference",
        "summary",
        "due",
        "answered_at",
    }
    assert shown["released_categories"] == ["complaint"]
    assert shown["purpose"] == "complaint_handling"
    assert (shown["id"], shown["summary"]) == (forward.pk, "请核实代理人销售过程")
    body = client.get(LIST).content.decode()
    for withheld in ("王淑芬", "13800138001", "MED-2026-0001"):
        assert withheld not in body


def test_a_partner_whose_agreement_covers_the_contact_and_the_policy_receives_them_in_full(desk: Desk) -> None:
    partner = desk.world.ours.partner_under_agreement(["complaint", "complainant_contact", "policy"])
    forward = _forward(desk, partner, policy_number="MED-2026-0002")
    client, _key = _key_client(partner)

    shown = client.get(f"{LIST}/{forward.pk}").json()

    assert shown["released_categories"] == ["complainant_contact", "complaint", "policy"]
    assert (shown["complainant_name"], shown["complainant_phone"]) == ("王淑芬", "+8613800138001")
    assert (shown["policy_number"], shown["product_line"]) == ("MED-2026-0002", "medical")


def test_a_partner_without_the_complaint_category_gets_no_reference_or_summary(desk: Desk) -> None:
    """Categories are released one by one: an agreement naming only the contact gives only the contact."""
    forwarding = desk.world.ours.partner_under_agreement(["complaint"])
    forward = _forward(desk, forwarding)
    DataSharingAgreement.objects.filter(partner=forwarding).update(data_categories=["complainant_contact"])
    client, _key = _key_client(forwarding)

    shown = client.get(f"{LIST}/{forward.pk}").json()

    assert set(shown) == {"id", "released_categories", "purpose", "complainant_name", "complainant_phone"}


def test_every_read_is_logged_with_who_whose_which_why_when_and_the_request(desk: Desk, clock: SettableClock) -> None:
    partner = desk.world.ours.partner_under_agreement(["complaint", "complainant_contact"])
    other_consumer = desk.world.ours.consumer(name="赵六", phone="13700137000")
    first = _forward(desk, partner)
    second = _forward(desk, partner, complainant_id=other_consumer.pk)
    client, key = _key_client(partner)
    agreement = DataSharingAgreement.objects.get(partner=partner)

    response = client.get(LIST, headers={"X-Request-ID": "req-partner-0001"})

    assert response.status_code == 200
    rows = list(
        PartnerDataRead.objects.order_by("record").values_list(
            "partner_id",
            "partner_key_id",
            "consumer_id",
            "agreement_id",
            "purpose",
            "categories",
            "record",
            "at",
            "request_id",
            "insurer_id",
        )
    )
    references = {first.complaint.reference: desk.complainant.pk, second.complaint.reference: other_consumer.pk}
    assert rows == [
        (
            partner.pk,
            key.pk,
            references[reference],
            agreement.pk,
            "complaint_handling",
            ["complainant_contact", "complaint"],
            reference,
            clock.now(),
            "req-partner-0001",
            desk.world.ours.insurer.pk,
        )
        for reference in sorted(references)
    ]
    event = AuditEvent.objects.get(event_type="privacy.partner_read")
    assert (event.actor_id, event.new_values["reads"], event.new_values["key"]) == (f"partner:{partner.pk}", 2, key.pk)


def test_an_empty_list_logs_nothing(desk: Desk) -> None:
    partner = desk.world.ours.partner_under_agreement()
    client, _key = _key_client(partner)

    assert client.get(LIST).json() == []
    assert not PartnerDataRead.objects.exists()
    assert not AuditEvent.objects.filter(event_type="privacy.partner_read").exists()


def test_the_day_after_the_last_day_in_shanghai_every_partner_endpoint_is_refused(
    desk: Desk, clock: SettableClock
) -> None:
    partner = desk.world.ours.partner_under_agreement(valid_until=date(2026, 3, 2))
    forward = _forward(desk, partner)
    client, _key = _key_client(partner)
    clock.set("2026-03-02 23:59")
    assert client.get(LIST).status_code == 200  # the last day, to its last minute
    clock.set("2026-03-03 00:00")  # Shanghai's next day; still 2 March in UTC
    before = row_counts()

    refused = _all_refused(client, forward)

    assert refused == [(403, "no_agreement_in_force")] * 3
    assert row_counts() == before  # no read logged, no answer, no audit event, no notice
    forward.refresh_from_db()
    assert (forward.answer, forward.answered_at) == ("", None)
    message = client.get(LIST).json()["message"]
    assert "协议" in message  # in the caller's language (Simplified Chinese by default)


def test_an_agreement_ended_early_cuts_every_endpoint_at_once(desk: Desk) -> None:
    partner = desk.world.ours.partner_under_agreement()
    forward = _forward(desk, partner)
    client, _key = _key_client(partner)
    assert client.get(LIST).status_code == 200
    agreement = DataSharingAgreement.objects.get(partner=partner)
    _, compliance = desk.world.ours.staff(Role.COMPLIANCE_OFFICER)
    privacy_actions.agreement_end(actor=compliance, agreement_id=agreement.pk, reason="代理合同已解除")
    before = row_counts()

    assert _all_refused(client, forward) == [(403, "no_agreement_in_force")] * 3
    assert row_counts() == before


def test_a_renewal_recorded_but_not_approved_gives_nothing(desk: Desk, clock: SettableClock) -> None:
    partner = desk.world.ours.partner_under_agreement(valid_until=date(2026, 3, 2))
    forward = _forward(desk, partner)
    _, administrator = desk.world.ours.staff(Role.ADMINISTRATOR)
    privacy_actions.agreement_record(
        actor=administrator,
        partner_id=partner.pk,
        terms=privacy_actions.AgreementTerms(
            reference="DSA-RENEWAL",
            purpose="complaint_handling",
            purpose_detail="投诉处理",
            data_categories=["complaint"],
            method="partner_api",
            protection_measures="传输加密，仅投诉专员可见",
            valid_from=date(2026, 3, 3),
            valid_until=date(2027, 3, 2),
        ),
    )
    client, _key = _key_client(partner)
    clock.set("2026-03-03 09:00")

    assert _all_refused(client, forward) == [(403, "no_agreement_in_force")] * 3

    _, compliance = desk.world.ours.staff(Role.COMPLIANCE_OFFICER)
    privacy_actions.agreement_approve(
        actor=compliance, agreement_id=DataSharingAgreement.objects.get(reference="DSA-RENEWAL").pk
    )
    assert client.get(LIST).status_code == 200  # approved: in force from its first day


def test_an_agreement_not_yet_begun_gives_nothing(desk: Desk, clock: SettableClock) -> None:
    partner = desk.world.ours.partner_under_agreement(valid_until=date(2026, 3, 2))
    forward = _forward(desk, partner)
    DataSharingAgreement.objects.filter(partner=partner).update(
        valid_from=date(2026, 3, 10), valid_until=date(2026, 12, 31)
    )
    client, _key = _key_client(partner)

    assert _all_refused(client, forward) == [(403, "no_agreement_in_force")] * 3


def test_an_agreement_for_another_purpose_gives_nothing(desk: Desk) -> None:
    partner = desk.world.ours.partner_under_agreement()
    forward = _forward(desk, partner)
    DataSharingAgreement.objects.filter(partner=partner).update(purpose="policy_service")
    client, _key = _key_client(partner)

    assert _all_refused(client, forward) == [(403, "no_agreement_in_force")] * 3


def test_the_answer_is_taken_under_an_agreement_in_force_and_logged(desk: Desk) -> None:
    partner = desk.world.ours.partner_under_agreement()
    forward = _forward(desk, partner)
    client, _key = _key_client(partner)

    answered = client.post(f"{LIST}/{forward.pk}/answer", {"answer": "已核实"}, content_type="application/json")

    assert answered.status_code == 200
    assert answered.json()["answered_at"] is not None
    assert list(PartnerDataRead.objects.values_list("record", flat=True)) == [forward.complaint.reference]


def test_a_partner_of_one_insurer_never_sees_the_forwards_of_another(desk: Desk) -> None:
    ours = desk.world.ours.partner_under_agreement(["complaint", "complainant_contact"])
    forward = _forward(desk, ours)
    theirs = desk.world.theirs.partner_under_agreement(["complaint", "complainant_contact"])
    client, _key = _key_client(theirs)
    before = row_counts()

    listed = client.get(LIST)
    one = client.get(f"{LIST}/{forward.pk}")
    answered = client.post(f"{LIST}/{forward.pk}/answer", {"answer": "冒充"}, content_type="application/json")

    assert (listed.status_code, listed.json()) == (200, [])
    assert (one.status_code, answered.status_code) == (404, 404)
    assert row_counts() == before


def test_staff_and_consumers_cannot_use_the_partner_api(desk: Desk) -> None:
    partner = desk.world.ours.partner_under_agreement()
    forward = _forward(desk, partner)
    staff = Client()
    staff.force_login(_staff(desk.supervisor).user)
    account = get_user_model().objects.create_user(username="complainant", password="x" * 12)
    Consumer.objects.filter(pk=desk.complainant.pk).update(user=account)
    consumer = Client()
    consumer.force_login(account)
    before = row_counts()

    assert [code for code, _ in _all_refused(staff, forward)] == [403, 403, 403]
    assert [code for code, _ in _all_refused(consumer, forward)] == [403, 403, 403]
    assert [Client().get(url).status_code for _, url in _endpoints(forward)[:2]] == [401, 401]
    assert row_counts() == before


PARTNER_LIST_QUERIES = 10  # measured on SQLite and PostgreSQL: the key, the agreements, the forwards with their
# complaints and complainants in one query, the partner, one insert of the reads, the audit chain's head and event,
# the transaction's savepoints


def _queries(run: object) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        run()  # type: ignore[operator]
    return len(captured)


def test_the_partner_list_and_its_log_do_not_grow_with_the_forwards(desk: Desk) -> None:
    partner = desk.world.ours.partner_under_agreement(["complaint", "complainant_contact", "policy"])
    client, _key = _key_client(partner)
    client.get(LIST)  # the key's first use is noted once; later calls within five minutes are not
    for _ in range(2):
        _forward(desk, partner)
    few = _queries(lambda: client.get(LIST))
    for _ in range(8):
        _forward(desk, partner)
    many = _queries(lambda: client.get(LIST))

    assert many == few
    assert many <= PARTNER_LIST_QUERIES
    assert PartnerDataRead.objects.count() == 2 + 10
