"""Write-behind intake (issue #20, ADR 0023), shared by every kind of receipt (complaints, claims, documents).

The request records one receipt and answers with its reference; a worker does the rest from it later, through
the kind's own actions, exactly once. Pure: the states a receipt goes through, its reference, how the caller and
the request are sealed into it and read back, the hash that tells a retry from a different request.
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
    """pending → claimed (a worker took it) → done (the case is registered, the document attached) or refused
    (the registration refused it: a branch of another insurer, a claim not found). A claimed receipt whose worker died goes
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


def receipt_reference(receipt_id: int, received_on: date, *, prefix: str = "LN", mark: str = "W") -> str:
    """``LN-2026-W000123``: the kind's prefix, the year it was received (Asia/Shanghai) and the receipt's number;
    the mark (W) tells it from a registered case's reference (``LN-2026-000045``) and one kind from another."""
    return f"{prefix}-{received_on.year}-{mark}{receipt_id:06d}"


def parse_receipt_reference(reference: str, *, prefix: str = "LN", mark: str = "W") -> tuple[int, int] | None:
    """(year, receipt id) of a well-formed reference of this kind, else None."""
    pattern = re.compile(rf"^{re.escape(prefix)}-(\d{{4}})-{re.escape(mark)}(\d{{6,18}})$")
    match = pattern.match(reference.strip())
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


def seal(*, actor: Actor, data: dict[str, Any]) -> str:
    """The caller as authenticated and the request as validated, as JSON (kept encrypted in the receipt)."""
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
    return json.dumps({"actor": who, "data": data}, ensure_ascii=False, sort_keys=True)


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


def request_hash(data: dict[str, Any]) -> str:
    """Of the validated request: the same Idempotency-Key with a different request is refused."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
