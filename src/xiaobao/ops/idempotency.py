"""Retried creates return their first result (the API's ``Idempotency-Key``; portal form tokens).

The key is remembered per scope and caller in the create's own transaction, with a
hash of the request: the same key with a different request is refused, not guessed at.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, is_dataclass
from typing import Any

from xiaobao.kernel.errors import InvalidInput
from xiaobao.kernel.i18n import _
from xiaobao.ops.models import IdempotentRequest

MAX_KEY_LENGTH = 128
"""As long as ``IdempotentRequest.key`` holds; the API header says so too (``ops.schemas.IdempotencyKey``)."""


class IdempotencyKeyInvalid(InvalidInput):
    code = "idempotency_key_invalid"
    default_message = _("An Idempotency-Key is 1 to %(limit)s printable ASCII characters.")

    def __init__(self) -> None:
        super().__init__(limit=MAX_KEY_LENGTH)


def check_key(key: str) -> None:
    """A key the table can keep, on every database: not too long, no control characters, no NUL."""
    if not 0 < len(key) <= MAX_KEY_LENGTH or not (key.isascii() and key.isprintable()):  # " " to "~"
        raise IdempotencyKeyInvalid()


class IdempotencyKeyReused(InvalidInput):
    code = "idempotency_key_reused"
    default_message = _("This Idempotency-Key was already used for a different request.")


def request_hash(*parts: Any) -> str:
    """A stable hash of a create's input (dataclasses and plain values)."""
    payload = [asdict(part) if is_dataclass(part) and not isinstance(part, type) else part for part in parts]
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def previous_result(scope: str, caller: str, key: str, hashed: str) -> int | None:
    """The id the first request with this key created, or None; a different request under the key is refused."""
    check_key(key)
    seen = IdempotentRequest.objects.filter(scope=scope, caller=caller, key=key).first()
    if seen is None:
        return None
    if seen.request_hash != hashed:
        raise IdempotencyKeyReused()
    return seen.result_id


def remember(scope: str, caller: str, key: str, hashed: str, result_id: int) -> None:
    """Call inside the create's transaction; a concurrent twin fails on the unique constraint and retries."""
    IdempotentRequest.objects.create(scope=scope, caller=caller, key=key, request_hash=hashed, result_id=result_id)
