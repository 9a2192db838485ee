"""Writes about personal data: revealing a full value is an action, checked and logged."""

from __future__ import annotations

from django.db import transaction

from xiaobao.audit.recorder import record
from xiaobao.identity import access
from xiaobao.identity.domain.permissions import Permission
from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.kernel.errors import InvalidInput, PermissionDenied
from xiaobao.kernel.i18n import _
from xiaobao.ops.context import request_id
from xiaobao.privacy import events
from xiaobao.privacy.models import PersonalDataAccess

REVEALABLE_FIELDS = ("name", "resident_id", "phone", "email")


@transaction.atomic
def personal_data_reveal(*, actor: Actor, consumer_id: int, field: str, reason: str) -> str:
    """Return one full value of a consumer's personal data, leaving a record of who saw it and why."""
    if field not in REVEALABLE_FIELDS:
        raise InvalidInput(_("This field cannot be revealed."))
    if actor.kind is not ActorKind.STAFF:
        raise PermissionDenied()
    consumer = access.consumer_for(actor, consumer_id, Permission.REVEAL_PERSONAL_DATA)
    if len(reason.strip()) < 5:
        raise InvalidInput(_("Say why you need to see the full value (at least 5 characters)."))
    assert actor.insurer_id is not None
    assert actor.staff_id is not None
    PersonalDataAccess.objects.create(
        insurer_id=actor.insurer_id,
        staff_id=actor.staff_id,
        consumer=consumer,
        field=field,
        reason=reason.strip(),
        request_id=request_id.get(),
    )
    record(
        event_type=events.PERSONAL_DATA_REVEALED,
        actor=actor,
        subject=consumer,
        insurer_id=actor.insurer_id,
        new={"field": field, "reason": reason.strip()},
    )
    value: str | None = getattr(consumer, field)
    return value or ""
