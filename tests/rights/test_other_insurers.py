"""The last insurer's grant erases the person's own record only when nothing is held anywhere and every other
insurer has erased what it holds now — not only what it held once (issue #19 review)."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.conftest import World
from tests.rights.conftest import Person, settle
from tests.rights.test_requests import compliance, made
from tests.support.clock import SettableClock
from xiaobao.callbacks.actions import CallbackAsked, callback_record_call, callback_request
from xiaobao.callbacks.domain.languages import CallLanguage
from xiaobao.callbacks.domain.lifecycle import CallOutcome
from xiaobao.callbacks.domain.timing import Slot
from xiaobao.callbacks.models import CallbackRequest
from xiaobao.complaints import actions as complaint_actions
from xiaobao.complaints.actions import NewComplaint
from xiaobao.complaints.domain.classification import Channel, ProductLine, Reason
from xiaobao.complaints.models import Complaint
from xiaobao.identity.models import Consumer
from xiaobao.kernel.actors import Role
from xiaobao.ops import clock as app_clock
from xiaobao.rights.actions import data_request_accept
from xiaobao.rights.domain.requests import RequestKind
from xiaobao.rights.models import Erasure

pytestmark = pytest.mark.django_db


def theirs_erased_first(world: World, alice: Person, clock: SettableClock) -> int:
    """Alice's cases settled, her deletion granted by the other insurer first; a day later. Her request to us."""
    settle(world, alice)
    requests = made(alice, world, RequestKind.DELETION)
    data_request_accept(actor=compliance(world, "theirs"), request_id=requests["theirs"].pk)
    clock.advance(days=1)
    return requests["ours"].pk


def test_an_open_complaint_at_another_insurer_after_its_erasure_keeps_it_and_her_record(
    world: World, alice: Person, clock: SettableClock
) -> None:
    # given the other insurer erased her records, and she then complained to it again, still open
    ours = theirs_erased_first(world, alice, clock)
    _, supervisor = world.theirs.staff(Role.SUPERVISOR)
    again = complaint_actions.complaint_register(
        actor=supervisor,
        data=NewComplaint(
            handling_branch_id=world.theirs.city.pk,
            channel=Channel.HOTLINE,
            received_at=app_clock.now(),
            product_line=ProductLine.MEDICAL,
            reason=Reason.CLAIMS,
            description="又一次投诉：理赔仍未解决",
            complainant_id=alice.consumer.pk,
        ),
    )
    # when our insurer grants her deletion
    data_request_accept(actor=compliance(world), request_id=ours)
    # then our records go, but her new complaint there and her own record stay
    assert Complaint.objects.get(pk=again.pk).description == "又一次投诉：理赔仍未解决"
    assert Consumer.objects.get(pk=alice.consumer.pk).name == alice.name
    assert not Erasure.objects.filter(consumer=alice.consumer, insurer__isnull=True).exists()
    assert Erasure.objects.filter(consumer=alice.consumer, insurer=world.ours.insurer).exists()


def test_a_record_begun_at_another_insurer_after_its_erasure_keeps_her_own_record(
    world: World, alice: Person, clock: SettableClock
) -> None:
    # given the other insurer erased her records, then she asked it for a call-back, which it has made
    ours = theirs_erased_first(world, alice, clock)
    asked = callback_request(
        actor=alice.actor,
        insurer_id=world.theirs.insurer.pk,
        asked=CallbackAsked(slot=Slot.SOON, language=CallLanguage.MANDARIN, note="请再回电"),
        idempotency_key="key-again",
        client="127.0.0.1",
    )
    _, handler = world.theirs.staff(Role.HANDLER)
    callback_record_call(actor=handler, request_id=asked.pk, outcome=CallOutcome.CALLED)
    # when our insurer grants her deletion
    data_request_accept(actor=compliance(world), request_id=ours)
    # then her own record stays (the other insurer has not erased what it holds now), and so does that call-back
    assert Consumer.objects.get(pk=alice.consumer.pk).name == alice.name
    assert CallbackRequest.objects.get(pk=asked.pk).note == "请再回电"
    assert isinstance(Erasure.objects.get(consumer=alice.consumer, insurer=world.ours.insurer).erased_at, datetime)
