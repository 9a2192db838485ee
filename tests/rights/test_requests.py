"""Correct and delete as requests, one to each insurer holding the data, answered by its compliance staff within
the request's own clock (issue #19, PIPL Art.46-47)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext

from tests.conftest import World
from tests.rights.conftest import Person, audit_verifies, indexes_of, settle, traces
from tests.support.matrix import Cast, assert_matrix
from xiaobao.audit.models import AuditEvent
from xiaobao.complaints.models import Complaint
from xiaobao.identity.models import Consumer
from xiaobao.kernel.actors import Actor, Role
from xiaobao.kernel.errors import NotFound
from xiaobao.notifications.models import Notification
from xiaobao.rights.actions import data_request_accept, data_request_make, data_request_refuse
from xiaobao.rights.domain.requests import RefusalNeedsReasons, RequestAlreadyDecided, RequestKind
from xiaobao.rights.domain.retention import HOLD_TEXT, Hold
from xiaobao.rights.models import DataRequest, Erasure
from xiaobao.rights.selectors import data_request_queue

pytestmark = pytest.mark.django_db


def compliance(world: World, which: str = "ours") -> Actor:
    return getattr(world, which).staff(Role.COMPLIANCE_OFFICER)[1]


def proved(phone: str) -> int:
    """The new phone's check, passed with the code sent to it (as the page does before a phone correction)."""
    from tests.portal.conftest import latest_code
    from xiaobao.identity.actions import phone_verification_check, phone_verification_start

    check = phone_verification_start(phone=phone, purpose="correct_phone", client="127.0.0.9")
    return phone_verification_check(verification_id=check.pk, code=latest_code("verification_code")).pk


def made(person: Person, world: World, kind: RequestKind, **details: Any) -> dict[str, DataRequest]:
    requests = data_request_make(actor=person.actor, kind=kind, **details)
    by_insurer = {r.insurer_id: r for r in requests}
    return {"ours": by_insurer[world.ours.insurer.pk], "theirs": by_insurer[world.theirs.insurer.pk]}


def test_a_request_goes_to_each_insurer_holding_the_data_with_its_own_clock(world: World, alice: Person) -> None:
    requests = data_request_make(actor=alice.actor, kind=RequestKind.CORRECTION, field="name", value="欧阳娜")
    assert sorted(r.insurer_id for r in requests) == sorted([world.ours.insurer.pk, world.theirs.insurer.pk])
    assert {r.due for r in requests} == {date(2026, 3, 17)}  # 15 calendar days from 2 March (unverified default)
    assert AuditEvent.objects.filter(event_type="rights.request_made", subject_id=str(alice.consumer.pk)).count() == 1


def test_the_clock_is_a_setting(world: World, alice: Person, settings) -> None:  # type: ignore[no-untyped-def]
    settings.XIAOBAO_DATA_REQUEST_DAYS = 10
    requests = data_request_make(actor=alice.actor, kind=RequestKind.DELETION)
    assert {r.due for r in requests} == {date(2026, 3, 12)}


def test_a_granted_correction_changes_the_record_through_its_action_and_tells_the_consumer(
    world: World, alice: Person
) -> None:
    request = made(alice, world, RequestKind.CORRECTION, field="name", value="欧阳娜")["ours"]
    data_request_accept(actor=compliance(world), request_id=request.pk)
    consumer = Consumer.objects.get(pk=alice.consumer.pk)
    assert consumer.name == "欧阳娜"
    assert consumer.name_index != alice.consumer.name_index
    corrected = AuditEvent.objects.get(event_type="consumer.corrected")
    assert corrected.new_values == {"field": "name", "value": "欧*娜", "request": request.reference}
    notice = Notification.objects.get(purpose="rights.request_decided")
    assert notice.consumer_id == alice.consumer.pk
    assert request.reference in notice.body
    assert DataRequest.objects.get(pk=request.pk).state == "accepted"


def test_a_corrected_phone_is_stored_normalised_with_its_index(world: World, alice: Person) -> None:
    request = made(
        alice, world, RequestKind.CORRECTION, field="phone", value="139 1111 2222", phone_check=proved("139 1111 2222")
    )["theirs"]
    data_request_accept(actor=compliance(world, "theirs"), request_id=request.pk)
    consumer = Consumer.objects.get(pk=alice.consumer.pk)
    assert consumer.phone == "+8613911112222"
    assert consumer.phone_index != alice.consumer.phone_index


def test_a_refusal_states_its_reasons_to_the_consumer(world: World, alice: Person) -> None:
    request = made(alice, world, RequestKind.CORRECTION, field="name", value="欧阳娜")["ours"]
    data_request_refuse(actor=compliance(world), request_id=request.pk, reasons="户籍信息显示原姓名正确。")
    assert Consumer.objects.get(pk=alice.consumer.pk).name == "欧阳娜娜"
    notice = Notification.objects.get(purpose="rights.request_decided")
    assert "户籍信息显示原姓名正确。" in notice.body
    assert DataRequest.objects.get(pk=request.pk).state == "refused"


def test_a_refusal_without_reasons_changes_nothing(world: World, alice: Person) -> None:
    request = made(alice, world, RequestKind.DELETION)["ours"]
    officer = compliance(world)
    events = AuditEvent.objects.count()
    with pytest.raises(RefusalNeedsReasons):
        data_request_refuse(actor=officer, request_id=request.pk, reasons="  ")
    assert DataRequest.objects.get(pk=request.pk).state == "open"
    assert AuditEvent.objects.count() == events


def test_a_request_is_answered_once(world: World, alice: Person) -> None:
    request = made(alice, world, RequestKind.CORRECTION, field="email", value="nana@example.cn")["ours"]
    data_request_accept(actor=compliance(world), request_id=request.pk)
    with pytest.raises(RequestAlreadyDecided):
        data_request_refuse(actor=compliance(world), request_id=request.pk, reasons="again")


def test_an_open_complaint_holds_the_data_and_the_deletion_is_refused_with_that_reason(
    world: World, alice: Person
) -> None:
    # given alice's complaints, claims and call-back are still being handled
    request = made(alice, world, RequestKind.DELETION)["ours"]
    # when the insurer grants her deletion request
    data_request_accept(actor=compliance(world), request_id=request.pk)
    # then it is refused with the hold as its reason, and nothing is erased
    refused = DataRequest.objects.get(pk=request.pk)
    assert refused.state == "refused"
    with translation.override("zh-hans"):  # her language: she reads the reasons
        expected = [gettext(HOLD_TEXT[h]) for h in (Hold.OPEN_CALLBACK, Hold.OPEN_COMPLAINT, Hold.UNPAID_CLAIM)]
    assert refused.refusal_reasons == " · ".join(expected)
    assert Erasure.objects.count() == 0
    assert Consumer.objects.get(pk=alice.consumer.pk).name == "欧阳娜娜"
    event = AuditEvent.objects.get(event_type="rights.request_refused")
    assert event.new_values["holds"] == ["open_callback", "open_complaint", "unpaid_claim"]  # her call-back too


def test_granted_deletions_at_both_insurers_leave_no_trace_and_the_audit_chain_verifying(
    world: World, alice: Person, bob: Person
) -> None:
    # given alice's cases are all settled, and bob's are not
    settle(world, alice)
    indexes = indexes_of(alice)
    assert traces(alice, indexes) != []  # the search finds her before
    requests = made(alice, world, RequestKind.DELETION)
    # when the first insurer grants it, its records go and her record stays for the other
    data_request_accept(actor=compliance(world), request_id=requests["ours"].pk)
    assert Consumer.objects.get(pk=alice.consumer.pk).name == "欧阳娜娜"
    descriptions = {c.insurer_id: c.description for c in Complaint.objects.filter(complainant=alice.consumer)}
    assert descriptions[world.ours.insurer.pk] == ""
    assert descriptions[world.theirs.insurer.pk] != ""
    # and when the second grants it, her own record goes too
    data_request_accept(actor=compliance(world, "theirs"), request_id=requests["theirs"].pk)
    # then no table holds her name, ID number, phone or their indexes, and the audit log still verifies
    assert traces(alice, indexes) == []
    assert audit_verifies() == "ok"
    # and bob's data is untouched
    assert Consumer.objects.get(pk=bob.consumer.pk).name == "司马相如"
    assert traces(bob, indexes_of(bob)) != []


def test_staff_of_another_insurer_or_without_the_role_cannot_decide_a_request(world: World, alice: Person) -> None:
    cast = Cast.build(world, Role.COMPLIANCE_OFFICER)

    def given() -> DataRequest:
        for waiting in DataRequest.objects.filter(state="open"):  # the same request is not asked twice while open
            officer = compliance(world, "ours" if waiting.insurer_id == world.ours.insurer.pk else "theirs")
            data_request_refuse(actor=officer, request_id=waiting.pk, reasons="重新提出。")
        return made(alice, world, RequestKind.CORRECTION, field="email", value="nana@example.cn")["ours"]

    assert_matrix(
        cast,
        lambda actor, request: data_request_refuse(actor=actor, request_id=request.pk, reasons="原信息正确。"),
        allowed={"staff_with_role"},
        given=given,
    )


def test_staff_see_only_their_own_insurers_requests(world: World, alice: Person) -> None:
    requests = made(alice, world, RequestKind.DELETION)
    ours = [row.request.pk for row in data_request_queue(compliance(world))]
    theirs = [row.request.pk for row in data_request_queue(compliance(world, "theirs"))]
    handler = [row.request.pk for row in data_request_queue(world.ours.staff(Role.HANDLER)[1])]
    assert (ours, theirs, handler) == ([requests["ours"].pk], [requests["theirs"].pk], [])


def test_another_consumer_cannot_make_or_read_a_request_for_her(world: World, alice: Person, bob: Person) -> None:
    request = made(alice, world, RequestKind.DELETION)["ours"]
    with pytest.raises(NotFound):
        data_request_accept(actor=bob.actor, request_id=request.pk)
    assert DataRequest.objects.get(pk=request.pk).state == "open"


def test_each_insurers_compliance_officers_are_told_of_a_new_request(world: World, alice: Person) -> None:
    ours, _ = world.ours.staff(Role.COMPLIANCE_OFFICER)
    theirs, _ = world.theirs.staff(Role.COMPLIANCE_OFFICER)
    world.ours.staff(Role.HANDLER)  # a handler is not told
    requests = made(alice, world, RequestKind.DELETION)
    told = {(n.staff_id, n.about_id) for n in Notification.objects.filter(purpose="rights.request_made")}
    assert told == {(ours.pk, str(requests["ours"].pk)), (theirs.pk, str(requests["theirs"].pk))}
