"""The one gate to complaints: tenant, role and recusal (CMP-R1), in one place.

- staff see their insurer's complaints, except those in which they have a
  direct interest (named in it, sold the policy, declared a conflict);
- a handler *handles* only complaints assigned to them; a supervisor any;
- a consumer sees their own complaints; a partner sees only what was
  forwarded to it (``forwards_for``).
Not found and not allowed give the same answer.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from xiaobao.audit.models import ChainHead
from xiaobao.casework import receipts
from xiaobao.complaints.models import (
    Complaint,
    Conflict,
    Deadline,
    Extension,
    PartnerForward,
    Receipt,
    SavedQueueView,
)
from xiaobao.identity.access import one, tenant_scoped
from xiaobao.identity.domain.permissions import Permission, staff_may
from xiaobao.kernel.actors import Actor, ActorKind, Role
from xiaobao.kernel.errors import NotFound


def interested_complaint_ids(actor: Actor) -> set[int]:
    """Complaints in which this staff member has a direct interest (CMP-R1): three small indexed lookups,
    sent as one query."""
    staff_id = actor.staff_id
    if staff_id is None:
        return set()
    named = Complaint.involved_staff.through.objects.filter(staff_id=staff_id).values_list("complaint_id", flat=True)
    sold = Complaint.objects.filter(policy_seller_id=staff_id).values_list("pk", flat=True)
    declared = Conflict.objects.filter(staff_id=staff_id, kind=Conflict.DECLARED).values_list("complaint_id", flat=True)
    return set(named.union(sold, declared))


def complaints_for(actor: Actor, permission: Permission = Permission.VIEW_COMPLAINTS) -> QuerySet[Complaint]:
    complaints = Complaint.objects.all()
    if actor.kind is ActorKind.SYSTEM:
        return complaints
    if actor.kind is ActorKind.CONSUMER and permission is Permission.VIEW_COMPLAINTS:
        return complaints.filter(complainant_id=actor.consumer_id or 0)
    if not staff_may(actor, permission):
        return complaints.none()
    scoped = tenant_scoped(complaints, actor, permission)
    interested = interested_complaint_ids(actor)
    if interested:
        scoped = scoped.exclude(pk__in=interested)
    if permission is Permission.HANDLE_COMPLAINTS and not actor.has_role(Role.SUPERVISOR):
        scoped = scoped.filter(handler_id=actor.staff_id)
    return scoped


def complaint_for_system(complaint_id: Any) -> Complaint:
    """Intake channels append to a case they identified themselves (by reference and sender)."""
    return one(Complaint.objects.all(), complaint_id, for_update=True)


def complaint_for(
    actor: Actor, complaint_id: Any, permission: Permission = Permission.VIEW_COMPLAINTS, *, for_update: bool = False
) -> Complaint:
    return one(complaints_for(actor, permission), complaint_id, for_update=for_update)


def complaint_of_complainant(actor: Actor, complaint_id: Any, *, for_update: bool = False) -> Complaint:
    """For the complainant's own steps (withdraw, ask for review)."""
    if actor.kind is not ActorKind.CONSUMER:
        return one(Complaint.objects.none(), complaint_id)
    return one(Complaint.objects.filter(complainant_id=actor.consumer_id or 0), complaint_id, for_update=for_update)


def extensions_for(actor: Actor, permission: Permission = Permission.APPROVE_EXTENSIONS) -> QuerySet[Extension]:
    extensions = tenant_scoped(Extension.objects.all(), actor, permission, insurer_field="insurer_id_copy")
    if actor.kind is ActorKind.STAFF:
        extensions = extensions.exclude(requested_by_id=actor.staff_id)  # nobody approves their own request
        extensions = extensions.exclude(complaint_id__in=interested_complaint_ids(actor))
    return extensions


def extension_for(actor: Actor, extension_id: Any, *, for_update: bool = False) -> Extension:
    return one(extensions_for(actor), extension_id, for_update=for_update)


def open_deadlines_for(actor: Actor) -> QuerySet[Deadline]:
    """The active deadlines of the complaints the actor may see — the queue's starting point.

    The same policy as ``complaints_for`` (tenant, role, recusal), stated on the
    deadline rows so the queue walks the (insurer, active, due) index in order.
    """
    deadlines = Deadline.objects.filter(active=True)
    if actor.kind is ActorKind.SYSTEM:
        return deadlines
    if actor.kind is not ActorKind.STAFF or not staff_may(actor, Permission.VIEW_COMPLAINTS):
        return deadlines.filter(complaint__in=complaints_for(actor).values("pk"))
    deadlines = deadlines.filter(insurer_id_copy=actor.insurer_id or 0)
    interested = interested_complaint_ids(actor)
    return deadlines.exclude(complaint_id__in=interested) if interested else deadlines


def saved_views_for(actor: Actor) -> QuerySet[SavedQueueView]:
    """A staff member's own saved queue views; nobody sees another's (not even a supervisor)."""
    if actor.kind is not ActorKind.STAFF or not staff_may(actor, Permission.VIEW_COMPLAINTS):
        return SavedQueueView.objects.none()
    return SavedQueueView.objects.filter(staff_id=actor.staff_id or 0, insurer_id=actor.insurer_id or 0)


def saved_view_for(actor: Actor, view_id: Any, *, for_update: bool = False) -> SavedQueueView:
    return one(saved_views_for(actor), view_id, for_update=for_update)


def forwards_for(actor: Actor) -> QuerySet[PartnerForward]:
    if actor.kind is ActorKind.PARTNER:
        return PartnerForward.objects.filter(partner_id=actor.partner_id or 0)
    return tenant_scoped(
        PartnerForward.objects.all(), actor, Permission.VIEW_COMPLAINTS, insurer_field="insurer_id_copy"
    )


def forward_for(actor: Actor, forward_id: Any, *, for_update: bool = False) -> PartnerForward:
    return one(forwards_for(actor), forward_id, for_update=for_update)


def complaint_by_reference_and_code(reference: str, code: str) -> Complaint:
    """The complaint this reference and access code open; a wrong code looks exactly like an unknown reference."""
    import hmac

    from xiaobao.complaints.actions import access_code_hash

    complaint = Complaint.objects.filter(reference=reference.strip().upper()).select_related("complainant").first()
    expected = access_code_hash(reference.strip().upper(), code)
    if complaint is None or not hmac.compare_digest(complaint.access_code_hash, expected):
        raise NotFound()
    return complaint


@dataclass(frozen=True)
class TrackingKey:
    complaint_id: int
    complainant_id: int
    version: int | None  # how many events its audit chain holds: every change adds one


def tracked_key(reference: str, *, opened: Collection[int], actor: Actor) -> TrackingKey:
    """The key of a complaint this browser may follow: one it opened with its access code (or filed), or the
    signed-in complainant's own; NotFound otherwise — as for an unknown number (CMP-2)."""
    key = _tracking_key(reference)
    if key is None:
        raise NotFound()
    if key.complaint_id in opened or (actor.kind is ActorKind.CONSUMER and actor.consumer_id == key.complainant_id):
        return key
    raise NotFound()


def complaint_of_key(key: TrackingKey) -> Complaint:
    """The complaint behind a key ``tracked_key`` gave."""
    return Complaint.objects.select_related("insurer").get(pk=key.complaint_id)


def _tracking_key(reference: str) -> TrackingKey | None:
    """The complaint with this reference, its complainant and its timeline version, in one light query
    (the tracking page asks on every view)."""
    complaint, head = Complaint._meta, ChainHead._meta
    sql = (
        f"SELECT c.id, c.complainant_id, h.sequence FROM {complaint.db_table} c "  # noqa: S608  (table names only)
        f"LEFT JOIN {head.db_table} h ON h.subject_type = %s AND h.subject_id = CAST(c.id AS varchar(64)) "
        "WHERE c.reference = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [complaint.label_lower, reference])
        row = cursor.fetchone()
    return TrackingKey(*row) if row else None


def receipt_for(actor: Actor, reference: str) -> Receipt:
    """A write-behind receipt (ADR 0023), for the caller that posted it only: anyone else, staff of the same
    insurer included, gets the answer of a reference that does not exist."""
    receipt = None if actor.kind is ActorKind.ANONYMOUS else receipts.for_caller(Receipt, actor, reference, "complaint")
    if receipt is None:
        raise NotFound()
    return receipt


def _receipt_by_reference(reference: str) -> Receipt | None:
    receipt_id = Receipt.parse_reference(reference.strip().upper())
    if receipt_id is None:
        return None
    receipt = Receipt.objects.select_related("complaint", "insurer").filter(pk=receipt_id).first()
    return receipt if receipt is not None and receipt.reference == reference.strip().upper() else None


def receipt_by_reference_and_code(reference: str, code: str) -> Receipt:
    """The portal receipt this reference and the access code given with it open (before its case exists, and
    after: the receipt leads to it); a wrong code looks exactly like an unknown reference (CMP-2)."""
    import hmac

    from xiaobao.complaints.domain.receipts import sealed_access_code

    receipt = _receipt_by_reference(reference)
    kept = sealed_access_code(receipt.payload) if receipt is not None else ""
    if receipt is None or not kept or not hmac.compare_digest(kept, code.strip()):
        raise NotFound()
    return receipt


def tracked_receipt(reference: str, *, opened: Collection[int], actor: Actor) -> Receipt:
    """A portal receipt this browser may follow: one it opened with its access code, or the consumer's own —
    signed in or their phone checked (the receipt's caller); NotFound otherwise, as for an unknown reference.
    A typed reference alone proves nothing."""
    receipt = _receipt_by_reference(reference)
    if receipt is None:
        raise NotFound()
    own = actor.kind is ActorKind.CONSUMER and actor.consumer_id is not None and receipt.caller == actor.audit_id
    if receipt.pk in opened or own:
        return receipt
    raise NotFound()


def receipts_owed_to(actor: Actor) -> QuerySet[Receipt]:
    """A consumer's complaints received and not (yet) registered, for their own list: being registered, or
    refused (they read why)."""
    if actor.kind is not ActorKind.CONSUMER or actor.consumer_id is None:
        return Receipt.objects.none()
    return Receipt.objects.filter(caller=actor.audit_id).exclude(state="done").select_related("insurer")


def receipt_of_caller(caller: str, idempotency_key: str) -> Receipt | None:
    """The receipt a caller's earlier request with this Idempotency-Key left."""
    return receipts.of_caller(Receipt, caller, idempotency_key)


def receipt_to_register(receipt_id: int) -> Receipt | None:
    """The intake worker's receipt, locked for its registration (the worker is the system: no tenant filter)."""
    return receipts.locked(Receipt, receipt_id)
