"""An Idempotency-Key is 1 to 128 printable ASCII characters: what every database can keep and compare."""

from __future__ import annotations

import pytest

from xiaobao.ops.idempotency import MAX_KEY_LENGTH, IdempotencyKeyInvalid, check_key


@pytest.mark.parametrize("key", ["a", "order-2026/03/02 #7", " ~!", "x" * MAX_KEY_LENGTH])
def test_printable_ascii_keys_up_to_the_limit_are_kept(key: str) -> None:
    check_key(key)


@pytest.mark.parametrize(
    "key",
    ["", "x" * (MAX_KEY_LENGTH + 1), "a\x00b", "tab\tkey", "del\x7f", "投诉-1", "nbsp\u00a0", "line\n"],
    ids=["empty", "too-long", "nul", "tab", "del", "chinese", "nbsp", "newline"],
)
def test_anything_else_is_refused_with_the_limit_named(key: str) -> None:
    with pytest.raises(IdempotencyKeyInvalid) as refused:
        check_key(key)
    assert refused.value.params == {"limit": MAX_KEY_LENGTH}
