"""A request asked again before its answer is refused, and one consumer's requests are rate-limited (issue #19
review): a double click or a script makes no second request and no second notice."""

from __future__ import annotations

import pytest

from tests.conftest import World
from tests.rights.conftest import Person
from tests.rights.test_requests import compliance, made
from xiaobao.audit.models import AuditEvent
from xiaobao.notifications.models import Notification
from xiaobao.ops.i18n import message_of
from xiaobao.ops.ratelimit import TooManyAttempts
from xiaobao.rights.actions import data_request_make, data_request_refuse
from xiaobao.rights.domain.requests import MAX_REQUESTS_PER_DAY, RequestAlreadyOpen, RequestKind
from xiaobao.rights.models import DataRequest

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int, int]:
    return DataRequest.objects.count(), AuditEvent.objects.count(), Notification.objects.count()


def test_the_same_request_asked_again_while_open_is_refused_and_changes_nothing(world: World, alice: Person) -> None:
    # given alice asked both insurers to delete her data
    first = made(alice, world, RequestKind.DELETION)
    before = counts()
    # when she asks again before either answers
    with pytest.raises(RequestAlreadyOpen) as refused:
        data_request_make(actor=alice.actor, kind=RequestKind.DELETION)
    # then she is told it is already asked, naming the requests, and nothing is written or sent
    assert first["ours"].reference in message_of(refused.value)
    assert first["theirs"].reference in message_of(refused.value)
    assert counts() == before


def test_asking_again_after_one_insurer_answered_goes_only_to_that_one(world: World, alice: Person) -> None:
    first = made(alice, world, RequestKind.CORRECTION, field="email", value="nana@example.cn")
    data_request_refuse(actor=compliance(world), request_id=first["ours"].pk, reasons="请先到柜台核验身份。")
    again = data_request_make(actor=alice.actor, kind=RequestKind.CORRECTION, field="email", value="nana@example.cn")
    assert [r.insurer_id for r in again] == [world.ours.insurer.pk]


def test_a_consumer_making_requests_without_end_is_stopped(world: World, alice: Person) -> None:
    # given alice made as many requests in a day as anyone asking about their data would
    for _ in range(MAX_REQUESTS_PER_DAY):
        for request in data_request_make(actor=alice.actor, kind=RequestKind.DELETION):
            data_request_refuse(
                actor=compliance(world, "ours" if request.insurer_id == world.ours.insurer.pk else "theirs"),
                request_id=request.pk,
                reasons="仍在处理中。",
            )
    before = counts()
    # when she makes one more
    with pytest.raises(TooManyAttempts):
        data_request_make(actor=alice.actor, kind=RequestKind.DELETION)
    # then it is refused and nothing is written
    assert counts() == before
