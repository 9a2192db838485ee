from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest

from tests.conftest import World
from xiaobao.callbacks import actions
from xiaobao.callbacks.actions import CallbackAsked
from xiaobao.callbacks.domain.languages import CallLanguage
from xiaobao.callbacks.domain.timing import Slot
from xiaobao.callbacks.models import CallbackRequest
from xiaobao.kernel.actors import ANONYMOUS, Actor

_presses = itertools.count(1)

Ask = Callable[..., CallbackRequest]


@pytest.fixture
def ask(world: World) -> Ask:
    """A press of "Call me back" at ``ours`` (or ``insurer_id``), anonymous unless an actor is given."""

    def pressed(
        *,
        actor: Actor = ANONYMOUS,
        insurer_id: int | None = None,
        key: str | None = None,
        client: str = "198.51.100.7",
        **asked: object,
    ) -> CallbackRequest:
        values: dict[str, object] = {"phone": "13800138001", "slot": Slot.SOON, "language": CallLanguage.MANDARIN}
        values.update(asked)
        return actions.callback_request(
            actor=actor,
            insurer_id=insurer_id or world.ours.insurer.pk,
            asked=CallbackAsked(**values),  # type: ignore[arg-type]
            idempotency_key=key or f"press-{next(_presses)}",
            client=client,
        )

    return pressed
