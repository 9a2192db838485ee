from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, key)


@register.simple_tag
def waiting_for(actor: Any) -> dict[str, int]:
    """What waits for this staff member: unread notices in their inbox, extension requests to approve."""
    from xiaobao.complaints.selectors import approvals_waiting
    from xiaobao.notifications.selectors import unread_count

    return {"inbox": unread_count(actor), "approvals": approvals_waiting(actor)}
