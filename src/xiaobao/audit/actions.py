"""An auditor's verifications and exports (issue #18 item 5): the only writer of ``Verification``.

Each verification is one row and the first event of its own chain, so it is itself audited (who verified
what, and what was found) without appending to the chains it verified.

One case: verified in the request, its head locked first so an event appended meanwhile waits (a chain
of even a thousand events takes milliseconds). Every chain of an insurer: queued, and verified by the worker
(``tasks.verify_insurer``) in one consistent snapshot; the page shows the result when it is ready
(see the README for the measured time on 100,000 events).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet

from xiaobao.audit import events
from xiaobao.audit.access import Case, case_for, verifications_for
from xiaobao.audit.models import AuditEvent, ChainHead, Verification
from xiaobao.audit.recorder import record
from xiaobao.audit.registry import EventType
from xiaobao.audit.verification import VerificationReport, verify_parts, verify_scope
from xiaobao.identity.domain.permissions import Permission, staff_may
from xiaobao.kernel.actors import SYSTEM, Actor
from xiaobao.kernel.errors import InvalidInput, NotFound
from xiaobao.ops import clock

BREAKS_KEPT = 50
"""A verification keeps its first 50 breaks; the number of broken chains it counts is exact."""
EXPORT_FORMATS = ("csv", "json", "pdf")
PART_SIZE = 500
"""Chains read per query when verifying a whole insurer (a list of ids the databases take in one ``IN``)."""


@dataclass(frozen=True)
class TimelineExport:
    verification: Verification
    case: Case
    events: list[AuditEvent]


@transaction.atomic
def case_verify(*, actor: Actor, reference: str, idempotency_key: str = "") -> Verification:
    """Verify the chain of the actor's insurer's case with this reference; the result is kept and audited."""
    case = case_for(actor, reference)
    repeated = _pressed_before(actor, idempotency_key)
    if repeated is not None:
        return repeated
    report, _events, seconds = _verify_case(case)
    verification, made = _verification(actor, case, report, seconds, idempotency_key)
    if made:
        _record(events.CHAIN_VERIFIED, actor, verification)
    return verification


@transaction.atomic
def timeline_export(*, actor: Actor, reference: str, file_format: str) -> TimelineExport:
    """A case's verified timeline: its chain verified now, every event of it, the export audited. The file
    itself is made by the caller from what this returns (masked: see ``selectors.timeline_rows``)."""
    case = case_for(actor, reference)
    if file_format not in EXPORT_FORMATS:
        raise InvalidInput()
    report, chain_events, seconds = _verify_case(case)
    verification, _made = _verification(actor, case, report, seconds, "", exported_as=file_format)
    _record(events.TIMELINE_EXPORTED, actor, verification, format=file_format)
    return TimelineExport(verification=verification, case=case, events=chain_events)


@transaction.atomic
def insurer_verification_request(*, actor: Actor, idempotency_key: str = "") -> Verification:
    """Queue the verification of every chain of the actor's insurer. One already waiting is given back,
    not queued again (nor is the same press twice)."""
    if not staff_may(actor, Permission.VERIFY_AUDIT) or actor.insurer_id is None:
        raise NotFound()
    repeated = _pressed_before(actor, idempotency_key)
    waiting = verifications_for(actor).filter(scope=Verification.INSURER, state=Verification.PENDING).first()
    if repeated is not None:
        return repeated
    if waiting is not None:
        return waiting
    verification = Verification.objects.create(
        insurer_id=actor.insurer_id,
        scope=Verification.INSURER,
        requested_by=actor.audit_id,
        requested_by_name=actor.label,
        requested_at=clock.now(),
        idempotency_key=idempotency_key,
    )
    record(
        event_type=events.VERIFICATION_REQUESTED,
        actor=actor,
        subject=verification,
        insurer_id=actor.insurer_id,
        new={"scope": Verification.INSURER},
        first=True,
    )
    from xiaobao.audit.tasks import verify_insurer

    verify_insurer.enqueue(verification.pk)
    return verification


def insurer_verification_run(*, verification_id: int) -> Verification:
    """The worker's part: verify every chain of the insurer in one snapshot, keep the result, audit it.
    Run twice, the second run finds the verification done and does nothing."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            # every read of this transaction sees the log as it stood at its first: appends meanwhile are not
            # mistaken for a chain running past its head
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        verification = Verification.objects.select_for_update().filter(pk=verification_id).first()
        if verification is None:
            raise NotFound()
        if verification.state != Verification.PENDING:
            return verification
        started = time.perf_counter()
        report = verify_parts(_insurer_parts(verification.insurer_id), break_limit=BREAKS_KEPT)
        _keep(verification, report, time.perf_counter() - started)
        verification.save()
        _record(events.VERIFICATION_FINISHED, SYSTEM, verification, seconds=round(verification.seconds or 0, 3))
        return verification


def _insurer_parts(insurer_id: int) -> Iterator[tuple[QuerySet[AuditEvent], QuerySet[ChainHead]]]:
    """Every chain holding an event of this insurer, whole (a consumer's chain may also hold another insurer's
    events), and every chain whose head names it: in batches of chains of one subject type, each read
    through the subject index with its heads."""
    subjects: dict[str, set[str]] = defaultdict(set)
    ours = AuditEvent.objects.filter(insurer_id=insurer_id).values_list("subject_type", "subject_id").distinct()
    headed = ChainHead.objects.filter(insurer_id=insurer_id).values_list("subject_type", "subject_id")
    for subject_type, subject_id in [*ours.iterator(chunk_size=5000), *headed.iterator(chunk_size=5000)]:
        subjects[subject_type].add(subject_id)
    for subject_type, ids in sorted(subjects.items()):
        ordered = sorted(ids)
        for start in range(0, len(ordered), PART_SIZE):
            batch = {"subject_type": subject_type, "subject_id__in": ordered[start : start + PART_SIZE]}
            yield AuditEvent.objects.filter(**batch), ChainHead.objects.filter(**batch)


@transaction.atomic
def insurer_verification_failed(*, verification_id: int) -> None:
    """The worker could not finish (the database went away, a bug): the page says so instead of waiting forever,
    and a new verification may be asked for. The attempt is on the verification's chain as a finished run."""
    verification = Verification.objects.select_for_update().filter(pk=verification_id).first()
    if verification is None or verification.state != Verification.PENDING:
        return
    verification.state = Verification.FAILED
    verification.finished_at = clock.now()
    verification.save(update_fields=["state", "finished_at"])
    _record(events.VERIFICATION_FINISHED, SYSTEM, verification, seconds=0)


def _verify_case(case: Case) -> tuple[VerificationReport, list[AuditEvent], float]:
    started = time.perf_counter()
    heads = list(
        ChainHead.objects.select_for_update().filter(subject_type=case.subject_type, subject_id=case.subject_id)
    )
    chain = AuditEvent.objects.filter(subject_type=case.subject_type, subject_id=case.subject_id)
    report = verify_scope(chain, heads, break_limit=BREAKS_KEPT)
    return report, list(chain.order_by("sequence")), time.perf_counter() - started


def _pressed_before(actor: Actor, idempotency_key: str) -> Verification | None:
    if not idempotency_key:
        return None
    return verifications_for(actor).filter(requested_by=actor.audit_id, idempotency_key=idempotency_key).first()


def _verification(
    actor: Actor, case: Case, report: VerificationReport, seconds: float, key: str, *, exported_as: str = ""
) -> tuple[Verification, bool]:
    """The verification kept, and whether it is new (not the same press sent twice at once)."""
    verification = Verification(
        insurer_id=case.insurer_id,
        scope=Verification.CASE,
        subject_type=case.subject_type,
        subject_id=case.subject_id,
        reference=case.reference,
        requested_by=actor.audit_id,
        requested_by_name=actor.label,
        requested_at=clock.now(),
        idempotency_key=key,
        exported_as=exported_as,
    )
    _keep(verification, report, seconds)
    try:
        with transaction.atomic():
            verification.save(force_insert=True)
    except IntegrityError:
        # the same press, sent twice at once: the first one's verification stands
        found = _pressed_before(actor, key)
        if found is None:
            raise
        return found, False
    return verification, True


def _keep(verification: Verification, report: VerificationReport, seconds: float) -> None:
    verification.state = Verification.DONE
    verification.finished_at = clock.now()
    verification.intact = report.ok
    verification.chains = report.chains
    verification.events = report.events
    verification.broken_chains = report.broken_chains
    verification.first_at = report.first_at
    verification.last_at = report.last_at
    verification.head_hash = report.head_hash
    verification.breaks = [{**asdict(found), "kind": found.kind.value} for found in report.breaks]
    verification.seconds = seconds


def _record(event_type: EventType, actor: Actor, verification: Verification, **extra: Any) -> None:
    first_break = verification.breaks[0] if verification.breaks else None
    values = {
        "scope": verification.scope,
        "reference": verification.reference,
        "subject": f"{verification.subject_type}:{verification.subject_id}" if verification.subject_type else "",
        "result": "failed"
        if verification.state == Verification.FAILED
        else ("intact" if verification.intact else "broken"),
        "chains": verification.chains,
        "events": verification.events,
        "broken_chains": verification.broken_chains,
        "head_hash": verification.head_hash,
        "first_break": (
            f"{first_break['subject_type']}:{first_break['subject_id']}#{first_break['sequence']} {first_break['kind']}"
            if first_break
            else ""
        ),
        **extra,
    }
    record(
        event_type=event_type,
        actor=actor,
        subject=verification,
        insurer_id=verification.insurer_id,
        new=values,
        first=event_type is not events.VERIFICATION_FINISHED,  # the others start the verification's chain
    )
