"""What a portal step keeps in the session between pages (typed details, a pending code): sealed with the key
ring, so the session store never holds them in plaintext."""

from __future__ import annotations

import json
from typing import Any

from xiaobao.privacy.keys import keyring


def seal(data: dict[str, Any]) -> str:
    return keyring().encrypt(json.dumps(data, ensure_ascii=False), context="portal.session")


def unseal(token: str | None) -> dict[str, Any] | None:
    """The sealed value, or None for a missing, stale or foreign one (the step starts again)."""
    if not token:
        return None
    try:
        loaded: dict[str, Any] = json.loads(keyring().decrypt(token, context="portal.session"))
    except Exception:
        return None
    return loaded
