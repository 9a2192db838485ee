"""Administrators keep the document checklists (admin site); each change is in the audit log."""

from __future__ import annotations

from django.db import transaction

from xiaobao.audit.recorder import record
from xiaobao.claims import events
from xiaobao.claims.models import ChecklistItem
from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.kernel.errors import PermissionDenied


@transaction.atomic
def checklist_item_save(*, actor: Actor, item: ChecklistItem, changed_by: str) -> ChecklistItem:
    """Save an item (new or changed) and record what it now says and who changed it."""
    if actor.kind is not ActorKind.SYSTEM:
        raise PermissionDenied()  # the platform's administrators, through the admin site
    first = item.pk is None
    item.save()
    record(
        event_type=events.CHECKLIST_CHANGED,
        actor=actor,
        subject=item,
        insurer_id=None,
        first=first,
        new={
            "by": changed_by,
            "line": item.product_line,
            "type": item.claim_type,
            "code": item.code,
            "name": item.name,
            "required": item.required,
            "waivable": item.waivable_in_green_channel,
        },
    )
    return item
