"""What the regulator's aggregates may show of a count (CMP-S2; the security review of issue #18; ADR 0019,
addendum). Pure.

A small count names people: three complaints of one reason at one insurer, two of them by disabled complainants,
point at a handful of consumers someone may know. So, for a threshold ``k`` (``XIAOBAO_REPORT_MIN_CELL``, 5):

- 0 is shown as 0 (nobody is no one);
- 1 to k − 1 is hidden and shown as "<k";
- every other count is rounded to the nearest multiple of k (half up: 7 → 5, 8 → 10), so a total minus the
  rows shown beside it never gives back a hidden count exactly;
- a rate is worked out from the shown counts, and not shown when its numerator or denominator is hidden.
"""

from __future__ import annotations

DEFAULT_MIN_CELL = 5


def shown_count(value: int, min_cell: int) -> int | None:
    """The count as published: ``None`` when hidden, else rounded to a multiple of ``min_cell``."""
    if min_cell <= 1 or value == 0:
        return value
    if value < min_cell:
        return None
    return min_cell * ((value + min_cell // 2) // min_cell)


def shown_text(value: int | None, min_cell: int) -> str:
    """A published count as written: the number, or "<k" for a hidden one."""
    return f"<{min_cell}" if value is None else str(value)
