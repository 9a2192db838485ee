"""Remediation actions on a root cause (CMP-S1): recorded, progressed and completed by compliance — each an audit
event — given only to staff of the insurer, recorded once however often the form is sent, and reminded through
the inbox before the due date and once overdue, each reminder once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from tests.conftest import World
from tests.insights.conftest import SURRENDER, WAITING, complaint
from tests.support.clock import SettableClock
from tests.support.matrix import Cast, assert_matrix, row_counts
from xiaobao.audit.models import AuditEvent
from xiaobao.identity.models import Staff
from xiaobao.insights.actions import (
    DueDateInPast,
    action_complete,
    action_progress,
    action_record,
    complaints_group,
    remediation_sweep,
)
from xiaobao.insights.models import ActionReminder, RemediationAction, RootCauseGroup
from xiaobao.kernel.actors import SYSTEM, Actor, Role
from xiaobao.kernel.errors import NotFound
from xiaobao.notifications.models import Notification

pytestmark = pytest.mark.django_db


@dataclass
class Stage:
    officer: Actor
    owner: Staff
    group: RootCauseGroup


@pytest.fixture
def stage(world: World, clock: SettableClock) -> Stage:
    _, officer = world.ours.staff(Role.COMPLIANCE_OFFICER)
    owner, _ = world.ours.staff(Role.SUPERVISOR)
    for i, text in enumerate([*WAITING, *SURRENDER]):
        complaint(world.ours, world.ours.consumer(), text, clock.moment - timedelta(days=10, hours=i))
    run = complaints_group(actor=SYSTEM, insurer_id=world.ours.insurer.pk)
    return Stage(officer, owner, RootCauseGroup.objects.get(run_id=run.run_id, number=1))


def record(stage: Stage, **changes: object) -> RemediationAction:
    values: dict[str, object] = {"group_id": stage.group.pk, "what": "销售话术补充等待期告知",
                                 "owner_id": stage.owner.pk, "due_on": date(2026, 3, 20)}  # fmt: skip
    values.update(changes)
    return action_record(actor=stage.officer, **values)  # type: ignore[arg-type]


def events_of(action: RemediationAction) -> list[str]:
    return list(
        AuditEvent.objects.filter(subject_type="insights.remediationaction", subject_id=str(action.pk))
        .order_by("sequence")
        .values_list("event_type", flat=True)
    )


def test_an_action_is_recorded_progressed_and_completed_each_step_audited(stage: Stage, clock: SettableClock) -> None:
    action = record(stage)
    action_progress(actor=stage.officer, action_id=action.pk, progress="话术已修订，待培训")
    clock.advance(days=3)
    done = action_complete(actor=stage.officer, action_id=action.pk)
    assert (done.state, done.completed_on, done.progress) == ("done", date(2026, 3, 5), "话术已修订，待培训")
    assert events_of(action) == ["insights.action_recorded", "insights.action_progressed", "insights.action_completed"]


def test_completing_twice_completes_once(stage: Stage) -> None:
    action = record(stage)
    action_complete(actor=stage.officer, action_id=action.pk)
    action_complete(actor=stage.officer, action_id=action.pk)
    assert events_of(action).count("insights.action_completed") == 1


def test_the_same_form_sent_twice_records_one_action(stage: Stage) -> None:
    first = record(stage, idempotency_key="form-1")
    second = record(stage, idempotency_key="form-1")
    assert first.pk == second.pk
    assert RemediationAction.objects.count() == 1


def test_an_owner_from_another_insurer_is_refused_and_nothing_is_recorded(world: World, stage: Stage) -> None:
    theirs, _ = world.theirs.staff(Role.SUPERVISOR)
    before = row_counts()
    with pytest.raises(NotFound):
        record(stage, owner_id=theirs.pk)
    assert row_counts() == before


def test_a_due_date_in_the_past_is_refused(stage: Stage) -> None:
    with pytest.raises(DueDateInPast):
        record(stage, due_on=date(2026, 3, 1))
    assert not RemediationAction.objects.exists()


def test_only_compliance_of_the_insurer_records_an_action(world: World, stage: Stage) -> None:
    cast = Cast.build(world, Role.COMPLIANCE_OFFICER)
    assert_matrix(
        cast,
        lambda actor: action_record(
            actor=actor, group_id=stage.group.pk, what="x", owner_id=stage.owner.pk, due_on=date(2026, 3, 20)
        ),
        allowed={"staff_with_role"},
    )


def test_reminders_go_before_the_due_date_and_once_overdue_each_once(stage: Stage, clock: SettableClock) -> None:
    # given an action due on 20 March (reminders 3 days ahead, the default)
    action = record(stage)

    def inbox() -> list[str]:
        return list(
            Notification.objects.filter(staff=stage.owner, purpose__startswith="remediation_").values_list(
                "purpose", flat=True
            )
        )

    # when the sweep runs on the 16th, twice on the 17th, on the 20th, and twice after it
    sent = [remediation_sweep(today=date(2026, 3, d)) for d in (16, 17, 17, 20, 21, 22)]
    # then one reminder on the 17th, one on the 21st — each once, to the owner
    assert sent == [0, 1, 0, 0, 1, 0]
    assert sorted(inbox()) == ["remediation_before", "remediation_overdue"]
    assert ActionReminder.objects.filter(action=action).count() == 2


def test_a_completed_action_is_not_reminded(stage: Stage) -> None:
    action = record(stage)
    action_complete(actor=stage.officer, action_id=action.pk)
    assert remediation_sweep(today=date(2026, 3, 25)) == 0
