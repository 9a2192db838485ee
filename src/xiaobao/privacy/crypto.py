"""Field encryption and blind indexing (SEC-1, PI-4). No Django here.

Ciphertext format: ``xb1$<key id>$<base64url(nonce ‖ AES-256-GCM ciphertext ‖ tag)>``.
The key id travels with the ciphertext so keys can rotate: the first key of
the ring encrypts, every key of the ring decrypts. The *context* (model and
field) is bound as associated data, so a ciphertext copied into another column
does not decrypt.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "xb1"
_NONCE_BYTES = 12


class DecryptionError(Exception):
    """A stored value cannot be decrypted: unknown key id, wrong context or tampering."""


class Keyring:
    def __init__(self, keys: Mapping[str, bytes]) -> None:
        if not keys:
            raise ValueError("a keyring needs at least one key")
        self._keys = dict(keys)
        self.current_id = next(iter(self._keys))
        self._ciphers = {key_id: AESGCM(key) for key_id, key in self._keys.items()}

    def encrypt(self, plaintext: str, *, context: str) -> str:
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._ciphers[self.current_id].encrypt(nonce, plaintext.encode("utf-8"), context.encode("utf-8"))
        body = base64.urlsafe_b64encode(nonce + sealed).decode("ascii").rstrip("=")
        return f"{PREFIX}${self.current_id}${body}"

    def decrypt(self, token: str, *, context: str) -> str:
        key_id = self.key_id_of(token)
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise DecryptionError(f"no key with id {key_id!r} in the keyring")
        body = token.split("$", 2)[2]
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        try:
            plain = cipher.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], context.encode("utf-8"))
        except InvalidTag as error:
            raise DecryptionError(f"value for {context} fails authentication") from error
        return plain.decode("utf-8")

    @staticmethod
    def key_id_of(token: str) -> str:
        parts = token.split("$", 2)
        if len(parts) != 3 or parts[0] != PREFIX:
            raise DecryptionError("not an xiaobao ciphertext")
        return parts[1]

    def is_current(self, token: str) -> bool:
        return self.key_id_of(token) == self.current_id

    def wrap(self, data_key: bytes, *, context: bytes) -> tuple[str, bytes]:
        """``data_key`` sealed under the current key (envelope encryption of a file): the key id and
        ``nonce ‖ ciphertext ‖ tag``, bound to ``context`` (the rest of the file's header)."""
        nonce = os.urandom(_NONCE_BYTES)
        return self.current_id, nonce + self._ciphers[self.current_id].encrypt(nonce, data_key, context)

    def unwrap(self, key_id: str, wrapped: bytes, *, context: bytes) -> bytes:
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise DecryptionError(f"no key with id {key_id!r} in the keyring")
        try:
            return cipher.decrypt(wrapped[:_NONCE_BYTES], wrapped[_NONCE_BYTES:], context)
        except InvalidTag as error:
            raise DecryptionError("the file's data key fails authentication") from error


class BlindIndexer:
    """HMAC-SHA256 of a normalised value: exact lookup without storing the value."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def index(self, kind: str, normalised: str) -> str:
        message = f"{kind}\x1f{normalised}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()
