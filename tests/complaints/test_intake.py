"""Registration: a retried create returns the same case; bad input is refused and nothing is written."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support.clock import SettableClock
from tests.support.desk import Desk
from xiaobao.audit.models import AuditEvent
from xiaobao.complaints import actions
from xiaobao.complaints.actions import IdempotencyKeyReused, NewComplaint
from xiaobao.complaints.domain.classification import Channel, ProductLine, Reason
from xiaobao.complaints.domain.intake import DescriptionMissing, ReceivedInTheFuture, TextTooLong
from xiaobao.complaints.models import Complaint, Deadline
from xiaobao.kernel.errors import NotFound, PermissionDenied
from xiaobao.notifications.models import Notification
from xiaobao.ops import clock

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int, int]:
    return Complaint.objects.count(), Deadline.objects.count(), AuditEvent.objects.count(), Notification.objects.count()


def _data(desk: Desk, **overrides: object) -> NewComplaint:
    values: dict[str, object] = {
        "handling_branch_id": desk.world.ours.city.pk,
        "channel": Channel.WEB,
        "received_at": clock.now(),
        "product_line": ProductLine.MOTOR,
        "reason": Reason.CLAIMS,
        "description": "定损金额过低。",
        "complainant_id": desk.complainant.pk,
    }
    values.update(overrides)
    return NewComplaint(**values)  # type: ignore[arg-type]


def test_a_retried_create_returns_the_same_case(desk: Desk) -> None:
    first = actions.complaint_register(actor=desk.handler, data=_data(desk), idempotency_key="retry-1")
    counts = _counts()

    again = actions.complaint_register(actor=desk.handler, data=_data(desk), idempotency_key="retry-1")

    assert again.pk == first.pk
    assert _counts() == counts


def test_the_same_key_with_a_different_request_is_refused(desk: Desk) -> None:
    actions.complaint_register(actor=desk.handler, data=_data(desk), idempotency_key="retry-2")
    counts = _counts()
    with pytest.raises(IdempotencyKeyReused):
        actions.complaint_register(
            actor=desk.handler, data=_data(desk, description="另一件事"), idempotency_key="retry-2"
        )
    assert _counts() == counts


def test_the_same_key_from_another_caller_is_another_request(desk: Desk) -> None:
    first = actions.complaint_register(actor=desk.handler, data=_data(desk), idempotency_key="shared")
    second = actions.complaint_register(
        actor=desk.other_handler, data=_data(desk, description="另一位客户来电"), idempotency_key="shared"
    )
    assert first.pk != second.pk


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"received_at": "future"}, ReceivedInTheFuture),
        ({"description": "  "}, DescriptionMissing),
        ({"description": "长" * 10_001}, TextTooLong),
        ({"requested_outcome": "长" * 10_001}, TextTooLong),
        ({"handling_branch_id": "theirs"}, NotFound),
        ({"involved_staff_ids": "theirs"}, NotFound),
        ({"complainant_id": "theirs"}, NotFound),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(desk: Desk, overrides: dict, error: type) -> None:
    theirs = desk.world.theirs
    resolved = {}
    for name, value in overrides.items():
        if value == "future":
            resolved[name] = clock.now() + timedelta(hours=2)
        elif value == "theirs" and name == "handling_branch_id":
            resolved[name] = theirs.city.pk
        elif value == "theirs" and name == "involved_staff_ids":
            resolved[name] = (theirs.staff()[0].pk,)
        elif value == "theirs":
            resolved[name] = theirs.consumer(name="别家客户").pk
        else:
            resolved[name] = value
    counts = _counts()

    with pytest.raises(error):
        actions.complaint_register(actor=desk.handler, data=_data(desk, **resolved))

    assert _counts() == counts


def test_staff_without_the_role_cannot_register(desk: Desk) -> None:
    from xiaobao.kernel.actors import Role

    _, auditor = desk.world.ours.staff(Role.AUDITOR)
    with pytest.raises(PermissionDenied):
        actions.complaint_register(actor=auditor, data=_data(desk))


def test_a_group_complaint_of_twenty_raises_the_emergency_plan(desk: Desk) -> None:
    complaint = actions.complaint_register(actor=desk.handler, data=_data(desk, group_size=20))
    alerts = Notification.objects.filter(about_id=str(complaint.pk), purpose="group_complaint")
    assert alerts.count() >= 1


def test_flags_follow_the_complainant(desk: Desk) -> None:
    from xiaobao.demo.data import ELDER_RESIDENT_ID

    elder = desk.world.ours.consumer(name="王淑芬", resident_id=ELDER_RESIDENT_ID, visually_impaired=True)
    complaint = actions.complaint_register(actor=desk.handler, data=_data(desk, complainant_id=elder.pk))
    assert (complaint.elderly, complaint.disabled) == (True, True)


def test_the_description_is_encrypted_at_rest(desk: Desk) -> None:
    from django.db import connection

    complaint = actions.complaint_register(actor=desk.handler, data=_data(desk, description="车损定损金额过低"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT description FROM complaints_complaint WHERE id = %s", [complaint.pk])
        (raw,) = cursor.fetchone()
    assert "定损" not in raw


def test_the_same_complaint_again_within_the_window_is_linked_to_the_first(desk: Desk, clock: SettableClock) -> None:
    first = actions.complaint_register(actor=desk.handler, data=_data(desk, policy_number="P-1"))
    clock.advance(hours=30)
    counts = _counts()

    again = actions.complaint_registration(
        actor=desk.handler,
        data=_data(desk, policy_number="p-1 ", description="  定损金额过低。 ", channel=Channel.EMAIL),
    )

    assert again.complaint.pk == first.pk
    assert again.linked_duplicate
    assert again.access_code == ""  # the code was given with the first; a repeat shows none
    assert _counts()[:2] == counts[:2]  # no second complaint, no second clock
    linked = AuditEvent.objects.get(subject_id=str(first.pk), event_type="complaint.duplicate_linked")
    assert linked.new_values == {"channel": "email"}


def test_after_the_window_the_same_text_is_a_new_complaint(desk: Desk, clock: SettableClock) -> None:
    first = actions.complaint_register(actor=desk.handler, data=_data(desk))
    clock.advance(hours=73)
    assert actions.complaint_register(actor=desk.handler, data=_data(desk, received_at=clock.now())).pk != first.pk


def test_a_different_policy_is_a_different_complaint(desk: Desk) -> None:
    first = actions.complaint_register(actor=desk.handler, data=_data(desk, policy_number="P-1"))
    assert actions.complaint_register(actor=desk.handler, data=_data(desk, policy_number="P-2")).pk != first.pk
