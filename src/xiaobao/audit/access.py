"""Who may read the audit log: auditors and compliance within their own insurer."""

from __future__ import annotations

from django.db.models import QuerySet

from xiaobao.audit.models import AuditEvent
from xiaobao.identity.access import tenant_scoped
from xiaobao.identity.domain.permissions import Permission
from xiaobao.kernel.actors import Actor


def audit_events_for(actor: Actor) -> QuerySet[AuditEvent]:
    return tenant_scoped(AuditEvent.objects.all(), actor, Permission.VIEW_AUDIT, insurer_field="insurer_id")
