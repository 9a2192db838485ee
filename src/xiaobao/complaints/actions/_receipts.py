"""Write-behind intake (issue #20, ADR 0023): the request keeps a receipt, a worker registers from it.

The first half (``complaint_receive``) checks what can be checked without the database, writes one row in
autocommit and answers; the second (``receipt_register``, run by ``manage.py run_intake``) registers the
complaint through ``complaint_registration`` — routing, duplicate linking, the deadline, the audit event, the
notice rendered and queued — and marks the receipt done in the same transaction. A worker killed between the
halves leaves a claimed receipt that ``receipts_sweep`` hands back; the receipt's row lock and state make a
second registration of it impossible. What every kind of receipt shares is ``xiaobao.casework.receipts``.

Files sent with the portal's form are checked in the request as the in-request filing checks them, stored
encrypted under ``complaints/incoming/`` before the receipt is written, and named by it; the worker attaches them
to the case it registers (``attach_sent``: ``complaint_attach``, the same storage and audit event as in the
request) and deletes the staged copies once that commits — or once the receipt is refused. A staged file no owed
receipt names (its request died before the receipt was written) is left for ``upload_orphans --delete``.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.files.storage import Storage
from django.db import IntegrityError, transaction

from xiaobao.casework import receipts as receipts_kernel
from xiaobao.casework.receipts import ReceiptSweep
from xiaobao.complaints import access, events
from xiaobao.complaints.actions._registration import (
    NewComplaint,
    Registration,
    _intake_insurer,
    _register,
    attach_sent,
)
from xiaobao.complaints.actions._shared import Upload, checked_uploads
from xiaobao.complaints.domain import receipts
from xiaobao.complaints.domain.intake import check_intake
from xiaobao.complaints.domain.receipts import ReceiptState
from xiaobao.complaints.models import Attachment, Receipt
from xiaobao.identity.actions import ConsumerDetails
from xiaobao.kernel.actors import Actor
from xiaobao.kernel.errors import DomainError
from xiaobao.ops import clock, idempotency, stored_files

logger = logging.getLogger("xiaobao.complaints.intake")

STAGED_FOLDER = "complaints/incoming"
"""Where the files sent with a complaint wait for the intake worker (under ``complaints/``: ``upload_orphans``
sweeps what no owed receipt names)."""


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
    uploads: Sequence[Upload] = (),
) -> Received:
    """Acknowledge a complaint (the API's ``POST /complaints``): refuse what is wrong on its face, keep one receipt.

    ``data`` is the request as validated (``ComplaintIn``, JSON types); a missing ``received_at`` is the moment
    of receipt, which starts the statutory clock (CMP-T1). The same ``idempotency_key`` from the same caller
    gives the first receipt back, whatever happened to it since; with a different request it is refused.
    ``immediate`` (``XIAOBAO_INTAKE_IMMEDIATE`` by default) registers in the request as well, in the receipt's
    transaction: a refusal then leaves nothing behind, as before write-behind.

    A consumer (the portal's form) names the ``insurer_id`` and brings the ``access_code`` it shows at once:
    it is sealed with the request, and the worker gives the complaint that code, not a new one.

    Files sent with it (``uploads``) are checked first, as the in-request filing checks them (how many, size,
    type from the content): a refused file leaves nothing. Then each is stored encrypted under
    ``complaints/incoming/`` and the receipt names them (what they are, in the sealed request: part of its
    hash, so the same form with other files is another request); a receipt not written deletes them again.
    """
    if immediate is None:
        immediate = settings.XIAOBAO_INTAKE_IMMEDIATE
    if idempotency_key is not None:
        idempotency.check_key(idempotency_key)
    now = clock.now()
    insurer_id = _intake_insurer(actor, insurer_id)  # permission to register, without a query for staff
    if uploads:
        data = {**data, "files": _described(uploads, checked_uploads(uploads))}
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
        received_at=now,
    )
    if immediate:
        receipt.payload = receipts.seal_with_access_code(actor=actor, data=data, access_code=access_code)
        return _receive_and_register(receipt, uploads)
    staged = _stage(uploads)
    try:
        receipt.staged_files = staged
        receipt.payload = receipts.seal_with_access_code(
            actor=actor, data=_with_staged(data, staged), access_code=access_code
        )
        # One INSERT in autocommit: the acknowledgement is durable when it is given.
        inserted = receipts_kernel.insert(receipt)
    except BaseException:
        _delete_staged(staged)
        raise
    if inserted:
        return Received(receipt)
    _delete_staged(staged)  # a resubmission: the first request's files are the ones kept
    assert idempotency_key is not None
    return _earlier(actor, idempotency_key, hashed)


def _described(uploads: Sequence[Upload], content_types: list[str]) -> list[dict[str, Any]]:
    """What each file is, for the sealed request (and its hash): its name, type, size and SHA-256."""
    return [
        {
            "name": upload.name[:200],
            "content_type": content_type,
            "size": upload.size,
            "sha256": stored_files.sha256_of(upload.content),
        }
        for upload, content_type in zip(uploads, content_types, strict=True)
    ]


def _storage() -> Storage:
    return Attachment._meta.get_field("file").storage


def _stage(uploads: Sequence[Upload]) -> list[str]:
    """Each file stored encrypted under a random name in ``complaints/incoming/``; none left if one fails."""
    staged: list[str] = []
    try:
        for upload in uploads:
            content = stored_files.as_file(upload.content)
            content.seek(0)
            staged.append(_storage().save(f"{STAGED_FOLDER}/{uuid.uuid4().hex}", content))
    except BaseException:
        _delete_staged(staged)
        raise
    return staged


def _with_staged(data: dict[str, Any], staged: list[str]) -> dict[str, Any]:
    if not staged:
        return data
    files = [{**described, "staged": name} for described, name in zip(data["files"], staged, strict=True)]
    return {**data, "files": files}


def _delete_staged(names: Sequence[str]) -> None:
    for name in names:
        with contextlib.suppress(OSError):  # gone already, or the storage is away: upload_orphans removes it later
            _storage().delete(name)


@contextlib.contextmanager
def _staged_uploads(files: list[dict[str, Any]]) -> Iterator[list[Upload]]:
    """The staged files of a sealed request, open for reading (decrypted as they are read, in chunks)."""
    with contextlib.ExitStack() as opened:
        yield [
            Upload(name=described["name"], content=opened.enter_context(_storage().open(described["staged"], "rb")))
            for described in files
        ]


def _earlier(actor: Actor, idempotency_key: str, hashed: str) -> Received:
    earlier = access.receipt_of_caller(actor.audit_id, idempotency_key)
    if earlier is None:  # pragma: no cover  (the twin that won the race is committed before we lose it)
        raise IntegrityError("receipt vanished")
    if earlier.request_hash != hashed:
        raise idempotency.IdempotencyKeyReused()
    if earlier.state == ReceiptState.DONE and earlier.complaint is not None:
        return Received(earlier, Registration(earlier.complaint))
    return Received(earlier)


def _receive_and_register(receipt: Receipt, uploads: Sequence[Upload]) -> Received:
    actor, data = receipts.unseal(receipt.payload)
    if receipt.idempotency_key is not None:
        earlier = access.receipt_of_caller(receipt.caller, receipt.idempotency_key)
        if earlier is not None:
            return _earlier(actor, receipt.idempotency_key, receipt.request_hash)
    try:
        with stored_files.removed_on_failure(), transaction.atomic():
            receipt.save(force_insert=True)
            registration = _register(
                actor=actor,
                data=new_complaint(data),
                insurer_id=receipt.insurer_id,
                idempotency_key=None,
                access_code=receipts.sealed_access_code(receipt.payload),
            )
            attach_sent(actor=actor, registration=registration, uploads=uploads)
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
    values.pop("files", None)  # attached after the registration (``attach_sent``)
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
    """Register the complaint of one receipt, attach the files sent with it, and mark it done, in one transaction;
    a receipt already done or refused is left as it is (a worker that claimed it after a sweep finds the work
    done). A domain refusal (a branch of another insurer, a complainant not found, a file no longer accepted)
    leaves no case and marks it refused with the reason, for its caller. The staged files are deleted once the
    transaction commits (done or refused); a killed attempt's copies under the case are deleted by
    ``stored_files.removed_on_failure``, and the staged ones wait for the next attempt."""
    with stored_files.removed_on_failure(), transaction.atomic():
        receipt = access.receipt_to_register(receipt_id)
        if receipt is None or receipt.state in receipts.FINAL_STATES:
            return receipt
        actor, data = receipts.unseal(receipt.payload)
        try:
            with _staged_uploads(data.get("files", [])) as uploads, transaction.atomic():
                # one savepoint: a file refused after the case was written leaves no case behind
                registration = _register(
                    actor=actor,
                    data=new_complaint(data),
                    insurer_id=receipt.insurer_id,
                    idempotency_key=None,
                    receipt=receipt.reference,
                    access_code=receipts.sealed_access_code(receipt.payload),
                )
                attach_sent(actor=actor, registration=registration, uploads=uploads)
        except DomainError as error:
            receipts_kernel.refuse(receipt, actor=actor, error=error, event_type=events.RECEIPT_REFUSED)
        else:
            _mark_done(receipt, registration)
        staged = list(receipt.staged_files)
        if staged:
            transaction.on_commit(lambda: _delete_staged(staged))
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
