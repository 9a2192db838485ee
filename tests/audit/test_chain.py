"""The audit log is append-only and hash-chained; audit_verify finds every kind of tampering."""

from __future__ import annotations

import itertools
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from tests.support import tamper
from xiaobao.audit.models import AuditEvent
from xiaobao.audit.recorder import record
from xiaobao.audit.registry import UndeclaredEventField, event_type, lookup
from xiaobao.audit.verification import verify
from xiaobao.identity.events import STAFF_ROLE_GRANTED
from xiaobao.identity.models import Insurer
from xiaobao.kernel.actors import SYSTEM

pytestmark = pytest.mark.django_db(transaction=False)

COUNTED = event_type("test.counted", "a numbered event for chain tests", fields=("n",))


def _chain_of_five(insurer: Insurer) -> list[AuditEvent]:
    with transaction.atomic():
        return [
            record(event_type=COUNTED, actor=SYSTEM, subject=insurer, insurer_id=insurer.pk, new={"n": n})
            for n in range(5)
        ]


@pytest.fixture
def insurer() -> Insurer:
    return Insurer.objects.create(code="chain", name="Chain insurer")


def test_events_of_one_subject_form_a_chain(insurer: Insurer) -> None:
    events = _chain_of_five(insurer)

    assert [e.sequence for e in events] == [1, 2, 3, 4, 5]
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(events))
    assert verify().ok


def test_a_clean_log_verifies_with_exit_status_zero(insurer: Insurer, capsys: pytest.CaptureFixture[str]) -> None:
    _chain_of_five(insurer)

    call_command("audit_verify")

    assert "audit log intact" in capsys.readouterr().out


def test_a_changed_payload_is_named(insurer: Insurer) -> None:
    events = _chain_of_five(insurer)
    victim = events[2]

    tamper.execute(
        "UPDATE audit_auditevent SET new_values = %s WHERE id = %s", [json.dumps({"n": "forged"}), victim.pk]
    )

    with pytest.raises(CommandError) as refused:
        call_command("audit_verify")
    assert refused.value.returncode == 1
    assert f"event {victim.pk} " in str(refused.value)
    assert "changed" in str(refused.value)


def test_a_changed_actor_is_named(insurer: Insurer) -> None:
    events = _chain_of_five(insurer)

    tamper.execute("UPDATE audit_auditevent SET actor_id = 'staff:999' WHERE id = %s", [events[0].pk])

    report = verify()
    assert [b.event_id for b in report.breaks] == [events[0].pk]


def test_a_deleted_event_in_the_middle_is_named(insurer: Insurer) -> None:
    events = _chain_of_five(insurer)

    tamper.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])

    report = verify()
    assert not report.ok
    assert report.breaks[0].event_id == events[2].pk
    assert "removed" in report.breaks[0].reason


def test_a_deleted_newest_event_is_seen_through_the_chain_head(insurer: Insurer) -> None:
    events = _chain_of_five(insurer)

    tamper.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])

    report = verify()
    assert report.breaks[0].event_id == events[-2].pk
    assert "newest events removed" in report.breaks[0].reason


def test_a_whole_deleted_chain_is_seen(insurer: Insurer) -> None:
    _chain_of_five(insurer)

    tamper.execute("DELETE FROM audit_auditevent WHERE subject_id = %s", [str(insurer.pk)])

    report = verify()
    assert report.breaks[0].reason == "the chain's events are missing"


def test_an_inserted_event_with_a_correct_hash_is_still_seen(insurer: Insurer) -> None:
    """An attacker who knows the hash recipe appends a well-formed event behind record()'s back."""
    events = _chain_of_five(insurer)
    forged = AuditEvent(**{f.attname: getattr(events[-1], f.attname) for f in AuditEvent._meta.concrete_fields})
    forged.pk = None
    forged.sequence = 6
    forged.prev_hash = events[-1].hash
    forged.new_values = {"n": "inserted"}
    from xiaobao.audit import chain

    forged.hash = chain.event_hash(forged.prev_hash, forged.chain_content())
    forged.save(force_insert=True)

    report = verify()
    assert report.breaks[0].event_id == forged.pk
    assert "inserted" in report.breaks[0].reason


def test_an_event_inserted_in_the_middle_is_seen(insurer: Insurer) -> None:
    events = _chain_of_five(insurer)
    # Make room at #3 by renumbering the later events, then slot a forged one in.
    tamper.execute(
        "UPDATE audit_auditevent SET sequence = sequence + 10 WHERE subject_id = %s AND sequence >= 3",
        [str(insurer.pk)],
    )
    forged = AuditEvent(**{f.attname: getattr(events[2], f.attname) for f in AuditEvent._meta.concrete_fields})
    forged.pk = None
    forged.hash = "f" * 64
    forged.save(force_insert=True)

    assert not verify().ok


@pytest.mark.postgres_only
@pytest.mark.parametrize("statement", ["UPDATE audit_auditevent SET event_type = 'x'", "DELETE FROM audit_auditevent"])
def test_the_database_refuses_to_change_or_remove_audit_rows(insurer: Insurer, statement: str) -> None:
    _chain_of_five(insurer)

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)

    assert AuditEvent.objects.filter(subject_id=str(insurer.pk)).count() == 5
    assert verify().ok


@pytest.mark.django_db(transaction=True)
def test_record_refuses_to_run_outside_the_change_transaction() -> None:
    """Outside an atomic block an event could outlive a rolled-back change."""
    insurer = Insurer.objects.create(code="autocommit", name="Autocommit insurer")
    before = AuditEvent.objects.count()
    assert not connection.in_atomic_block
    with pytest.raises(RuntimeError):
        record(event_type=STAFF_ROLE_GRANTED, actor=SYSTEM, subject=insurer, insurer_id=insurer.pk)
    assert AuditEvent.objects.count() == before


def test_an_event_type_is_declared_once() -> None:
    assert lookup("staff.role_granted") is STAFF_ROLE_GRANTED
    with pytest.raises(ValueError, match="declared twice"):
        event_type("staff.role_granted", "again", fields=())


def test_a_value_the_event_type_does_not_declare_is_refused_and_nothing_is_written(insurer: Insurer) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(UndeclaredEventField, match=r"role_granted.*colour"), transaction.atomic():
        record(event_type=STAFF_ROLE_GRANTED, actor=SYSTEM, subject=insurer, insurer_id=insurer.pk, new={"colour": 1})
    assert AuditEvent.objects.count() == before


def test_every_event_type_declares_its_fields() -> None:
    from xiaobao.audit.registry import all_types

    undeclared = [t.code for t in all_types() if not t.fields]
    assert undeclared == []
