"""The permission matrix: run one check across the five kinds of actor (DESIGN.md Style 4).

    cast = Cast.build(world, Role.SUPERVISOR)
    assert_matrix(cast, lambda actor: branch_for(actor, branch.pk), allowed={"staff_with_role"})

``attempt(actor)`` is *allowed* when it returns a truthy value, *refused* when
it returns a falsy value or raises ``NotFound``/``PermissionDenied``. Any other
exception fails the test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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
        from django.contrib.auth import get_user_model

        from tests.support.world import make_consumer

        ours, theirs = world.ours, world.theirs  # type: ignore[attr-defined]
        consumer = make_consumer(insurer_ids=[ours.insurer.pk], name="李四")
        user = get_user_model().objects.create_user(username=f"consumer-{consumer.pk}", password="x" * 12)
        consumer.user = user
        consumer.save(update_fields=["user"])
        return cls(
            anonymous=ANONYMOUS,
            consumer=actor_for_user(user),
            other_insurer_staff=theirs.staff(*roles)[1],
            staff_without_role=ours.staff()[1],
            staff_with_role=ours.staff(*roles)[1],
        )

    def items(self) -> list[tuple[str, Actor]]:
        return [(name, getattr(self, name)) for name in ACTOR_KINDS]


def outcome(attempt: Callable[[Actor], object], actor: Actor) -> str:
    try:
        result = attempt(actor)
    except (NotFound, PermissionDenied):
        return "refused"
    return "allowed" if result else "refused"


def assert_matrix(cast: Cast, attempt: Callable[[Actor], object], allowed: set[str] | frozenset[str]) -> None:
    unknown = set(allowed) - set(ACTOR_KINDS)
    assert not unknown, f"unknown actor kinds {unknown}"
    expected = {name: ("allowed" if name in allowed else "refused") for name in ACTOR_KINDS}
    actual = {name: outcome(attempt, actor) for name, actor in cast.items()}
    assert actual == expected
