"""The one complete request for missing documents (CLM-T1) and documents arriving."""

from __future__ import annotations

from datetime import datetime

from django.core.files.base import File
from django.db import transaction

from xiaobao.audit.recorder import record
from xiaobao.claims import access, events
from xiaobao.claims.actions._shared import (
    HELD_BY_INSURER,
    _close_clock,
    _for_claimant_or_staff,
    _open_clock,
    _step,
    _tell,
    explained,
    missing,
)
from xiaobao.claims.domain import clocks, documents
from xiaobao.claims.domain.lifecycle import ClaimState, ClaimStep
from xiaobao.claims.models import ClaimDocument, DocumentRequest
from xiaobao.complaints.domain.files import MAX_BYTES, check_file
from xiaobao.deadlines.rules import DEFAULT as RULES
from xiaobao.identity.domain.permissions import Permission
from xiaobao.kernel.actors import Actor
from xiaobao.kernel.errors import InvalidInput
from xiaobao.kernel.i18n import _
from xiaobao.ops import clock, stored_files


@transaction.atomic
def claim_request_documents(
    *, actor: Actor, claim_id: int, items: list[str] | None = None, new_fact: str = ""
) -> DocumentRequest:
    """The first request asks for every missing item at once (CLM-T1); a later one needs its new fact stated."""
    claim = access.claim_for(actor, claim_id, Permission.HANDLE_CLAIMS, for_update=True)
    previous = [set(r.items) for r in claim.document_requests.order_by("requested_at")]
    wanted: list[str] = (items or []) if previous else missing(claim)
    if not previous and items is not None and set(items) != set(wanted):
        raise InvalidInput(_("The first request lists every missing document: %(items)s."), items=", ".join(wanted))
    documents.check_request(
        set(wanted or []), previous_requests=previous, held_by_insurer=HELD_BY_INSURER, new_fact=new_fact
    )
    _step(claim, ClaimStep.REQUEST_DOCUMENTS)
    request = DocumentRequest.objects.create(
        claim=claim,
        items=list(wanted),
        new_fact=new_fact.strip(),
        requested_at=clock.now(),
        requested_by=actor.audit_id,
    )
    notice = _close_clock(claim, clocks.ClaimClock.DOCUMENTS_NOTICE)
    record(
        event_type=events.DOCUMENTS_REQUESTED,
        actor=actor,
        subject=claim,
        insurer_id=claim.insurer_id,
        new={
            "items": request.items,
            "request": len(previous) + 1,
            "new_fact": request.new_fact,
            "notice": notice.state if notice else None,
        },
    )
    _tell(
        actor,
        claim,
        "claim_documents_requested",
        "documents_requested",
        missing=explained(claim, request.items),
        new_fact=request.new_fact,
    )
    return request


@stored_files.atomic
def claim_receive_document(
    *,
    actor: Actor,
    claim_id: int,
    item_code: str,
    name: str,
    content: bytes | File,  # type: ignore[type-arg]
    received_at: datetime | None = None,
    receipt: str = "",
) -> ClaimDocument:
    """A document arrives (portal, API, counter); once nothing is missing the decision clock starts (CLM-T2/T6).

    The type is checked from the content, not the name; the file is kept with its SHA-256. The same file sent
    again for the same item returns the document already kept. ``content`` is the bytes or an uploaded file
    (streamed to disk): its size is checked before anything is read, and it is hashed and stored in chunks.

    The file on disk and its row agree (issue #12): the file is stored under its content address,
    ``claims/claim-<id>/<item>-<address>`` (a keyed hash of its SHA-256), while the claim's row lock is held, and the unique
    (claim, item, sha256) constraint keeps one row. ``stored_files.atomic`` puts the transaction inside
    ``removed_on_failure``, so when anything in it fails — a later step, the commit itself, gunicorn's worker
    timeout — the transaction rolls back first and then the file this attempt wrote is deleted: no file
    without a row. A worker killed
    outright between writing and committing leaves the file under the same address, and the client's retry
    adopts it (its bytes are checked) instead of writing a second copy: no duplicate copy either.

    ``received_at``/``receipt``: the moment and reference of the write-behind receipt this attaches (ADR 0023):
    the document arrived then, and the decision clock counts from that day once nothing is missing (CLM-T2/T6).
    """
    received_at = received_at or clock.now()
    claim = _for_claimant_or_staff(actor, claim_id)
    if ClaimState(claim.state) not in {ClaimState.REPORTED, ClaimState.DOCUMENTS_REQUESTED, ClaimState.ASSESSING}:
        raise InvalidInput(_("This claim no longer takes documents."))
    if not access.checklist_of(claim.insurer_id, claim.product_line, claim.claim_type).filter(code=item_code).exists():
        raise InvalidInput(_("That is not a document this claim needs."))
    size = stored_files.size_of(content)
    content_type = check_file(name, size, b"" if size > MAX_BYTES else stored_files.head_of(content))
    digest = stored_files.sha256_of(content)
    already = ClaimDocument.objects.filter(claim=claim, item_code=item_code, sha256=digest).first()
    if already is not None:  # a retried upload (a lost answer, a double click): kept once
        return already
    document = ClaimDocument(
        claim=claim,
        item_code=item_code,
        original_name=name[:200],
        content_type=content_type,
        size=size,
        sha256=digest,
        received_at=received_at,
    )
    address = stored_files.address_of(document.file, digest)
    stored_files.store_once(document.file, f"claims/claim-{claim.pk}/{item_code}-{address}", content, digest)
    document.save()
    record(
        event_type=events.DOCUMENT_RECEIVED,
        actor=actor,
        subject=claim,
        insurer_id=claim.insurer_id,
        new={
            "item": item_code,
            "sha256": digest,
            **({"receipt": receipt, "received_at": received_at.isoformat()} if receipt else {}),
        },
    )
    if claim.state != ClaimState.ASSESSING and not missing(claim):
        claim.documents_complete_on = clock.statutory_date_of(received_at)
        _step(claim, ClaimStep.COMPLETE_DOCUMENTS, "documents_complete_on")
        _close_clock(claim, clocks.ClaimClock.DOCUMENTS_NOTICE)  # nothing left to ask for
        rule_id = clocks.decision_rule(claim.product_line, simple=claim.simple)
        length = clocks.decision_length(rule_id, claim.contract_decision_days, RULES[rule_id].length)
        deadline = _open_clock(claim, clocks.ClaimClock.DECISION, rule_id, claim.documents_complete_on, length=length)
        record(
            event_type=events.DOCUMENTS_COMPLETE,
            actor=actor,
            subject=claim,
            insurer_id=claim.insurer_id,
            new={"decision_due": deadline.due.isoformat(), "rule": rule_id},
        )
        _tell(actor, claim, "claim_documents_complete", "documents_complete", decide_by=deadline.due)
    return document
