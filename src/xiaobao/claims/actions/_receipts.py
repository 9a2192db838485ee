"""Write-behind intake of claims and their documents (issue #20, ADR 0023 and its addendum).

The request half (``claim_receive``, ``claim_document_receive``) refuses what is wrong on its face — from the
request and the caller alone, no query — and writes one receipt in autocommit; for a document the file is first
stored (encrypted) under ``claims/incoming/`` and the receipt names it. The worker half (``claim_receipt_register``,
``document_receipt_attach``, run by ``manage.py run_intake``) goes through the same actions as before — the
claim reported with its clocks, green channel, audit event and notice; the document checked against the
checklist, the decision clock started once nothing is missing — and marks the receipt done in the same
transaction, so each receipt is dealt with once. What only the worker can check (a claim of another insurer, a
checklist that does not exist) refuses the receipt with the reason and an audit event. The statutory clocks count
from the receipt's ``received_at``.
"""

from __future__ import annotations

import contextlib
import logging
import re
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from django.core.files.base import File
from django.core.files.storage import Storage
from django.db import IntegrityError, transaction

from xiaobao.casework import receipts
from xiaobao.claims import events
from xiaobao.claims.actions._documents import claim_receive_document
from xiaobao.claims.actions._reporting import NewClaim, _report
from xiaobao.claims.models import ClaimDocument, ClaimReceipt, DocumentReceipt
from xiaobao.complaints.domain.files import MAX_BYTES, check_file
from xiaobao.identity import access as identity_access
from xiaobao.identity.actions import ConsumerDetails
from xiaobao.identity.domain.permissions import Permission
from xiaobao.kernel import receipts as sealing
from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.kernel.errors import DomainError, InvalidInput, PermissionDenied
from xiaobao.kernel.i18n import _
from xiaobao.ops import clock, idempotency, stored_files

logger = logging.getLogger("xiaobao.claims.intake")

STAGED_FOLDER = "claims/incoming"
"""Where a document sent through the API waits for the worker (under ``claims/``: ``upload_orphans`` sweeps it)."""

R = TypeVar("R", ClaimReceipt, DocumentReceipt)

ITEM_CODE = re.compile(r"^[-a-zA-Z0-9_]{1,40}$")


# ---- claims ----


def claim_receive(*, actor: Actor, data: dict[str, Any], idempotency_key: str | None = None) -> ClaimReceipt:
    """Acknowledge a claim (the API's ``POST /claims``): refuse what is wrong on its face, keep one receipt.

    ``data`` is the request as validated (``ClaimIn``, JSON types). Staff report for their own insurer (their
    right to handle claims read from the actor, no query); a consumer reports in their own name and names the
    insurer. The same ``idempotency_key`` from the same caller gives the first receipt back, whatever happened
    to it since; with a different request it is refused.
    """
    if idempotency_key is not None:
        idempotency.check_key(idempotency_key)
    data = dict(data)
    if actor.kind is ActorKind.STAFF:
        identity_access.require(actor, Permission.HANDLE_CLAIMS)
        data["insurer_id"] = actor.insurer_id
        if data.get("claimant_id") is None and data.get("claimant") is None:
            raise InvalidInput(_("Say who the claimant is."))
    elif actor.kind is ActorKind.CONSUMER:
        if data.get("claimant_id") not in (None, actor.consumer_id) or data.get("claimant") is not None:
            raise PermissionDenied(_("A consumer makes claims in their own name."))
    else:
        raise PermissionDenied()
    if data.get("insurer_id") is None:
        raise InvalidInput(_("Say which insurer the claim is for."))
    if date.fromisoformat(data["incident_date"]) > clock.today():
        raise InvalidInput(_("The date of the incident cannot be in the future."))
    if not str(data.get("description", "")).strip():
        raise InvalidInput(_("Give the amount claimed and describe what happened (at most 10,000 characters)."))
    hashed = sealing.request_hash(data)  # of the request, not of its moment: a retry later is the same request
    now = clock.now()
    receipt = ClaimReceipt(
        insurer_id=actor.insurer_id if actor.kind is ActorKind.STAFF else None,  # a consumer's is checked later
        caller=actor.audit_id,
        idempotency_key=idempotency_key,
        request_hash=hashed,
        payload=sealing.seal(actor=actor, data=data),
        received_at=now,
    )
    if receipts.insert(receipt):
        return receipt
    assert idempotency_key is not None
    return _earlier(ClaimReceipt, actor, idempotency_key, hashed)


def _earlier(model: type[R], actor: Actor, idempotency_key: str, hashed: str) -> R:
    earlier = receipts.of_caller(model, actor.audit_id, idempotency_key)
    if earlier is None:  # pragma: no cover  (the twin that won the race is committed before we lose it)
        raise IntegrityError("receipt vanished")
    if earlier.request_hash != hashed:
        raise idempotency.IdempotencyKeyReused()
    return earlier


def new_claim(data: dict[str, Any]) -> NewClaim:
    """The sealed request's fields as ``claim_report`` takes them."""
    return NewClaim(
        policy_number=data["policy_number"],
        product_line=data["product_line"],
        claim_type=data["claim_type"],
        incident_date=date.fromisoformat(data["incident_date"]),
        incident_region=data["incident_region"],
        description=data["description"],
        amount_claimed=Decimal(str(data["amount_claimed"])),
        beneficiary_name=data.get("beneficiary_name", ""),
        simple=data.get("simple", True),
        contract_decision_days=data.get("contract_decision_days"),
    )


def claim_receipt_register(*, receipt_id: int) -> ClaimReceipt | None:
    """Register the claim of one receipt and mark it done, in one transaction; a receipt already done or refused
    is left as it is (a worker that claimed it after a sweep finds the work done). A domain refusal (an insurer
    not found, no checklist for the kind of claim, a claimant not found) marks it refused with the reason."""
    with transaction.atomic():
        receipt = receipts.locked(ClaimReceipt, receipt_id)
        if receipt is None or receipt.state in sealing.FINAL_STATES:
            return receipt
        actor, data = sealing.unseal(receipt.payload)
        claimant = data.get("claimant")
        try:
            claim = _report(
                actor,
                insurer_id=int(data["insurer_id"]),
                data=new_claim(data),
                claimant_id=data.get("claimant_id"),
                details=ConsumerDetails(**claimant) if claimant else None,
                idempotency_key=None,
                received_at=receipt.received_at,
                receipt=receipt.reference,
            )
        except DomainError as error:
            receipts.refuse(receipt, actor=actor, error=error, event_type=events.RECEIPT_REFUSED)
            return receipt
        receipt.claim = claim
        receipts.mark_done(receipt, "claim")
        return receipt


# ---- documents ----


def _storage() -> Storage:
    return ClaimDocument._meta.get_field("file").storage


def claim_document_receive(
    *,
    actor: Actor,
    claim_id: int,
    item_code: str,
    name: str,
    content: bytes | File,  # type: ignore[type-arg]
    idempotency_key: str | None = None,
) -> DocumentReceipt:
    """Acknowledge a document for a claim (the API's ``POST /claims/{id}/documents``): check the file on its
    face (size, type from the content), store it encrypted under ``claims/incoming/``, then write the one
    receipt naming it. Whether the claim is the caller's and still takes this document is the worker's to check
    (a refusal is shown on the receipt and audited). A file whose receipt is not written is deleted at once;
    one a killed process left is named by no receipt, and ``upload_orphans --delete`` removes it."""
    if idempotency_key is not None:
        idempotency.check_key(idempotency_key)
    if actor.kind is ActorKind.STAFF:
        identity_access.require(actor, Permission.HANDLE_CLAIMS)
    elif actor.kind is not ActorKind.CONSUMER:
        raise PermissionDenied()
    if not ITEM_CODE.match(item_code):
        raise InvalidInput(_("That is not a document this claim needs."))
    size = stored_files.size_of(content)
    content_type = check_file(name, size, b"" if size > MAX_BYTES else stored_files.head_of(content))
    digest = stored_files.sha256_of(content)
    data = {
        "claim_id": claim_id,
        "item_code": item_code,
        "name": name[:200],
        "content_type": content_type,
        "size": size,
        "sha256": digest,
    }
    hashed = sealing.request_hash(data)
    storage = _storage()
    upload = stored_files.as_file(content)
    upload.seek(0)
    staged = storage.save(f"{STAGED_FOLDER}/{uuid.uuid4().hex}", upload)
    try:
        receipt = DocumentReceipt(
            insurer_id=actor.insurer_id if actor.kind is ActorKind.STAFF else None,
            caller=actor.audit_id,
            idempotency_key=idempotency_key,
            request_hash=hashed,
            payload=sealing.seal(actor=actor, data=data),
            received_at=clock.now(),
            staged_file=staged,
        )
        inserted = receipts.insert(receipt)
    except BaseException:
        _delete_staged(staged)
        raise
    if inserted:
        return receipt
    _delete_staged(staged)  # a retry: the first request's file is the one kept
    assert idempotency_key is not None
    return _earlier(DocumentReceipt, actor, idempotency_key, hashed)


def _delete_staged(name: str) -> None:
    with contextlib.suppress(OSError):  # gone already, or the storage is away: upload_orphans removes it later
        _storage().delete(name)


def document_receipt_attach(*, receipt_id: int) -> DocumentReceipt | None:
    """Attach the document of one receipt through ``claim_receive_document`` (as its caller, from the receipt's
    moment) and mark the receipt done, in one transaction; the staged copy is deleted once that commits. A
    receipt already done or refused is left as it is; a domain refusal (a claim not found or not the caller's, a
    claim no longer taking documents, an item it does not need) marks it refused with the reason."""
    with stored_files.removed_on_failure(), transaction.atomic():
        receipt = receipts.locked(DocumentReceipt, receipt_id)
        if receipt is None or receipt.state in sealing.FINAL_STATES:
            return receipt
        actor, data = sealing.unseal(receipt.payload)
        with _storage().open(receipt.staged_file, "rb") as staged:
            content = staged.read()
        try:
            document = claim_receive_document(
                actor=actor,
                claim_id=int(data["claim_id"]),
                item_code=data["item_code"],
                name=data["name"],
                content=content,
                received_at=receipt.received_at,
                receipt=receipt.reference,
            )
        except DomainError as error:
            receipts.refuse(receipt, actor=actor, error=error, event_type=events.RECEIPT_REFUSED)
        else:
            receipt.document = document
            receipts.mark_done(receipt, "document")
        staged_name = receipt.staged_file
        transaction.on_commit(lambda: _delete_staged(staged_name))
        return receipt


# ---- both ----


def claim_receipts_sweep(*, now: datetime | None = None) -> dict[str, receipts.ReceiptSweep]:
    """Hand back claim and document receipts whose worker died between the two halves; fail those claimed
    ``MAX_ATTEMPTS`` times (the periodic task ``claims.sweep_receipts``)."""
    return {
        kind.name: receipts.sweep(kind, now=now)
        for kind in receipts.kinds()
        if kind.model in (ClaimReceipt, DocumentReceipt)
    }
