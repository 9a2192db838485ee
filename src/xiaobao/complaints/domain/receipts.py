"""Write-behind intake (issue #20, ADR 0023): the receipt a complaint is acknowledged with, before it is registered.

The request records one receipt and answers with its reference; a worker registers the complaint from it
later, through the same actions (CMP-A1, CMP-T1). The states, the sealing and the hash are every kind of
receipt's (``xiaobao.kernel.receipts``); a complaint's reference is ``LN-2026-W000123``.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from xiaobao.kernel import receipts as _shared
from xiaobao.kernel.actors import Actor
from xiaobao.kernel.receipts import (
    FINAL_STATES,
    MAX_ATTEMPTS,
    CallerView,
    ReceiptState,
    after_stale_claim,
    caller_view,
    request_hash,
    seal,
    stale_claim,
    unseal,
)

PREFIX, MARK = "LN", "W"


def receipt_reference(receipt_id: int, received_on: date) -> str:
    """``LN-2026-W000123``: the year the complaint was received (Asia/Shanghai) and the receipt's number; the W
    tells it from a registered case's reference (``LN-2026-000045``)."""
    return _shared.receipt_reference(receipt_id, received_on, prefix=PREFIX, mark=MARK)


def parse_receipt_reference(reference: str) -> tuple[int, int] | None:
    """(year, receipt id) of a well-formed complaint receipt reference, else None."""
    return _shared.parse_receipt_reference(reference, prefix=PREFIX, mark=MARK)


def seal_with_access_code(*, actor: Actor, data: dict[str, Any], access_code: str) -> str:
    """``seal``, with the consumer's access code given in the portal's answer before the case exists: the worker
    sets its hash on the complaint and sends it in the notice, so the consumer never sees two codes. Apart from
    the request's fields (and so from its hash): a resubmission of the same form is the same request, whatever
    code it was offered."""
    content = json.loads(seal(actor=actor, data=data))
    if access_code:
        content["access_code"] = access_code
    return json.dumps(content, ensure_ascii=False, sort_keys=True)


def sealed_access_code(sealed: str) -> str:
    """The access code ``seal_with_access_code`` kept, or "" (receipts of the API carry none: the registration
    makes one)."""
    return str(json.loads(sealed).get("access_code", ""))


__all__ = [
    "FINAL_STATES",
    "MAX_ATTEMPTS",
    "CallerView",
    "ReceiptState",
    "after_stale_claim",
    "caller_view",
    "parse_receipt_reference",
    "receipt_reference",
    "request_hash",
    "seal",
    "seal_with_access_code",
    "sealed_access_code",
    "stale_claim",
    "unseal",
]
