"""The hash of one audit event: pure, so anyone can recompute it.

``hash = SHA-256(prev_hash ‖ canonical JSON of the event's content)``. The
content is every stored column except the row id and the hash itself, so a
change to any of them, a removed event or an inserted one breaks the chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

GENESIS = "0" * 64


def canonical(content: Mapping[str, Any]) -> bytes:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def event_hash(prev_hash: str, content: Mapping[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + canonical(content)).hexdigest()
