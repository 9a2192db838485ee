"""The permission matrix: run one check across the five kinds of actor (DESIGN.md Style 4).

    cast = Cast.build(world, Role.SUPERVISOR)
    assert_matrix(cast, lambda actor: branch_for(actor, branch.pk), allowed={"staff_with_role"})

``attempt(actor)`` is *allowed* when it returns a truthy value, *refused* when
it returns a falsy value or raises ``NotFound``/``PermissionDenied`` — and a refusal
must leave no row, audit event or notice behind (every table's count is compared).
Any other exception fails the test. When each attempt needs its own fresh case,
``given`` makes it first, outside the comparison, and the attempt receives it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from xiaobao.identity.actors import actor_for_user
from xiaobao.kernel.actors import ANONYMOUS, Actor, Role
from xiaobao.kernel.errors import NotFound, PermissionDenied

ACTOR_KINDS = ("anonymous", "consumer", "other_insurer_staff", "staff_without_role", "staff_with_role")


@dataclass
class Cast:
    anonymous: Actor
    consumer: Actor
    other_insurer_staff: Actor
    staff_without_role: Actor
    staff_with_role: Actor

    @classmethod
    def build(cls, world: object, *roles: Role) -> Cast:

        ours, theirs = world.ours, world.theirs  # type: ignore[attr-defined]
        user = consumer_with_account(ours.insurer.pk)
        return cls(
            anonymous=ANONYMOUS,
            consumer=actor_for_user(user),
            other_insurer_staff=theirs.staff(*roles)[1],
            staff_without_role=ours.staff()[1],
            staff_with_role=ours.staff(*roles)[1],
        )

    def items(self) -> list[tuple[str, Actor]]:
        return [(name, getattr(self, name)) for name in ACTOR_KINDS]


# Bookkeeping a refusal is meant to leave (a counted attempt) or that the test database keeps for itself.
NOT_CASE_DATA = frozenset({"RateLimitHit", "WorkerHeartbeat", "PeriodicRun", "LoadProbe"})


def row_counts() -> dict[str, int]:
    """How many rows each of xiaobao's tables holds: a refused attempt must leave every count as it was —
    no row, no audit event, no notice (DESIGN.md Style 4). Each model's default manager counts, as
    ``.count()`` would; all of them in one query (the matrix tests take this before and after every attempt)."""
    from django.apps import apps
    from django.db import connection

    querysets = {
        model.__name__: model._default_manager.order_by().values("pk")
        for model in apps.get_models()
        if model.__module__.startswith("xiaobao.") and model.__name__ not in NOT_CASE_DATA
    }
    columns: list[str] = []
    params: list[Any] = []
    for n, queryset in enumerate(querysets.values()):
        sql, query_params = queryset.query.sql_with_params()
        columns.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted_{n})")
        params.extend(query_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(columns), params)
        counts = cursor.fetchone()
    return dict(zip(querysets, (int(c) for c in counts), strict=True))


def outcome(attempt: Callable[[Actor], object], actor: Actor, given: Callable[[], object] | None = None) -> str:
    """Run the attempt (after ``given()`` set the stage, when there is one): "allowed", or "refused" having
    left every table as it was."""
    prepared = given() if given is not None else None
    before = row_counts()
    try:
        result = attempt(actor, prepared) if given is not None else attempt(actor)  # type: ignore[call-arg]
    except (NotFound, PermissionDenied):
        result = None
    if result:
        return "allowed"
    after = row_counts()
    left = {name: after[name] - before[name] for name in before if after[name] != before[name]}
    assert left == {}, f"{actor.kind.value} was refused but rows were left behind: {left}"
    return "refused"


def assert_matrix(
    cast: Cast,
    attempt: Callable[..., object],
    allowed: set[str] | frozenset[str],
    *,
    given: Callable[[], object] | None = None,
) -> None:
    """``attempt(actor)``, or ``attempt(actor, given())`` when the stage is set fresh for each actor."""
    unknown = set(allowed) - set(ACTOR_KINDS)
    assert not unknown, f"unknown actor kinds {unknown}"
    expected = {name: ("allowed" if name in allowed else "refused") for name in ACTOR_KINDS}
    actual = {name: outcome(attempt, actor, given) for name, actor in cast.items()}
    assert actual == expected


def consumer_with_account(insurer_id: int, name: str = "李四") -> Any:
    """A consumer of the insurer who signs in with an account of their own: the user to log in as."""
    from django.contrib.auth import get_user_model

    from tests.support.world import make_consumer

    consumer = make_consumer(insurer_ids=[insurer_id], name=name)
    user = get_user_model().objects.create_user(username=f"consumer-{consumer.pk}", password="x" * 12)
    consumer.user = user
    consumer.save(update_fields=["user"])
    return user
