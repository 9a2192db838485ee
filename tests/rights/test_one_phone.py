"""What one phone reaches (issue #19 review): a family sharing a phone keeps apart the record staff checked as
another person's, and a call-back where somebody merely typed the phone is nobody's to see or delete."""

from __future__ import annotations

import pytest

from tests.conftest import World
from tests.rights.conftest import Person, settle
from tests.rights.test_requests import compliance, made
from tests.support.world import fresh_resident_id, make_consumer
from xiaobao.callbacks.actions import CallbackAsked, callback_request
from xiaobao.callbacks.domain.languages import CallLanguage
from xiaobao.callbacks.domain.timing import Slot
from xiaobao.callbacks.models import CallbackRequest
from xiaobao.identity.models import Consumer
from xiaobao.kernel.actors import ANONYMOUS
from xiaobao.rights.actions import data_request_accept, personal_data_read
from xiaobao.rights.domain.requests import RequestKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def mother(world: World, alice: Person) -> Consumer:
    """Alice's mother, registered by staff at the counter with her own ID number, on alice's phone."""
    mother = make_consumer(
        insurer_ids=[world.ours.insurer.pk], name="欧阳秀英", phone=alice.phone, resident_id=fresh_resident_id()
    )
    Consumer.objects.filter(pk=mother.pk).update(id_checked_by_staff=True)  # as consumer_register by staff sets it
    return mother


@pytest.fixture
def typed_by_a_stranger(world: World, alice: Person) -> CallbackRequest:
    return callback_request(
        actor=ANONYMOUS,
        insurer_id=world.theirs.insurer.pk,
        asked=CallbackAsked(slot=Slot.SOON, language=CallLanguage.MANDARIN, note="陌生人留言", phone=alice.phone),
        idempotency_key="key-stranger",
        client="127.0.0.2",
    )


def test_her_data_leaves_out_her_mothers_record_and_a_call_back_she_did_not_ask_for(
    world: World, alice: Person, mother: Consumer, typed_by_a_stranger: CallbackRequest
) -> None:
    data = personal_data_read(actor=alice.actor, format="json")
    text = str(data)
    assert "欧阳秀英" not in text
    assert "陌生人留言" not in text
    assert alice.name in text


def test_her_deletion_leaves_her_mothers_record_and_the_strangers_call_back(
    world: World, alice: Person, mother: Consumer, typed_by_a_stranger: CallbackRequest
) -> None:
    settle(world, alice)
    requests = made(alice, world, RequestKind.DELETION)
    data_request_accept(actor=compliance(world), request_id=requests["ours"].pk)
    data_request_accept(actor=compliance(world, "theirs"), request_id=requests["theirs"].pk)
    assert Consumer.objects.get(pk=alice.consumer.pk).name == ""
    assert Consumer.objects.get(pk=mother.pk).name == "欧阳秀英"
    assert CallbackRequest.objects.get(pk=typed_by_a_stranger.pk).note == "陌生人留言"
