"""The name of a spoken text (INC-E2): HMAC-SHA256 over voice, language and text with a server key.

The key names the audio's URL and its file in the cache. Keyed with a secret, it cannot be computed from a
text someone knows or guesses, nor enumerated: a key is learnt only from a page the server rendered.
"""

from __future__ import annotations

import hashlib
import hmac
import re

KEY_PATTERN = re.compile(r"[0-9a-f]{64}")
_PURPOSE = b"xiaobao.speech.v1"


def speech_secret(server_key: bytes) -> bytes:
    """The key of the speech names, derived from a server key so that no other use shares it."""
    return hmac.new(server_key, _PURPOSE, hashlib.sha256).digest()


def speech_key(secret: bytes, *, language: str, voice: str, text: str) -> str:
    """64 hex digits naming ``text`` spoken by ``voice`` for a page in ``language``.

    The parts are length-prefixed, so no two different (language, voice, text) give the same message."""
    message = b"".join(
        len(part).to_bytes(4, "big") + part for part in (language.encode(), voice.encode(), text.encode())
    )
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def is_key(candidate: str) -> bool:
    return KEY_PATTERN.fullmatch(candidate) is not None
