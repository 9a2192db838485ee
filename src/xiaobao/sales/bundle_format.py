"""The names and key id of a sale bundle, shared by the exporter and the offline verifier (no Django here)."""

from __future__ import annotations

import hashlib

FORMAT = "xiaobao-sale-bundle/1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
PUBLIC_KEY = "public_key.pem"
UNLISTED = frozenset({MANIFEST, SIGNATURE, PUBLIC_KEY})


def key_id_of(public_key_pem: bytes) -> str:
    """A short name for a public key: the first 16 hex digits of the SHA-256 of its PEM."""
    return hashlib.sha256(public_key_pem.strip()).hexdigest()[:16]
