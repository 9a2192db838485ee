"""A correction changes the one consumer record (issue #19 review): it goes only to the insurers that can make it,
and once one has made it, the same request to the others is closed."""

from __future__ import annotations

import pytest

from tests.conftest import World
from tests.portal.conftest import latest_code
from tests.rights.conftest import Person
from tests.rights.test_pages import signed_in
from tests.rights.test_requests import compliance, made, proved
from tests.support.world import make_consumer
from xiaobao.audit.models import AuditEvent
from xiaobao.callbacks.actions import CallbackAsked, callback_request
from xiaobao.callbacks.domain.languages import CallLanguage
from xiaobao.callbacks.domain.timing import Slot
from xiaobao.identity.models import Consumer
from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.notifications.models import Notification
from xiaobao.rights.actions import data_request_accept, data_request_make
from xiaobao.rights.domain.requests import NewPhoneNotProved, RequestKind
from xiaobao.rights.models import DataRequest

pytestmark = pytest.mark.django_db


def test_a_correction_goes_only_to_the_insurers_related_to_the_record(world: World) -> None:
    # given a consumer known to our insurer, who asked the other one only for a call-back
    consumer = make_consumer(insurer_ids=[world.ours.insurer.pk], name="王小明", phone="13500003333")
    actor = Actor(kind=ActorKind.CONSUMER, consumer_id=consumer.pk)
    callback_request(
        actor=actor,
        insurer_id=world.theirs.insurer.pk,
        asked=CallbackAsked(slot=Slot.SOON, language=CallLanguage.MANDARIN, note=""),
        idempotency_key="key-wang",
        client="127.0.0.1",
    )
    # when he asks to correct his name
    requests = data_request_make(actor=actor, kind=RequestKind.CORRECTION, field="name", value="王晓明")
    # then only our insurer, which can correct his record, is asked
    assert [r.insurer_id for r in requests] == [world.ours.insurer.pk]


def test_a_granted_correction_closes_the_same_request_to_the_other_insurer_and_tells_her_once(
    world: World, alice: Person
) -> None:
    # given alice asked both insurers to correct her name
    requests = made(alice, world, RequestKind.CORRECTION, field="name", value="欧阳娜")
    # when ours grants it
    data_request_accept(actor=compliance(world), request_id=requests["ours"].pk)
    # then the other insurer's request is closed, not left for it to answer
    assert Consumer.objects.get(pk=alice.consumer.pk).name == "欧阳娜"
    assert DataRequest.objects.get(pk=requests["theirs"].pk).state == "closed"
    # and she is told once, of both; the closing is in the granting request's event
    notices = Notification.objects.filter(purpose="rights.request_decided", consumer=alice.consumer)
    assert notices.count() == 1
    assert requests["theirs"].reference in notices.get().body
    event = AuditEvent.objects.get(event_type="rights.request_accepted")
    assert event.new_values["closed"] == [requests["theirs"].reference]


def test_a_phone_correction_without_the_new_phones_code_is_refused_and_changes_nothing(
    world: World, alice: Person
) -> None:
    before = (DataRequest.objects.count(), AuditEvent.objects.count(), Notification.objects.count())
    with pytest.raises(NewPhoneNotProved):
        data_request_make(actor=alice.actor, kind=RequestKind.CORRECTION, field="phone", value="13911112222")
    assert (DataRequest.objects.count(), AuditEvent.objects.count(), Notification.objects.count()) == before


def test_a_code_proving_another_phone_does_not_prove_the_new_one(world: World, alice: Person) -> None:
    with pytest.raises(NewPhoneNotProved):
        data_request_make(
            actor=alice.actor,
            kind=RequestKind.CORRECTION,
            field="phone",
            value="13911112222",
            phone_check=proved("13811113333"),
        )
    assert not DataRequest.objects.exists()


def test_on_the_page_a_new_phone_is_proved_by_the_code_sent_to_it(world: World, alice: Person) -> None:
    # given alice signed in and asks to correct her phone
    browser = signed_in(alice.phone)
    typed = {"correct-field": "phone", "correct-value": "13911112222", "correct-note": ""}
    first = browser.post("/my/data/correct/", typed)
    # then a code goes to the new phone, the page asks for it, and nothing is asked of the insurers yet
    assert first.status_code == 200
    sms = Notification.objects.filter(purpose="verification_code").order_by("-created_at").first()
    assert sms is not None
    assert sms.to_address == "+8613911112222"
    assert 'name="code"' in first.content.decode()
    assert not DataRequest.objects.exists()
    # when she types a wrong code, then the right one
    wrong = browser.post("/my/data/correct/", {**typed, "code": "000000"})
    assert wrong.status_code == 400
    assert not DataRequest.objects.exists()
    right = browser.post("/my/data/correct/", {**typed, "code": latest_code("verification_code")})
    # then the request is made, with the new phone
    assert right.status_code == 302
    assert {r.new_value for r in DataRequest.objects.all()} == {"+8613911112222"}
