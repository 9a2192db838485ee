"""The permission matrix for every complaint action: anonymous, consumer, other insurer, wrong role, right role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support.desk import DECISION, Desk
from tests.support.matrix import Cast, assert_matrix
from xiaobao.complaints import access, actions
from xiaobao.complaints.models import Complaint
from xiaobao.kernel.actors import Actor, Role

pytestmark = pytest.mark.django_db

Attempt = Callable[[Actor, Complaint], object]

# action, the state the complaint is brought to first, the role that may do it, the attempt
CASES: list[tuple[str, str, Role, Attempt]] = [
    ("view", "accepted", Role.AUDITOR, lambda a, c: access.complaint_for(a, c.pk)),
    ("accept", "registered", Role.HANDLER, lambda a, c: actions.complaint_accept(actor=a, complaint_id=c.pk)),
    (
        "decline",
        "registered",
        Role.HANDLER,
        lambda a, c: actions.complaint_decline(actor=a, complaint_id=c.pk, reason="咨询，不属于投诉"),
    ),
    (
        "pause",
        "investigating",
        Role.SUPERVISOR,
        lambda a, c: actions.complaint_pause(actor=a, complaint_id=c.pk, kind="appraisal"),
    ),
    ("resume", "paused", Role.SUPERVISOR, lambda a, c: actions.complaint_resume(actor=a, complaint_id=c.pk)),
    (
        "investigate",
        "assigned",
        Role.SUPERVISOR,
        lambda a, c: actions.complaint_investigate(actor=a, complaint_id=c.pk),
    ),
    (
        "decide",
        "investigating",
        Role.SUPERVISOR,
        lambda a, c: actions.complaint_decide(actor=a, complaint_id=c.pk, decision=DECISION),
    ),
    (
        "send decision",
        "decided",
        Role.SUPERVISOR,
        lambda a, c: actions.complaint_send_decision(actor=a, complaint_id=c.pk),
    ),
    ("close", "notified", Role.SUPERVISOR, lambda a, c: actions.complaint_close(actor=a, complaint_id=c.pk)),
    (
        "new facts",
        "investigating",
        Role.SUPERVISOR,
        lambda a, c: actions.complaint_new_facts(actor=a, complaint_id=c.pk, note="补充材料"),
    ),
    (
        "request extension",
        "investigating",
        Role.SUPERVISOR,
        lambda a, c: actions.complaint_request_extension(
            actor=a, complaint_id=c.pk, to_complexity="complex", reason="需要调取录音"
        ),
    ),
    (
        "withdraw for the complainant",
        "investigating",
        Role.HANDLER,
        lambda a, c: actions.complaint_withdraw(actor=a, complaint_id=c.pk),
    ),
    (
        "request review",
        "notified",
        Role.HANDLER,
        lambda a, c: actions.complaint_request_review(actor=a, complaint_id=c.pk),
    ),
]


@pytest.mark.parametrize(("name", "state", "role", "attempt"), CASES, ids=[c[0] for c in CASES])
def test_matrix(desk: Desk, name: str, state: str, role: Role, attempt: Attempt) -> None:
    cast = Cast.build(desk.world, role)

    assert_matrix(cast, attempt, {"staff_with_role"}, given=lambda: desk.in_state(state))


def test_assigning_is_for_supervisors(desk: Desk) -> None:
    cast = Cast.build(desk.world, Role.SUPERVISOR)
    assert_matrix(
        cast,
        lambda a, c: actions.complaint_assign(actor=a, complaint_id=c.pk, handler_id=desk.handler_staff.pk),
        {"staff_with_role"},
        given=lambda: desk.in_state("accepted"),
    )


def test_approving_an_extension_is_for_supervisors(desk: Desk) -> None:
    cast = Cast.build(desk.world, Role.SUPERVISOR)

    def requested() -> object:
        complaint = desk.in_state("investigating")
        return actions.complaint_request_extension(
            actor=desk.handler, complaint_id=complaint.pk, to_complexity="complex", reason="需要调取录音"
        )

    def approve(actor: Actor, extension: Any) -> object:
        return actions.complaint_decide_extension(actor=actor, extension_id=extension.pk, approve=True)

    assert_matrix(cast, approve, {"staff_with_role"}, given=requested)


def test_deciding_a_review_is_for_the_higher_level_office(desk: Desk) -> None:
    cast = Cast.build(desk.world, Role.SENIOR_MANAGER)

    def review_requested() -> Complaint:
        complaint = desk.in_state("notified")
        actions.complaint_request_review(actor=desk.supervisor, complaint_id=complaint.pk)
        return complaint

    def decide(actor: Actor, complaint: Complaint) -> object:
        return actions.complaint_decide_review(
            actor=actor, complaint_id=complaint.pk, outcome=DECISION.outcome, reasons="维持"
        )

    assert_matrix(cast, decide, {"staff_with_role"}, given=review_requested)


def test_the_complainant_may_withdraw_and_ask_for_review_of_their_own_complaint_only(desk: Desk) -> None:
    from django.contrib.auth import get_user_model

    from xiaobao.identity.actors import actor_for_user
    from xiaobao.kernel.errors import NotFound

    user = get_user_model().objects.create_user("complainant", password="x" * 12)
    desk.complainant.user = user
    desk.complainant.save(update_fields=["user"])
    me = actor_for_user(user)
    stranger = desk.world.ours.consumer(name="路人")
    someone_elses = desk.in_state("investigating", complainant_id=stranger.pk)

    with pytest.raises(NotFound):
        actions.complaint_withdraw(actor=me, complaint_id=someone_elses.pk)
    assert actions.complaint_withdraw(actor=me, complaint_id=desk.in_state("investigating").pk).state == "withdrawn"
    assert actions.complaint_request_review(actor=me, complaint_id=desk.in_state("notified").pk).state == (
        "review_requested"
    )
