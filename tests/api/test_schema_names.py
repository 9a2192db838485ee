"""Every schema the API publishes has its own name: two classes of one name would share one OpenAPI component,
and the published schema would be wrong for one of them (as ``TimelineOut`` once was for complaints)."""

from __future__ import annotations

from collections import defaultdict

from ninja import Schema

import xiaobao.config.api  # noqa: F401  (loads every app's API module)


def _subclasses(base: type) -> set[type]:
    found = set()
    for sub in base.__subclasses__():
        found.add(sub)
        found |= _subclasses(sub)
    return found


def test_no_two_api_schemas_share_a_name() -> None:
    by_name: dict[str, set[str]] = defaultdict(set)
    for schema in _subclasses(Schema):
        if schema.__module__.startswith("xiaobao."):
            by_name[schema.__name__].add(f"{schema.__module__}.{schema.__qualname__}")

    shared = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}

    assert shared == {}
