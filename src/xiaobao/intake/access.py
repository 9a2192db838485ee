"""The gate to drafts: a consumer reads only their own, and only until it expires."""

from __future__ import annotations

from xiaobao.intake.models import Draft
from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.ops import clock


def draft_of(actor: Actor, insurer_id: int, kind: str, *, for_update: bool = False) -> Draft | None:
    """The consumer's unexpired draft of this form for this insurer, or None (anyone else: None)."""
    if actor.kind is not ActorKind.CONSUMER or actor.consumer_id is None:
        return None
    found = Draft.objects.filter(
        consumer_id=actor.consumer_id, insurer_id=insurer_id, kind=kind, expires_at__gt=clock.now()
    )
    return (found.select_for_update() if for_update else found).first()
