"""The auditor's verifications (issue #18 item 5): one case by its reference, every chain of the insurer in the
background; each break named in kind and place; each verification itself recorded on a chain of its own."""

from __future__ import annotations

import json

import pytest

from tests.support import tamper
from tests.support.desk import Desk
from xiaobao.audit import actions
from xiaobao.audit.access import CASE_KINDS, CaseKind
from xiaobao.audit.models import AuditEvent, ChainHead, Verification
from xiaobao.audit.recorder import subject_key
from xiaobao.audit.verification import verify
from xiaobao.kernel.actors import Role
from xiaobao.kernel.errors import NotFound

pytestmark = pytest.mark.django_db


def _events_of(subject: object) -> list[AuditEvent]:
    subject_type, subject_id = subject_key(subject)  # type: ignore[arg-type]
    return list(AuditEvent.objects.filter(subject_type=subject_type, subject_id=subject_id).order_by("sequence"))


def test_an_intact_case_is_reported_with_its_count_first_last_and_head(desk: Desk) -> None:
    complaint = desk.in_state("investigating")
    _, auditor = desk.world.ours.staff(Role.AUDITOR)
    chain = _events_of(complaint)

    verification = actions.case_verify(actor=auditor, reference=complaint.reference or "")

    assert verification.intact is True
    assert verification.events == len(chain) >= 4
    assert verification.head_hash == chain[-1].hash
    assert (verification.first_at, verification.last_at) == (chain[0].occurred_at, chain[-1].occurred_at)


def test_a_reference_is_found_whatever_its_case(desk: Desk) -> None:
    complaint = desk.register()
    _, auditor = desk.world.ours.staff(Role.AUDITOR)

    verification = actions.case_verify(actor=auditor, reference=f"  {(complaint.reference or '').lower()} ")

    assert (verification.subject_type, verification.subject_id) == subject_key(complaint)


def test_a_chain_without_a_reference_is_found_by_its_subject(desk: Desk) -> None:
    staff, auditor = desk.world.ours.staff(Role.AUDITOR)

    verification = actions.case_verify(actor=auditor, reference=f"identity.staff:{staff.pk}")

    assert verification.intact is True
    assert verification.events >= 1


def test_verifying_records_one_event_on_the_verifications_own_chain_not_the_cases(desk: Desk) -> None:
    complaint = desk.register()
    _, auditor = desk.world.ours.staff(Role.AUDITOR)
    before = _events_of(complaint)

    verification = actions.case_verify(actor=auditor, reference=complaint.reference or "")

    assert _events_of(complaint) == before
    recorded = _events_of(verification)
    assert [(e.event_type, e.actor_id) for e in recorded] == [("audit.chain_verified", auditor.audit_id)]
    assert recorded[0].new_values["result"] == "intact"
    assert recorded[0].new_values["head_hash"] == before[-1].hash
    assert verify().ok


def test_the_same_press_twice_is_one_verification(desk: Desk) -> None:
    complaint = desk.register()
    _, auditor = desk.world.ours.staff(Role.AUDITOR)

    first = actions.case_verify(actor=auditor, reference=complaint.reference or "", idempotency_key="press-1")
    again = actions.case_verify(actor=auditor, reference=complaint.reference or "", idempotency_key="press-1")

    assert again.pk == first.pk
    assert Verification.objects.count() == 1
    assert AuditEvent.objects.filter(event_type="audit.chain_verified").count() == 1


def test_a_changed_event_is_named_with_its_place(desk: Desk) -> None:
    complaint = desk.in_state("assigned")
    _, auditor = desk.world.ours.staff(Role.AUDITOR)
    victim = _events_of(complaint)[1]
    tamper.execute("UPDATE audit_auditevent SET new_values = %s WHERE id = %s", [json.dumps({"x": 1}), victim.pk])

    verification = actions.case_verify(actor=auditor, reference=complaint.reference or "")

    assert verification.intact is False
    assert [(b["event_id"], b["sequence"], b["kind"]) for b in verification.breaks] == [(victim.pk, 2, "changed")]
    assert _events_of(verification)[0].new_values["result"] == "broken"


def test_a_removed_event_is_named_as_missing(desk: Desk) -> None:
    complaint = desk.in_state("assigned")
    _, auditor = desk.world.ours.staff(Role.AUDITOR)
    chain = _events_of(complaint)
    tamper.execute("DELETE FROM audit_auditevent WHERE id = %s", [chain[1].pk])

    verification = actions.case_verify(actor=auditor, reference=complaint.reference or "")

    assert [(b["event_id"], b["sequence"], b["kind"]) for b in verification.breaks] == [(chain[2].pk, 2, "missing")]


def test_two_swapped_events_are_named_as_reordered(desk: Desk) -> None:
    complaint = desk.in_state("assigned")
    _, auditor = desk.world.ours.staff(Role.AUDITOR)
    chain = _events_of(complaint)
    second, third = chain[1], chain[2]
    tamper.execute("UPDATE audit_auditevent SET sequence = 1000 WHERE id = %s", [second.pk])
    tamper.execute("UPDATE audit_auditevent SET sequence = 2 WHERE id = %s", [third.pk])
    tamper.execute("UPDATE audit_auditevent SET sequence = 3 WHERE id = %s", [second.pk])

    verification = actions.case_verify(actor=auditor, reference=complaint.reference or "")

    assert [(b["event_id"], b["sequence"], b["kind"]) for b in verification.breaks] == [(third.pk, 2, "reordered")]


def test_a_removed_newest_event_is_a_checkpoint_mismatch(desk: Desk) -> None:
    complaint = desk.in_state("assigned")
    _, auditor = desk.world.ours.staff(Role.AUDITOR)
    chain = _events_of(complaint)
    tamper.execute("DELETE FROM audit_auditevent WHERE id = %s", [chain[-1].pk])

    verification = actions.case_verify(actor=auditor, reference=complaint.reference or "")

    found = verification.breaks[0]
    assert (found["event_id"], found["kind"], found["head_sequence"]) == (chain[-2].pk, "checkpoint_ahead", len(chain))


def test_another_insurers_case_is_not_found_and_nothing_is_recorded(desk: Desk) -> None:
    complaint = desk.register()
    _, their_auditor = desk.world.theirs.staff(Role.AUDITOR)
    before = AuditEvent.objects.count()

    with pytest.raises(NotFound):
        actions.case_verify(actor=their_auditor, reference=complaint.reference or "")
    with pytest.raises(NotFound):
        actions.timeline_export(actor=their_auditor, reference=complaint.reference or "", file_format="csv")

    assert AuditEvent.objects.count() == before
    assert not Verification.objects.exists()


@pytest.mark.parametrize("role", [Role.HANDLER, Role.SUPERVISOR, Role.SENIOR_MANAGER])
def test_staff_without_the_permission_are_refused_alike(desk: Desk, role: Role) -> None:
    complaint = desk.register()
    _, staff = desk.world.ours.staff(role)

    with pytest.raises(NotFound):
        actions.case_verify(actor=staff, reference=complaint.reference or "")
    with pytest.raises(NotFound):
        actions.insurer_verification_request(actor=staff)

    assert not Verification.objects.exists()


def test_compliance_may_verify_too(desk: Desk) -> None:
    complaint = desk.register()

    assert actions.case_verify(actor=desk.compliance, reference=complaint.reference or "").intact is True


def test_another_insurers_staff_chain_is_not_found(desk: Desk) -> None:
    their_staff, _ = desk.world.theirs.staff(Role.HANDLER)
    _, auditor = desk.world.ours.staff(Role.AUDITOR)

    with pytest.raises(NotFound):
        actions.case_verify(actor=auditor, reference=f"identity.staff:{their_staff.pk}")


def test_every_chain_of_the_insurer_is_verified_by_the_worker(desk: Desk) -> None:
    desk.in_state("assigned")
    desk.register()
    _, auditor = desk.world.ours.staff(Role.AUDITOR)

    requested = actions.insurer_verification_request(actor=auditor)
    assert requested.state == Verification.PENDING
    done = actions.insurer_verification_run(verification_id=requested.pk)

    ours = desk.world.ours.insurer.pk
    subjects = set(AuditEvent.objects.filter(insurer_id=ours).values_list("subject_type", "subject_id"))
    assert done.state == Verification.DONE
    assert done.intact is True
    assert done.chains == len(subjects | {subject_key(done)})
    assert [e.event_type for e in _events_of(done)] == ["audit.verification_requested", "audit.verification_finished"]


def test_every_chain_means_only_chains_with_the_insurers_events(desk: Desk) -> None:
    theirs = desk.world.theirs
    their_handler, _ = theirs.staff(Role.HANDLER)
    _, auditor = desk.world.ours.staff(Role.AUDITOR)
    victim = _events_of(their_handler)[0]
    tamper.execute("UPDATE audit_auditevent SET actor_id = 'staff:0' WHERE id = %s", [victim.pk])

    done = actions.insurer_verification_run(verification_id=actions.insurer_verification_request(actor=auditor).pk)

    assert done.intact is True  # their broken chain is theirs to find


def test_a_whole_insurer_verification_names_each_broken_chain(desk: Desk) -> None:
    first, second = desk.in_state("assigned"), desk.register()
    _, auditor = desk.world.ours.staff(Role.AUDITOR)
    changed = _events_of(first)[0]
    tamper.execute("UPDATE audit_auditevent SET event_type = 'x' WHERE id = %s", [changed.pk])
    tamper.execute(
        "DELETE FROM audit_auditevent WHERE subject_type = %s AND subject_id = %s", list(subject_key(second))
    )

    done = actions.insurer_verification_run(verification_id=actions.insurer_verification_request(actor=auditor).pk)

    assert done.intact is False
    assert done.broken_chains == 2
    found = {(b["subject_id"], b["kind"]) for b in done.breaks}
    assert found == {(str(first.pk), "changed"), (str(second.pk), "chain_missing")}


def test_a_verification_already_waiting_is_not_queued_again(desk: Desk) -> None:
    _, auditor = desk.world.ours.staff(Role.AUDITOR)

    first = actions.insurer_verification_request(actor=auditor)
    again = actions.insurer_verification_request(actor=auditor)

    assert again.pk == first.pk
    assert AuditEvent.objects.filter(event_type="audit.verification_requested").count() == 1


def test_the_worker_running_twice_finishes_once(desk: Desk) -> None:
    _, auditor = desk.world.ours.staff(Role.AUDITOR)
    requested = actions.insurer_verification_request(actor=auditor)

    actions.insurer_verification_run(verification_id=requested.pk)
    actions.insurer_verification_run(verification_id=requested.pk)

    assert AuditEvent.objects.filter(event_type="audit.verification_finished").count() == 1


def test_requesting_queues_the_worker_task(desk: Desk) -> None:
    from django_tasks_db.models import DBTaskResult

    _, auditor = desk.world.ours.staff(Role.AUDITOR)

    requested = actions.insurer_verification_request(actor=auditor)

    task = DBTaskResult.objects.get(task_path="xiaobao.audit.tasks.verify_insurer")
    assert task.args_kwargs["args"] == [requested.pk]


def test_chain_heads_know_their_insurer(desk: Desk) -> None:
    complaint = desk.register()

    head = ChainHead.objects.get(subject_type="complaints.complaint", subject_id=str(complaint.pk))

    assert head.insurer_id == desk.world.ours.insurer.pk


def test_a_run_that_fails_says_so_and_frees_the_way_for_another(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    from xiaobao.audit.tasks import verify_insurer

    _, auditor = desk.world.ours.staff(Role.AUDITOR)
    requested = actions.insurer_verification_request(actor=auditor)

    def database_gone(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(actions, "verify_parts", database_gone)
    with pytest.raises(RuntimeError):
        verify_insurer.func(requested.pk)

    requested.refresh_from_db()
    assert requested.state == Verification.FAILED
    assert _events_of(requested)[-1].new_values["result"] == "failed"
    assert actions.insurer_verification_request(actor=auditor).pk != requested.pk


def test_a_claim_is_found_by_its_reference(desk: Desk) -> None:
    from tests.support.claims import report

    claim = report(desk)
    _, auditor = desk.world.ours.staff(Role.AUDITOR)

    verification = actions.case_verify(actor=auditor, reference=claim.reference or "")

    assert (verification.subject_type, verification.intact) == ("claims.claim", True)


@pytest.mark.parametrize("kind", CASE_KINDS, ids=lambda kind: kind.model)
def test_every_kind_of_case_names_a_model_with_a_reference_and_an_insurer(kind: CaseKind) -> None:
    from django.apps import apps

    model = apps.get_model(kind.model)

    assert {"reference", "insurer"} <= {field.name for field in model._meta.get_fields()}
    assert model._meta.label_lower == kind.model


@pytest.mark.django_db(transaction=True)
def test_the_worker_verifies_in_a_transaction_of_its_own(seeded_calendar: None) -> None:
    """Outside any transaction, as the worker runs it (on PostgreSQL: at REPEATABLE READ, set first)."""
    from tests.support.world import make_tenant

    tenant = make_tenant("worker")
    _, auditor = tenant.staff(Role.AUDITOR)
    requested = actions.insurer_verification_request(actor=auditor)

    done = actions.insurer_verification_run(verification_id=requested.pk)

    assert done.state == Verification.DONE
    assert done.intact is True


def test_the_migration_gives_existing_heads_their_first_events_insurer(desk: Desk) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("xiaobao.audit.migrations.0003_chain_head_insurer_and_verifications")
    complaint = desk.register()
    ChainHead.objects.update(insurer_id=None)

    migration.heads_take_their_first_events_insurer(apps, None)

    head = ChainHead.objects.get(subject_type="complaints.complaint", subject_id=str(complaint.pk))
    assert head.insurer_id == desk.world.ours.insurer.pk


def test_verifying_every_chain_reads_in_batches_not_per_chain(desk: Desk) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _, auditor = desk.world.ours.staff(Role.AUDITOR)

    def queries_with(complaints: int) -> int:
        for _ in range(complaints):
            desk.register()
        requested = actions.insurer_verification_request(actor=auditor)
        with CaptureQueriesContext(connection) as run:
            actions.insurer_verification_run(verification_id=requested.pk)
        return len(run.captured_queries)

    assert queries_with(2) == queries_with(6)
