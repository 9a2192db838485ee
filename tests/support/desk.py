from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import pytest

from tests.conftest import World
from tests.support.clock import SHANGHAI, SettableClock
from xiaobao.complaints import actions
from xiaobao.complaints.actions import NewComplaint
from xiaobao.complaints.domain.classification import Channel, ProductLine, Reason
from xiaobao.complaints.domain.decisions import Decision, Outcome
from xiaobao.complaints.models import Complaint
from xiaobao.identity.models import Consumer, Staff
from xiaobao.kernel.actors import SYSTEM, Actor, Role
from xiaobao.ops import clock as app_clock


@pytest.fixture
def clock() -> Iterator[SettableClock]:
    settable = SettableClock(datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI))  # a Monday with no holiday near
    with app_clock.using(settable):
        yield settable


_numbers = itertools.count(1)


@dataclass
class Desk:
    """The people around one insurer's complaints."""

    world: World
    handler: Actor
    handler_staff: Staff
    other_handler: Actor
    other_handler_staff: Staff
    supervisor: Actor
    senior_manager: Actor
    province_supervisor: Actor
    compliance: Actor
    complainant: Consumer

    def register(self, **overrides: object) -> Complaint:
        values: dict[str, object] = {
            "handling_branch_id": self.world.ours.city.pk,
            "channel": Channel.HOTLINE,
            "received_at": app_clock.now(),
            "product_line": ProductLine.MEDICAL,
            "reason": Reason.CLAIMS,
            "description": f"理赔被拒，理由不清楚。（第 {next(_numbers)} 件）",
            "requested_outcome": "重新审核并赔付",
            "complainant_id": self.complainant.pk,
        }
        values.update(overrides)
        return actions.complaint_register(actor=self.supervisor, data=NewComplaint(**values))  # type: ignore[arg-type]

    def in_state(self, state: str, **overrides: object) -> Complaint:
        """A complaint brought to ``state`` by the system, its handler being ``self.handler``."""
        complaint = self.register(**overrides)
        path = {
            "registered": [],
            "accepted": ["accept"],
            "assigned": ["accept", "assign"],
            "investigating": ["accept", "assign", "investigate"],
            "paused": ["accept", "assign", "investigate", "pause"],
            "decided": ["accept", "assign", "investigate", "decide"],
            "notified": ["accept", "assign", "investigate", "decide", "send"],
            "closed": ["accept", "assign", "investigate", "decide", "send", "close"],
        }[state]
        pk = complaint.pk
        for step in path:
            if step == "accept":
                actions.complaint_accept(actor=SYSTEM, complaint_id=pk)
            elif step == "assign":
                actions.complaint_assign(actor=SYSTEM, complaint_id=pk, handler_id=self.handler_staff.pk)
            elif step == "investigate":
                actions.complaint_investigate(actor=SYSTEM, complaint_id=pk)
            elif step == "pause":
                actions.complaint_pause(actor=SYSTEM, complaint_id=pk, kind="appraisal")
            elif step == "decide":
                actions.complaint_decide(actor=SYSTEM, complaint_id=pk, decision=DECISION)
            elif step == "send":
                actions.complaint_send_decision(actor=SYSTEM, complaint_id=pk)
            elif step == "close":
                actions.complaint_close(actor=SYSTEM, complaint_id=pk)
        return Complaint.objects.get(pk=pk)


DECISION = Decision(
    outcome=Outcome.PARTLY_UPHELD,
    findings="拒赔通知未说明具体条款。",
    basis="保险合同第十二条；《保险法》第二十四条。",
    reasons="拒赔理由成立，但告知不充分。",
    remedy="补发书面说明并致歉。",
)


@pytest.fixture
def desk(world: World, clock: SettableClock) -> Desk:
    handler_staff, handler = world.ours.staff(Role.HANDLER)
    other_staff, other = world.ours.staff(Role.HANDLER)
    _, supervisor = world.ours.staff(Role.SUPERVISOR)
    _, senior = world.ours.staff(Role.SENIOR_MANAGER, branch=world.ours.province)
    _, province_supervisor = world.ours.staff(Role.SUPERVISOR, branch=world.ours.province)
    _, compliance = world.ours.staff(Role.COMPLIANCE_OFFICER, branch=world.ours.province)
    complainant = world.ours.consumer(name="王淑芬", phone="13800138001")
    return Desk(
        world,
        handler,
        handler_staff,
        other,
        other_staff,
        supervisor,
        senior,
        province_supervisor,
        compliance,
        complainant,
    )
