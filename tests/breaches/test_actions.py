"""The actions of breach response across the five kinds of actor (DESIGN.md Style 4): only the insurer's compliance
officer opens, assesses, notifies, reports and closes; every refusal leaves no row, audit event or notice; each
step done is one audit event holding no personal data."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.breaches.conftest import END, START, open_incident
from tests.conftest import World
from tests.support.clock import SettableClock
from tests.support.matrix import Cast, assert_matrix
from xiaobao.audit.models import AuditEvent
from xiaobao.breaches.actions import incident_assess, incident_close, incident_notify, incident_report
from xiaobao.breaches.domain.incidents import SourceKind
from xiaobao.breaches.models import Incident
from xiaobao.kernel.actors import Actor, Role
from xiaobao.privacy.actions import personal_data_reveal

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(world: World, clock: SettableClock) -> Cast:
    cast = Cast.build(world, Role.COMPLIANCE_OFFICER)
    _, handler = world.ours.staff(Role.HANDLER)
    consumer = world.ours.consumer(name="欧阳娜娜", phone="13700001111")
    clock.moment = START + timedelta(hours=1)
    personal_data_reveal(actor=handler, consumer_id=consumer.pk, field="phone", reason="回电核实投诉细节")
    clock.moment = END + timedelta(days=1)
    return cast


def test_only_compliance_of_the_insurer_opens_an_incident_about_its_own_staff(world: World, cast: Cast) -> None:
    handler, _ = world.ours.staff(Role.HANDLER)

    def attempt(actor: Actor) -> Incident:
        return open_incident(actor, kind=SourceKind.STAFF, source_id=handler.pk, types={"phone"})

    assert_matrix(cast, attempt, allowed={"staff_with_role"})


def test_an_incident_opened_by_the_other_insurers_compliance_is_theirs(world: World, cast: Cast) -> None:
    incident = open_incident(cast.other_insurer_staff, kind=SourceKind.ALL, source_id=None, types={"phone"})
    assert incident.insurer_id == world.theirs.insurer.pk
    incident_assess(actor=cast.other_insurer_staff, incident_id=incident.pk)
    assert incident.affected.count() == 0  # our consumer's reveal is not theirs to find


STEPS = [
    (incident_assess, 0),
    (incident_notify, 1),
    (incident_report, 2),
    (incident_close, 3),
]


@pytest.mark.parametrize(("step", "done"), STEPS, ids=[s.__name__ for s, _ in STEPS])
def test_only_compliance_of_the_insurer_moves_an_incident(cast: Cast, step: object, done: int) -> None:
    def given() -> Incident:
        incident = open_incident(cast.staff_with_role, kind=SourceKind.ALL, source_id=None, types={"phone"})
        for earlier, _ in STEPS[:done]:
            earlier(actor=cast.staff_with_role, incident_id=incident.pk)
        return incident

    def attempt(actor: Actor, incident: Incident) -> object:
        step(actor=actor, incident_id=incident.pk)  # type: ignore[operator]
        return True

    assert_matrix(cast, attempt, allowed={"staff_with_role"}, given=given)


def test_each_step_is_one_audit_event_naming_no_person(cast: Cast) -> None:
    officer = cast.staff_with_role
    incident = open_incident(officer, kind=SourceKind.ALL, source_id=None, types={"phone"})
    for step, _ in STEPS:
        step(actor=officer, incident_id=incident.pk)
    events = AuditEvent.objects.filter(subject_type="breaches.incident", subject_id=str(incident.pk))
    assert list(events.order_by("pk").values_list("event_type", flat=True)) == [
        "breaches.incident_opened",
        "breaches.incident_assessed",
        "breaches.consumers_notified",
        "breaches.regulator_reported",
        "breaches.incident_closed",
    ]
    assert "13700001111" not in str(list(events.values_list("new_values", flat=True)))
