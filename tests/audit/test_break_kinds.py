"""Each way of tampering is named by its kind (issue #18): the auditor's page says in plain words what happened."""

from __future__ import annotations

import pytest
from django.db import transaction

from tests.support import tamper
from xiaobao.audit import chain
from xiaobao.audit.models import AuditEvent, ChainHead
from xiaobao.audit.recorder import record
from xiaobao.audit.registry import event_type
from xiaobao.audit.verification import FIELDS, BreakKind, Row, verify, verify_scope
from xiaobao.identity.models import Insurer
from xiaobao.kernel.actors import SYSTEM

pytestmark = pytest.mark.django_db

STEP = event_type("test.kinds_step", "a numbered event for the break-kind tests", fields=("n",))


@pytest.fixture
def events() -> list[AuditEvent]:
    insurer = Insurer.objects.create(code="kinds", name="Kinds insurer")
    with transaction.atomic():
        return [
            record(event_type=STEP, actor=SYSTEM, subject=insurer, insurer_id=insurer.pk, new={"n": n})
            for n in range(4)
        ]


def _only_break_kind() -> BreakKind:
    report = verify(stop_at_first=False)
    assert len(report.breaks) == 1, report.breaks
    return report.breaks[0].kind


def test_the_row_read_for_verification_lists_every_column_in_order() -> None:
    assert Row._fields == FIELDS


def test_an_event_replaced_by_one_hashed_afresh_is_unlinked(events: list[AuditEvent]) -> None:
    second = events[1]
    forged_prev = "1" * 64
    second.prev_hash = forged_prev
    forged_hash = chain.event_hash(forged_prev, second.chain_content())
    tamper.execute(
        "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE id = %s", [forged_prev, forged_hash, second.pk]
    )

    assert _only_break_kind() is BreakKind.UNLINKED


def test_a_newest_event_rehashed_is_a_checkpoint_mismatch(events: list[AuditEvent]) -> None:
    last = events[-1]
    last.new_values = {"n": "forged"}
    rehashed = chain.event_hash(last.prev_hash, last.chain_content())
    tamper.execute(
        "UPDATE audit_auditevent SET new_values = %s, hash = %s WHERE id = %s", ['{"n": "forged"}', rehashed, last.pk]
    )

    assert _only_break_kind() is BreakKind.CHECKPOINT_MISMATCH


def test_an_event_appended_around_the_recorder_runs_past_the_checkpoint(events: list[AuditEvent]) -> None:
    last = events[-1]
    forged = AuditEvent(**{f.attname: getattr(last, f.attname) for f in AuditEvent._meta.concrete_fields})
    forged.pk, forged.sequence, forged.prev_hash = None, last.sequence + 1, last.hash
    forged.hash = chain.event_hash(forged.prev_hash, forged.chain_content())
    forged.save(force_insert=True)

    assert _only_break_kind() is BreakKind.CHECKPOINT_BEHIND


def test_a_chain_with_no_head_is_named(events: list[AuditEvent]) -> None:
    ChainHead.objects.filter(subject_type="identity.insurer", subject_id=events[0].subject_id).delete()

    assert _only_break_kind() is BreakKind.CHECKPOINT_BEHIND


def test_a_scope_counts_every_broken_chain_but_keeps_only_so_many(events: list[AuditEvent]) -> None:
    other = Insurer.objects.create(code="kinds2", name="Second")
    with transaction.atomic():
        record(event_type=STEP, actor=SYSTEM, subject=other, insurer_id=other.pk, new={"n": 0})
    tamper.execute("UPDATE audit_auditevent SET request_id = 'x' WHERE event_type = %s", [STEP.code])

    report = verify_scope(
        AuditEvent.objects.filter(event_type=STEP.code),
        ChainHead.objects.filter(subject_type="identity.insurer"),
        break_limit=1,
    )

    assert (report.broken_chains, len(report.breaks)) == (2, 1)
