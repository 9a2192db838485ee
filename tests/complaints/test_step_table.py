"""One table of who may take which step (complaints.domain.steps): for every state, role and assignment, the
steps offered are exactly the steps the actions accept — and the workbench offers no step that answers 404."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import transaction
from django.test import Client

from tests.support.desk import DECISION, Desk
from xiaobao.complaints import actions, selectors
from xiaobao.complaints.domain.decisions import Outcome
from xiaobao.complaints.domain.lifecycle import State, Step
from xiaobao.complaints.domain.steps import STEP_PERMISSION, steps_for
from xiaobao.complaints.models import Complaint
from xiaobao.identity.models import Partner, Staff
from xiaobao.kernel.actors import SYSTEM, Actor, ActorKind
from xiaobao.kernel.errors import DomainError, NotFound, PermissionDenied

pytestmark = pytest.mark.django_db

Attempt = Callable[[Actor, int], object]


def _attempts(desk: Desk, partner: Partner) -> dict[Step, Attempt]:
    """Each step's action, called with arguments good enough that only the gate or the state can refuse it."""
    return {
        Step.ACCEPT: lambda a, pk: actions.complaint_accept(actor=a, complaint_id=pk),
        Step.DECLINE: lambda a, pk: actions.complaint_decline(actor=a, complaint_id=pk, reason="不属于保险消费投诉。"),
        Step.ASSIGN: lambda a, pk: actions.complaint_assign(
            actor=a, complaint_id=pk, handler_id=desk.other_handler_staff.pk
        ),
        Step.DECLARE_CONFLICT: lambda a, pk: actions.complaint_declare_conflict(actor=a, complaint_id=pk, note="亲属"),
        Step.INVESTIGATE: lambda a, pk: actions.complaint_investigate(actor=a, complaint_id=pk),
        Step.PAUSE: lambda a, pk: actions.complaint_pause(actor=a, complaint_id=pk, kind="appraisal"),
        Step.RESUME: lambda a, pk: actions.complaint_resume(actor=a, complaint_id=pk),
        Step.DECIDE: lambda a, pk: actions.complaint_decide(actor=a, complaint_id=pk, decision=DECISION),
        Step.NOTIFY: lambda a, pk: actions.complaint_send_decision(actor=a, complaint_id=pk),
        Step.CLOSE: lambda a, pk: actions.complaint_close(actor=a, complaint_id=pk),
        Step.WITHDRAW: lambda a, pk: actions.complaint_withdraw(actor=a, complaint_id=pk),
        Step.NEW_FACTS: lambda a, pk: actions.complaint_new_facts(actor=a, complaint_id=pk, note="补充材料"),
        Step.REQUEST_REVIEW: lambda a, pk: actions.complaint_request_review(actor=a, complaint_id=pk, grounds="不服"),
        Step.DECIDE_REVIEW: lambda a, pk: actions.complaint_decide_review(
            actor=a, complaint_id=pk, outcome=Outcome.NOT_UPHELD, reasons="维持原处理决定。"
        ),
        Step.EXTEND: lambda a, pk: actions.complaint_request_extension(
            actor=a, complaint_id=pk, to_complexity="complex", reason="需调取多方材料。"
        ),
        Step.FORWARD: lambda a, pk: actions.complaint_forward(
            actor=a, complaint_id=pk, partner_id=partner.pk, summary="请核实销售过程。"
        ),
        Step.REQUEST_INFORMATION: lambda a, pk: actions.complaint_request_information(
            actor=a, complaint_id=pk, text="请提供保单复印件。"
        ),
    }


def _accepted(attempt: Attempt, actor: Actor, complaint_id: int) -> bool:
    """Whether the action gets past the gate and the state table; everything it did is rolled back."""
    try:
        with transaction.atomic():
            try:
                attempt(actor, complaint_id)
            except (NotFound, PermissionDenied):
                return False
            except DomainError as refused:
                if refused.code == "step_not_allowed":
                    return False
            transaction.set_rollback(True)
    except DomainError:  # pragma: no cover - re-raised only if the rollback itself failed
        raise
    return True


def _complaints(desk: Desk) -> dict[State, Complaint]:
    """A complaint in every state, handled (from `assigned` on) by ``desk.handler``."""
    brought = {State(state): desk.in_state(state) for state in ("registered", "accepted", "assigned")}
    brought |= {State(s): desk.in_state(s) for s in ("investigating", "paused", "decided", "notified", "closed")}
    declined = desk.register()
    actions.complaint_decline(actor=SYSTEM, complaint_id=declined.pk, reason="不属于保险消费投诉。")
    withdrawn = desk.in_state("investigating")
    actions.complaint_withdraw(actor=SYSTEM, complaint_id=withdrawn.pk)
    reviewed = desk.in_state("notified")
    consumer = Actor(kind=ActorKind.CONSUMER, consumer_id=reviewed.complainant_id)
    actions.complaint_request_review(actor=consumer, complaint_id=reviewed.pk, grounds="不服")
    for state, complaint in ((State.DECLINED, declined), (State.WITHDRAWN, withdrawn)):
        brought[state] = complaint
    brought[State.REVIEW_REQUESTED] = reviewed
    return {state: Complaint.objects.get(pk=c.pk) for state, c in brought.items()}


def test_every_state_role_and_assignment_offers_exactly_what_the_actions_accept(desk: Desk) -> None:
    partner = desk.world.ours.partner_under_agreement()
    attempts = _attempts(desk, partner)
    assert set(attempts) == set(Step) == set(STEP_PERMISSION)
    complaints = _complaints(desk)
    assert set(complaints) == set(State)
    cast = {
        "assigned handler": desk.handler,
        "colleague handler": desk.other_handler,
        "supervisor": desk.supervisor,
        "senior manager": desk.senior_manager,
        "compliance officer": desk.compliance,
        "complainant": Actor(kind=ActorKind.CONSUMER, consumer_id=desk.complainant.pk),
    }
    mismatches = []
    for state, complaint in complaints.items():
        for who, actor in cast.items():
            own = actor.kind is ActorKind.CONSUMER and actor.consumer_id == complaint.complainant_id
            offered = set(steps_for(state, actor, handler_id=complaint.handler_id, own_case=own))
            accepted = {step for step, attempt in attempts.items() if _accepted(attempt, actor, complaint.pk)}
            if offered != accepted:
                mismatches.append((state.value, who, sorted(offered - accepted), sorted(accepted - offered)))
    assert mismatches == []  # (state, who, offered but refused, accepted but not offered)


def test_the_case_view_offers_the_table_s_steps(desk: Desk) -> None:
    complaint = desk.in_state("investigating")
    mine = selectors.case(desk.handler, complaint.pk).steps
    supervisors = selectors.case(desk.supervisor, complaint.pk).steps
    colleagues = selectors.case(desk.other_handler, complaint.pk).steps
    assert "pause" in mine
    assert "declare_conflict" in mine
    assert "pause" in supervisors
    assert "declare_conflict" not in supervisors  # not theirs to step aside from
    # a colleague's case: only what any handler records for the complainant (before: eight steps, then 404)
    assert colleagues == ["withdraw"]


def test_a_colleague_opening_a_case_in_the_workbench_is_offered_no_step(desk: Desk) -> None:
    complaint = desk.in_state("investigating")
    client = Client()
    client.force_login(Staff.objects.get(pk=desk.other_handler.staff_id).user)
    page = client.get(f"/workbench/complaints/{complaint.pk}/").content.decode()
    assert f"/workbench/complaints/{complaint.pk}/steps/pause/" not in page
    client.force_login(Staff.objects.get(pk=desk.handler.staff_id).user)
    page = client.get(f"/workbench/complaints/{complaint.pk}/").content.decode()
    assert f"/workbench/complaints/{complaint.pk}/steps/pause/" in page
