"""A correction changes the one consumer record (issue #19 review): it goes only to the insurers that can make it,
and once one has made it, the same request to the others is closed."""

from __future__ import annotations

import pytest

from tests.conftest import World
from tests.rights.conftest import Person
from tests.rights.test_requests import compliance, made
from tests.support.world import make_consumer
from xiaobao.audit.models import AuditEvent
from xiaobao.callbacks.actions import CallbackAsked, callback_request
from xiaobao.callbacks.domain.languages import CallLanguage
from xiaobao.callbacks.domain.timing import Slot
from xiaobao.identity.models import Consumer
from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.notifications.models import Notification
from xiaobao.rights.actions import data_request_accept, data_request_make
from xiaobao.rights.domain.requests import RequestKind
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
