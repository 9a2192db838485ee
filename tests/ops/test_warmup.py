"""A web worker is warmed and its long-lived objects frozen out of the garbage collector."""

from __future__ import annotations

import gc

from xiaobao.ops.warmup import warm_and_freeze


def test_warming_freezes_what_is_loaded_and_leaves_the_collector_little_to_walk() -> None:
    try:
        warm_and_freeze()
        frozen, left = gc.get_freeze_count(), len(gc.get_objects())
    finally:
        gc.unfreeze()  # the rest of the test process as it was
    assert frozen > 10_000  # modules, URL patterns, catalogues...
    assert left < frozen / 10
