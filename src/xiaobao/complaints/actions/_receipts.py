"""Write-behind intake (issue #20, ADR 0023): the request keeps a receipt, a worker registers from it.

The first half (``complaint_receive``) checks what can be checked without the database, writes one row in
autocommit and answers; the second (``receipt_register``, run by ``manage.py run_intake``) registers the
complaint through ``complaint_registration`` — routing, duplicate linking, the deadline, the audit event, the
notice rendered and queued — and marks the receipt done in the same transaction. A worker killed between the
halves leaves a claimed receipt that ``receipts_sweep`` hands back; the receipt's row lock and state make a
second registration of it impossible. What every kind of receipt shares is ``xiaobao.casework.receipts``.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction

from xiaobao.casework import receipts as receipts_kernel
from xiaobao.casework.receipts import ReceiptSweep
from xiaobao.complaints import access, events
from xiaobao.complaints.actions._registration import NewComplaint, Registration, _intake_insurer, _register
from xiaobao.complaints.domain import receipts
from xiaobao.complaints.domain.intake import check_intake
from xiaobao.complaints.domain.receipts import ReceiptState
from xiaobao.complaints.models import Receipt
from xiaobao.identity.actions import ConsumerDetails
from xiaobao.kernel.actors import Actor
from xiaobao.kernel.errors import DomainError
from xiaobao.ops import clock, idempotency

logger = logging.getLogger("xiaobao.complaints.intake")


@dataclass(frozen=True)
class Received:
    """What the request half answers with: the receipt, and the complaint when it is registered already (the
    immediate mode, or a retry of a request whose receipt a worker has registered since)."""

    receipt: Receipt
    registration: Registration | None = None


def complaint_receive(
    *,
    actor: Actor,
    data: dict[str, Any],
    idempotency_key: str | None = None,
    immediate: bool | None = None,
    insurer_id: int | None = None,
    access_code: str = "",
) -> Received:
    """Acknowledge a complaint (the API's ``POST /complaints``): refuse what is wrong on its face, keep one receipt.

    ``data`` is the request as validated (``ComplaintIn``, JSON types); a missing ``received_at`` is the moment
    of receipt, which starts the statutory clock (CMP-T1). The same ``idempotency_key`` from the same caller
    gives the first receipt back, whatever happened to it since; with a different request it is refused.
    ``immediate`` (``XIAOBAO_INTAKE_IMMEDIATE`` by default) registers in the request as well, in the receipt's
    transaction: a refusal then leaves nothing behind, as before write-behind.

    A consumer (the portal's form) names the ``insurer_id`` and brings the ``access_code`` it shows at once:
    it is sealed with the request, and the worker gives the complaint that code, not a new one.
    """
    if immediate is None:
        immediate = settings.XIAOBAO_INTAKE_IMMEDIATE
    if idempotency_key is not None:
        idempotency.check_key(idempotency_key)
    now = clock.now()
    insurer_id = _intake_insurer(actor, insurer_id)  # permission to register, without a query for staff
    # The hash is of the request as sent: a retry a moment later is the same request, whatever the clock says.
    hashed = receipts.request_hash(data)
    data = {**data, "received_at": data.get("received_at") or now.isoformat()}
    check_intake(
        received_at=datetime.fromisoformat(data["received_at"]),
        now=now,
        description=data["description"],
        requested_outcome=data.get("requested_outcome", ""),
        group_size=data.get("group_size", 1),
    )
    receipt = Receipt(
        insurer_id=insurer_id,
        caller=actor.audit_id,
        idempotency_key=idempotency_key,
        request_hash=hashed,
        payload=receipts.seal_with_access_code(actor=actor, data=data, access_code=access_code),
        received_at=now,
    )
    if immediate:
        return _receive_and_register(receipt)
    try:
        # One INSERT in autocommit: the acknowledgement is durable when it is given. Inside a caller's
        # transaction (the tests), a savepoint keeps a refused twin from spoiling it.
        with transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext():
            receipt.save(force_insert=True)
    except IntegrityError:
        if idempotency_key is None:
            raise
        return _earlier(actor, idempotency_key, hashed)
    return Received(receipt)


def _earlier(actor: Actor, idempotency_key: str, hashed: str) -> Received:
    earlier = access.receipt_of_caller(actor.audit_id, idempotency_key)
    if earlier is None:  # pragma: no cover  (the twin that won the race is committed before we lose it)
        raise IntegrityError("receipt vanished")
    if earlier.request_hash != hashed:
        raise idempotency.IdempotencyKeyReused()
    if earlier.state == ReceiptState.DONE and earlier.complaint is not None:
        return Received(earlier, Registration(earlier.complaint))
    return Received(earlier)


def _receive_and_register(receipt: Receipt) -> Received:
    actor, data = receipts.unseal(receipt.payload)
    if receipt.idempotency_key is not None:
        earlier = access.receipt_of_caller(receipt.caller, receipt.idempotency_key)
        if earlier is not None:
            return _earlier(actor, receipt.idempotency_key, receipt.request_hash)
    try:
        with transaction.atomic():
            receipt.save(force_insert=True)
            registration = _register(
                actor=actor,
                data=new_complaint(data),
                insurer_id=receipt.insurer_id,
                idempotency_key=None,
                access_code=receipts.sealed_access_code(receipt.payload),
            )
            _mark_done(receipt, registration)
    except IntegrityError:
        if receipt.idempotency_key is None:
            raise
        return _earlier(actor, receipt.idempotency_key, receipt.request_hash)
    return Received(receipt, registration)


def new_complaint(data: dict[str, Any]) -> NewComplaint:
    """The sealed request's fields as the registration takes them."""
    values = dict(data)
    complainant = values.pop("complainant", None)
    values["received_at"] = datetime.fromisoformat(values["received_at"])
    values["involved_staff_ids"] = tuple(values.get("involved_staff_ids", ()))
    values["involved_partner_ids"] = tuple(values.get("involved_partner_ids", ()))
    return NewComplaint(**values, complainant=ConsumerDetails(**complainant) if complainant else None)


def _mark_done(receipt: Receipt, registration: Registration) -> None:
    receipt.complaint = registration.complaint
    receipts_kernel.mark_done(receipt, "complaint")


def _kind() -> receipts_kernel.ReceiptKind:
    return receipts_kernel.kind_of(Receipt)


def receipts_claim(*, worker_id: str, limit: int) -> list[int]:
    """Up to ``limit`` pending receipts, oldest first, for this worker (``casework.receipts.claim``)."""
    return receipts_kernel.claim(Receipt, worker_id=worker_id, limit=limit)


def receipt_register(*, receipt_id: int) -> Receipt | None:
    """Register the complaint of one receipt and mark it done, in one transaction; a receipt already done or
    refused is left as it is (a worker that claimed it after a sweep finds the work done). A domain refusal
    (a branch of another insurer, a complainant not found) marks it refused with the reason, for its caller."""
    with transaction.atomic():
        receipt = access.receipt_to_register(receipt_id)
        if receipt is None or receipt.state in receipts.FINAL_STATES:
            return receipt
        actor, data = receipts.unseal(receipt.payload)
        try:
            registration = _register(
                actor=actor,
                data=new_complaint(data),
                insurer_id=receipt.insurer_id,
                idempotency_key=None,
                receipt=receipt.reference,
                access_code=receipts.sealed_access_code(receipt.payload),
            )
        except DomainError as error:
            receipts_kernel.refuse(receipt, actor=actor, error=error, event_type=events.RECEIPT_REFUSED)
            return receipt
        _mark_done(receipt, registration)
        return receipt


def receipt_failed_attempt(*, receipt_id: int, error: str) -> None:
    """A registration that failed for a reason other than a refusal (a defect): the receipt goes back to pending
    for another try, or is failed after ``MAX_ATTEMPTS`` claims (``casework.receipts.failed_attempt``)."""
    receipts_kernel.failed_attempt(_kind(), receipt_id=receipt_id, error=error)


def receipts_release(*, worker_id: str) -> int:
    """An intake worker stopping hands back the complaint receipts it claimed and has not registered."""
    return receipts_kernel.release(Receipt, worker_id=worker_id)


def receipts_sweep(*, now: datetime | None = None) -> ReceiptSweep:
    """Hand back complaint receipts whose worker died between the two halves; fail those claimed
    ``MAX_ATTEMPTS`` times. Run every few seconds by the periodic task ``complaints.sweep_receipts`` and by each
    intake worker when it starts (``casework.receipts.sweep``)."""
    return receipts_kernel.sweep(_kind(), now=now)
