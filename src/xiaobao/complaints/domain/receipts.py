"""Write-behind intake (issue #20, ADR 0023): the receipt a complaint is acknowledged with, before it is registered.

The request records one receipt and answers with its reference; a worker registers the complaint from it
later, through the same actions (CMP-A1, CMP-T1). Pure: the states a receipt goes through, its reference, how
the caller and the request are sealed into it and read back.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from xiaobao.kernel.actors import Actor, ActorKind, Role


class ReceiptState(StrEnum):
    """pending → claimed (a worker took it) → done (the complaint is registered) or refused (the registration
    refused it: a branch of another insurer, a complainant not found). A claimed receipt whose worker died goes
    back to pending (``stale_claim``); one that took its workers down ``MAX_ATTEMPTS`` times is failed and left
    for a person (it is still owed: its clock runs from its receipt)."""

    PENDING = "pending"
    CLAIMED = "claimed"
    DONE = "done"
    REFUSED = "refused"
    FAILED = "failed"


FINAL_STATES = frozenset({ReceiptState.DONE, ReceiptState.REFUSED})
MAX_ATTEMPTS = 5
"""Claims of one receipt after which it is failed rather than handed to another worker (a poisonous receipt must
not take every worker down in turn)."""


class CallerView(StrEnum):
    """What the caller is told of a receipt: received (being registered), registered, or refused."""

    RECEIVED = "received"
    REGISTERED = "registered"
    REFUSED = "refused"


def caller_view(state: ReceiptState) -> CallerView:
    if state is ReceiptState.DONE:
        return CallerView.REGISTERED
    if state is ReceiptState.REFUSED:
        return CallerView.REFUSED
    return CallerView.RECEIVED  # pending, claimed, and failed (still owed: a person re-queues it)


REFERENCE = re.compile(r"^LN-(\d{4})-W(\d{6,18})$")


def receipt_reference(receipt_id: int, received_on: date) -> str:
    """``LN-2026-W000123``: the year the complaint was received (Asia/Shanghai) and the receipt's number; the W
    tells it from a registered case's reference (``LN-2026-000045``)."""
    return f"LN-{received_on.year}-W{receipt_id:06d}"


def parse_receipt_reference(reference: str) -> tuple[int, int] | None:
    """(year, receipt id) of a well-formed reference, else None."""
    match = REFERENCE.match(reference.strip())
    if match is None:
        return None
    return int(match[1]), int(match[2])


def stale_claim(*, state: ReceiptState, claimed_at: datetime | None, now: datetime, lease_seconds: int) -> bool:
    """A claim older than the lease: its worker died between the two halves (or is far too slow)."""
    return (
        state is ReceiptState.CLAIMED and claimed_at is not None and (now - claimed_at).total_seconds() > lease_seconds
    )


def after_stale_claim(attempts: int) -> ReceiptState:
    return ReceiptState.FAILED if attempts >= MAX_ATTEMPTS else ReceiptState.PENDING


def seal(*, actor: Actor, data: dict[str, Any], access_code: str = "") -> str:
    """The caller as authenticated and the request as validated, as JSON (kept encrypted in the receipt).

    ``access_code``: the consumer's access code, given in the portal's answer before the case exists; the worker
    sets its hash on the complaint and sends it in the notice, so the consumer never sees two codes. Apart from
    the request's fields: a resubmission with the same form is the same request, whatever code it was offered."""
    who = {
        "kind": actor.kind.value,
        "user_id": actor.user_id,
        "label": actor.label,
        "insurer_id": actor.insurer_id,
        "branch_id": actor.branch_id,
        "staff_id": actor.staff_id,
        "consumer_id": actor.consumer_id,
        "partner_id": actor.partner_id,
        "partner_key_id": actor.partner_key_id,
        "mediation_organisation_id": actor.mediation_organisation_id,
        "roles": sorted(role.value for role in actor.roles),
    }
    content: dict[str, Any] = {"actor": who, "data": data}
    if access_code:
        content["access_code"] = access_code
    return json.dumps(content, ensure_ascii=False, sort_keys=True)


def unseal(sealed: str) -> tuple[Actor, dict[str, Any]]:
    """(the caller, the request's fields) from ``seal``'s JSON."""
    content = json.loads(sealed)
    who = dict(content["actor"])
    actor = Actor(
        **{name: value for name, value in who.items() if name not in {"kind", "roles"}},
        kind=ActorKind(who["kind"]),
        roles=frozenset(Role(role) for role in who["roles"]),
    )
    return actor, dict(content["data"])


def sealed_access_code(sealed: str) -> str:
    """The access code ``seal`` kept, or "" (receipts of the API carry none: the registration makes one)."""
    return str(json.loads(sealed).get("access_code", ""))


def request_hash(data: dict[str, Any]) -> str:
    """Of the validated request: the same Idempotency-Key with a different request is refused."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
