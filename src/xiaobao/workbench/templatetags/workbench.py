from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, key)


@register.simple_tag
def waiting_for(actor: Any) -> dict[str, int]:
    """What waits for this staff member: unread notices in their inbox, extension requests to approve; and
    whether the claims queue is theirs to open (a link that answers 404 is not shown)."""
    from xiaobao.complaints.selectors import approvals_waiting
    from xiaobao.identity.domain.permissions import Permission, staff_may
    from xiaobao.notifications.selectors import unread_count

    return {
        "inbox": unread_count(actor),
        "approvals": approvals_waiting(actor),
        "claims": int(staff_may(actor, Permission.HANDLE_CLAIMS)),
        "call_backs": int(staff_may(actor, Permission.HANDLE_CALLBACKS)),
        "data_requests": int(staff_may(actor, Permission.HANDLE_DATA_REQUESTS)),
        "administration": int(staff_may(actor, Permission.ADMINISTER_INSURER)),
        "data_reads": int(staff_may(actor, Permission.VIEW_PERSONAL_DATA_LOG)),
        "breaches": int(staff_may(actor, Permission.HANDLE_BREACHES)),
        "mediation": int(staff_may(actor, Permission.VIEW_PARTNERS)),
    }
