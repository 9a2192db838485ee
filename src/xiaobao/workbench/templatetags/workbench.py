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
    from xiaobao.outreach.selectors import items_awaiting_publication
    from xiaobao.sales.selectors import materials_awaiting_approval, sells
    from xiaobao.workbench.sales import may_open_sales_pages

    return {
        "inbox": unread_count(actor),
        "approvals": approvals_waiting(actor)
        + materials_awaiting_approval(actor).count()
        + len(items_awaiting_publication(actor)),
        "claims": int(staff_may(actor, Permission.HANDLE_CLAIMS)),
        "call_backs": int(staff_may(actor, Permission.HANDLE_CALLBACKS)),
        "data_requests": int(staff_may(actor, Permission.HANDLE_DATA_REQUESTS)),
        "administration": int(staff_may(actor, Permission.ADMINISTER_INSURER)),
        "data_reads": int(staff_may(actor, Permission.VIEW_PERSONAL_DATA_LOG)),
        "breaches": int(staff_may(actor, Permission.HANDLE_BREACHES)),
        "insights": int(staff_may(actor, Permission.VIEW_INSIGHTS)),
        "suitability": int(staff_may(actor, Permission.SELL)),
        "policies": int(staff_may(actor, Permission.SERVE_POLICIES)),
        "sales_keeping": int(may_open_sales_pages(actor)),
        "audit": int(staff_may(actor, Permission.VERIFY_AUDIT)),
        "reports": int(staff_may(actor, Permission.VIEW_REPORTS)),
        "sales": int(staff_may(actor, Permission.VIEW_SALES) or sells(actor)),
        "sale_quality": int(staff_may(actor, Permission.CHECK_SALES)),
        "mediation": int(staff_may(actor, Permission.VIEW_PARTNERS)),
        "education": int(staff_may(actor, Permission.MANAGE_EDUCATION)),
        "disclosure": int(
            staff_may(actor, Permission.PREPARE_DISCLOSURE) or staff_may(actor, Permission.APPROVE_DISCLOSURE)
        ),
    }
