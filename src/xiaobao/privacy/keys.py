"""The process's keyring and blind indexer, built from settings once."""

from __future__ import annotations

from functools import cache

from django.conf import settings

from xiaobao.privacy.crypto import BlindIndexer, Keyring


@cache
def keyring() -> Keyring:
    return Keyring(settings.XIAOBAO_ENCRYPTION_KEYS)


@cache
def blind_indexer() -> BlindIndexer:
    return BlindIndexer(settings.XIAOBAO_BLIND_INDEX_KEY)


def reset() -> None:
    """Forget the cached keys (after settings change: tests, key rotation)."""
    keyring.cache_clear()
    blind_indexer.cache_clear()
