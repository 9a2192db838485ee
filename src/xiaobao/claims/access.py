"""The one gate to claims: staff of the insurer with the role; a claimant sees their own claims."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db.models import QuerySet

from xiaobao.casework import receipts
from xiaobao.claims.models import ChecklistItem, ChecklistItemWording, Claim, ClaimReceipt, DocumentReceipt
from xiaobao.identity.access import one, tenant_scoped
from xiaobao.identity.domain.permissions import Permission
from xiaobao.kernel.actors import Actor, ActorKind
from xiaobao.kernel.errors import NotFound


def claims_for(actor: Actor, permission: Permission = Permission.VIEW_CLAIMS) -> QuerySet[Claim]:
    if actor.kind is ActorKind.CONSUMER and permission is Permission.VIEW_CLAIMS:
        return Claim.objects.filter(claimant_id=actor.consumer_id or 0)
    return tenant_scoped(Claim.objects.all(), actor, permission)


def claim_for(
    actor: Actor, claim_id: Any, permission: Permission = Permission.VIEW_CLAIMS, *, for_update: bool = False
) -> Claim:
    return one(claims_for(actor, permission), claim_id, for_update=for_update)


def claim_id_of_claimant(actor: Actor, reference: str) -> int:
    """The id of the consumer's own claim with this reference; NotFound for anyone else's or none."""
    if actor.kind is not ActorKind.CONSUMER:
        raise NotFound()
    found = Claim.objects.filter(reference=reference, claimant_id=actor.consumer_id or 0).values_list("pk", flat=True)
    claim_id = found.first()
    if claim_id is None:
        raise NotFound()
    return claim_id


def claim_by_reference_and_code(reference: str, code: str) -> Claim:
    """The claim this reference and access code open; a wrong code looks exactly like an unknown reference."""
    import hmac

    from xiaobao.claims.actions import access_code_hash

    reference = reference.strip().upper()
    claim = Claim.objects.filter(reference=reference).first()
    if claim is None or not claim.access_code_hash:
        raise NotFound()
    if not hmac.compare_digest(claim.access_code_hash, access_code_hash(reference, code)):
        raise NotFound()
    return claim


def claim_id_opened(reference: str, opened: Collection[int]) -> tuple[int, int]:
    """(claim id, claimant id) of a claim this browser opened with its access code; NotFound otherwise."""
    found = Claim.objects.filter(reference=reference, pk__in=list(opened)).values_list("pk", "claimant_id").first()
    if found is None:
        raise NotFound()
    return found


def claim_of_claimant(actor: Actor, claim_id: Any, *, for_update: bool = False) -> Claim:
    if actor.kind is not ActorKind.CONSUMER:
        return one(Claim.objects.none(), claim_id)
    return one(Claim.objects.filter(claimant_id=actor.consumer_id or 0), claim_id, for_update=for_update)


def checklist_of(insurer_id: int, product_line: str, claim_type: str) -> QuerySet[ChecklistItem]:
    """The document checklist in force for an insurer's claims of this kind (CLM-T1): the insurer's own when it
    keeps one for the kind, else the platform's. Public information — what a claimant must send — so no actor."""
    kind = ChecklistItem.objects.filter(product_line=product_line, claim_type=claim_type)
    own = kind.filter(insurer_id=insurer_id)
    return own if own.exists() else kind.filter(insurer__isnull=True)


def checklist_kept_by(actor: Actor, permission: Permission = Permission.ADMINISTER_INSURER) -> QuerySet[ChecklistItem]:
    """The checklist items the actor's insurer keeps itself (its administrator's page)."""
    return tenant_scoped(ChecklistItem.objects.all(), actor, permission)


def checklist_item_kept_by(actor: Actor, item_id: Any, *, for_update: bool = False) -> ChecklistItem:
    return one(checklist_kept_by(actor), item_id, for_update=for_update)


def wordings_of(items: list[ChecklistItem], language: str) -> dict[int, ChecklistItemWording]:
    """The wording of each item in a language other than Simplified Chinese, where one is kept."""
    found = ChecklistItemWording.objects.filter(item__in=items, language=language)
    return {wording.item_id: wording for wording in found}


def receipt_for(actor: Actor, reference: str) -> ClaimReceipt | DocumentReceipt:
    """A claim's (``CL-2026-W…``) or a document's (``CL-2026-D…``) write-behind receipt (ADR 0023), for the caller
    that posted it only: anyone else, staff of the same insurer included, gets the answer of a reference that
    does not exist."""
    if actor.kind is ActorKind.ANONYMOUS:
        raise NotFound()
    found: ClaimReceipt | DocumentReceipt | None = receipts.for_caller(ClaimReceipt, actor, reference, "claim")
    if found is None:
        found = receipts.for_caller(DocumentReceipt, actor, reference, "document")
    if found is None:
        raise NotFound()
    return found
