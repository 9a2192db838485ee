"""The only writer of products, sales material and salespeople. Each change is in the audit log."""

from __future__ import annotations

import hashlib

from django.core.files.base import File
from django.db import transaction
from django.utils.translation import gettext

from xiaobao.audit.recorder import record
from xiaobao.complaints.domain.files import check_file
from xiaobao.identity import access as identity_access
from xiaobao.identity.domain.permissions import Permission, staff_may
from xiaobao.identity.models import Partner, Staff
from xiaobao.identity.selectors import staff_with
from xiaobao.kernel.actors import Actor, ActorKind, Role
from xiaobao.kernel.errors import InvalidInput, NotFound, PermissionDenied
from xiaobao.kernel.i18n import _
from xiaobao.notifications.actions import tell_staff
from xiaobao.ops import clock, idempotency, stored_files
from xiaobao.privacy.domain.identifiers import mask_name
from xiaobao.sales import access, events
from xiaobao.sales.domain import materials as rules
from xiaobao.sales.domain.grades import Grade
from xiaobao.sales.domain.materials import MaterialState
from xiaobao.sales.domain.tiers import ProductTraits, tier_of
from xiaobao.sales.models import Product, SalesMaterial, Salesperson

# --- products (SAL-1, SAL-S1) ---


def traits_of(product: Product) -> ProductTraits:
    return ProductTraits(
        complexity=product.complexity,
        premium_burden=product.premium_burden,
        risk=product.risk_level,
        investment_linked=product.investment_linked,
        uncertain_benefit=product.uncertain_benefit,
    )


@transaction.atomic
def product_save(*, actor: Actor, product: Product, changed_by: str, idempotency_key: str | None = None) -> Product:
    """Publish a new product page or change one; the event says who changed what.

    The platform's administrators (the admin site, as the system), or the insurer's own staff who keep its
    products (``MANAGE_PRODUCTS``) for that insurer only. The tier is decided from the product's assessments
    and properties (SAL-S1, ``sales.domain.tiers``), never typed. A new product sent twice under one
    ``idempotency_key`` is saved once."""
    if actor.kind is not ActorKind.SYSTEM:
        identity_access.require_for_insurer(actor, Permission.MANAGE_PRODUCTS, product.insurer_id)
        if product.pk is not None:  # the stored row is the actor's insurer's too, and stays there
            stored = access.product_kept_by(actor, product.pk, for_update=True)
            if stored.insurer_id != product.insurer_id:
                raise NotFound()
    first = product.pk is None
    hashed = idempotency.request_hash(product.insurer_id, product.code, product.name)
    if first and idempotency_key is not None:
        earlier = idempotency.previous_result("product_save", actor.audit_id, idempotency_key, hashed)
        if earlier is not None:
            return Product.objects.get(insurer_id=product.insurer_id, pk=earlier)
    old = {} if first else _described(Product.objects.select_for_update().get(pk=product.pk))
    product.tier = tier_of(traits_of(product))
    product.full_clean()
    product.save()
    if first and idempotency_key is not None:
        idempotency.remember("product_save", actor.audit_id, idempotency_key, hashed, product.pk)
    new = _described(product)
    record(
        event_type=events.PRODUCT_PUBLISHED if first else events.PRODUCT_CHANGED,
        actor=actor,
        subject=product,
        insurer_id=product.insurer_id,
        first=first,
        old={key: value for key, value in old.items() if new[key] != value},
        new={"by": changed_by, **{key: value for key, value in new.items() if old.get(key) != value}},
    )
    return product


def _described(product: Product) -> dict[str, object]:
    return {
        "code": product.code,
        "name": product.name,
        "line": product.product_line,
        "summary": product.summary,
        "terms_sha256": hashlib.sha256(product.terms.encode()).hexdigest(),
        "register_number": product.register_number,
        "register_url": product.register_url,
        "on_sale": product.on_sale,
        "tier": product.tier,
        "complexity": product.complexity,
        "premium_burden": product.premium_burden,
        "risk": product.risk_level,
        "term_months": product.term_months,
        "cooling_off_days": product.cooling_off_days,
        "uncertain_benefit": product.uncertain_benefit,
        "investment_linked": product.investment_linked,
    }


# --- sales material (SAL-1) ---


@stored_files.atomic
def material_register(
    *,
    actor: Actor,
    product_id: int,
    kind: str,
    title: str,
    text: str,
    file_name: str = "",
    content: bytes | File | None = None,  # type: ignore[type-arg]
    idempotency_key: str | None = None,
) -> SalesMaterial:
    """SAL-1: register a leaflet, script or web page for one of the insurer's products; it waits for approval
    by someone else before it may be used. The file is checked from its content, stored encrypted under its
    content address with its SHA-256; the same form sent twice registers one material."""
    if not staff_may(actor, Permission.REGISTER_SALES_MATERIAL) or actor.staff_id is None or actor.insurer_id is None:
        raise PermissionDenied()
    insurer_id: int = actor.insurer_id
    product = identity_access.one(Product.objects.filter(insurer_id=insurer_id), product_id)
    rules.check_content(text=text, has_file=content is not None)
    if kind not in set(rules.MaterialKind):
        raise InvalidInput(_("Choose the kind of material."))
    title = title.strip()
    if not title:
        raise InvalidInput(_("Give the material a title."))
    digest = stored_files.sha256_of(content) if content is not None else ""
    text_digest = hashlib.sha256(text.encode()).hexdigest()
    hashed = idempotency.request_hash(insurer_id, product.pk, kind, title, text_digest, digest)
    if idempotency_key is not None:
        earlier = idempotency.previous_result("material_register", actor.audit_id, idempotency_key, hashed)
        if earlier is not None:
            return SalesMaterial.objects.get(insurer_id=insurer_id, pk=earlier)
    material = SalesMaterial(
        insurer_id=insurer_id,
        product=product,
        kind=kind,
        title=title[:200],
        text=text,
        text_sha256=text_digest,
        registered_by_id=actor.staff_id,
        registered_at=clock.now(),
    )
    if content is not None:
        size = stored_files.size_of(content)
        material.content_type = check_file(file_name, size, stored_files.head_of(content))
        material.original_name, material.size, material.sha256 = file_name[:200], size, digest
        address = stored_files.address_of(material.file, digest)
        stored_files.store_once(material.file, f"sales/insurer-{insurer_id}/material-{address}", content, digest)
    material.save()
    if idempotency_key is not None:
        idempotency.remember("material_register", actor.audit_id, idempotency_key, hashed, material.pk)
    record(
        event_type=events.MATERIAL_REGISTERED,
        actor=actor,
        subject=material,
        insurer_id=insurer_id,
        first=True,
        new={
            "product": product.code,
            "kind": kind,
            "title": material.title,
            "text_sha256": text_digest,
            "sha256": digest,
            "size": material.size,
            "content_type": material.content_type,
        },
    )
    tell_staff(
        actor=actor,
        staff=[member for member in staff_with(insurer_id, Role.COMPLIANCE_OFFICER) if member.pk != actor.staff_id],
        reference=_material_reference(material),
        purpose="sales.material_to_approve",
        body=gettext("Sales material “%(title)s” for %(product)s waits for your approval.")
        % {"title": material.title, "product": product.name},
        insurer_id=insurer_id,
        about=material,
    )
    return material


def _material_reference(material: SalesMaterial) -> str:
    return f"SM-{material.pk}"


def _tell_registrant(actor: Actor, material: SalesMaterial, purpose: str, body: str) -> None:
    """The person who registered the material hears of the decision in their inbox."""
    registrant = [m for m in staff_with(material.insurer_id, *Role) if m.pk == material.registered_by_id]
    tell_staff(
        actor=actor,
        staff=registrant,
        reference=_material_reference(material),
        purpose=purpose,
        body=body,
        insurer_id=material.insurer_id,
        about=material,
    )


def _material_to_decide(actor: Actor, material_id: int) -> SalesMaterial:
    if not staff_may(actor, Permission.APPROVE_SALES_MATERIAL):
        raise NotFound() if not staff_may(actor, Permission.REGISTER_SALES_MATERIAL) else PermissionDenied()
    return access.material_for(actor, material_id, for_update=True)


@transaction.atomic
def material_approve(*, actor: Actor, material_id: int) -> SalesMaterial:
    """SAL-1, four eyes: compliance approves material someone else registered; from now on it may be used."""
    material = _material_to_decide(actor, material_id)
    rules.check_step(material.state, MaterialState.APPROVED)
    rules.check_approver(registered_by=material.registered_by_id, approver=actor.staff_id)
    material.state, material.decided_by_id, material.approved_at = MaterialState.APPROVED, actor.staff_id, clock.now()
    material.save(update_fields=["state", "decided_by", "approved_at"])
    record(
        event_type=events.MATERIAL_APPROVED,
        actor=actor,
        subject=material,
        insurer_id=material.insurer_id,
        old={"state": MaterialState.DRAFT.value},
        new={"state": material.state, "registered_by": material.registered_by_id},
    )
    _tell_registrant(
        actor,
        material,
        "sales.material_approved",
        gettext("Sales material “%(title)s” is approved: it may be used in sales.") % {"title": material.title},
    )
    return material


@transaction.atomic
def material_reject(*, actor: Actor, material_id: int, reason: str) -> SalesMaterial:
    """SAL-1: compliance refuses material, saying why; it is never used (a corrected version is a new one)."""
    material = _material_to_decide(actor, material_id)
    rules.check_step(material.state, MaterialState.REJECTED)
    rules.check_approver(registered_by=material.registered_by_id, approver=actor.staff_id)
    reason = rules.check_reason(reason)
    material.state, material.decided_by_id, material.rejected_at = MaterialState.REJECTED, actor.staff_id, clock.now()
    material.rejection_reason = reason
    material.save(update_fields=["state", "decided_by", "rejected_at", "rejection_reason"])
    record(
        event_type=events.MATERIAL_REJECTED,
        actor=actor,
        subject=material,
        insurer_id=material.insurer_id,
        old={"state": MaterialState.DRAFT.value},
        new={"state": material.state, "reason": reason},
    )
    _tell_registrant(
        actor,
        material,
        "sales.material_rejected",
        gettext("Sales material “%(title)s” is rejected: %(reason)s") % {"title": material.title, "reason": reason},
    )
    return material


@transaction.atomic
def material_withdraw(*, actor: Actor, material_id: int, reason: str) -> SalesMaterial:
    """SAL-1: stop material being used (out of date, a complaint about it): from this moment no sale may
    show it. Those who register material or approve it may withdraw it."""
    material = access.material_for(actor, material_id, for_update=True)
    if actor.staff_id is None:
        raise PermissionDenied()
    before = material.state
    rules.check_step(material.state, MaterialState.WITHDRAWN)
    reason = rules.check_reason(reason)
    material.state, material.withdrawn_by_id, material.withdrawn_at = (
        MaterialState.WITHDRAWN,
        actor.staff_id,
        clock.now(),
    )
    material.withdrawal_reason = reason
    material.save(update_fields=["state", "withdrawn_by", "withdrawn_at", "withdrawal_reason"])
    record(
        event_type=events.MATERIAL_WITHDRAWN,
        actor=actor,
        subject=material,
        insurer_id=material.insurer_id,
        old={"state": before},
        new={"state": material.state, "reason": reason},
    )
    return material


# --- salespeople (SAL-S1) ---


@transaction.atomic
def salesperson_save(*, actor: Actor, salesperson: Salesperson, idempotency_key: str | None = None) -> Salesperson:
    """SAL-S1: add a salesperson — one of the insurer's staff, someone working for one of its agents, or one
    of its own individual agents — or change their grade, name or whether they still sell."""
    identity_access.require_for_insurer(actor, Permission.MANAGE_SALESPEOPLE, salesperson.insurer_id)
    first = salesperson.pk is None
    if not first and actor.kind is not ActorKind.SYSTEM:
        stored = access.salesperson_for(actor, salesperson.pk, for_update=True)
        if stored.insurer_id != salesperson.insurer_id:
            raise NotFound()
    _check_employer(salesperson)
    hashed = idempotency.request_hash(salesperson.insurer_id, salesperson.practice_number)
    if first and idempotency_key is not None:
        earlier = idempotency.previous_result("salesperson_save", actor.audit_id, idempotency_key, hashed)
        if earlier is not None:
            return Salesperson.objects.get(insurer_id=salesperson.insurer_id, pk=earlier)
    old = {} if first else _salesperson_described(Salesperson.objects.select_for_update().get(pk=salesperson.pk))
    salesperson.full_clean()
    salesperson.save()
    if first and idempotency_key is not None:
        idempotency.remember("salesperson_save", actor.audit_id, idempotency_key, hashed, salesperson.pk)
    new = _salesperson_described(salesperson)
    record(
        event_type=events.SALESPERSON_ADDED if first else events.SALESPERSON_CHANGED,
        actor=actor,
        subject=salesperson,
        insurer_id=salesperson.insurer_id,
        first=first,
        old={key: value for key, value in old.items() if new[key] != value},
        new={key: value for key, value in new.items() if old.get(key) != value},
    )
    return salesperson


def _check_employer(salesperson: Salesperson) -> None:
    """Staff of this insurer, or a person of one of this insurer's agents — never both, never another's."""
    if salesperson.grade not in set(Grade):
        raise InvalidInput(_("Choose the salesperson's grade."))
    if salesperson.staff_id is not None and salesperson.partner_id is not None:
        raise InvalidInput(_("A salesperson is either the insurer's staff or an agent's, not both."))
    if salesperson.staff_id is not None:
        identity_access.one(Staff.objects.filter(insurer_id=salesperson.insurer_id), salesperson.staff_id)
    if salesperson.partner_id is not None:
        identity_access.one(
            Partner.objects.filter(insurer_id=salesperson.insurer_id, kind=Partner.AGENT), salesperson.partner_id
        )


def _salesperson_described(salesperson: Salesperson) -> dict[str, object]:
    return {
        "name": mask_name(salesperson.name),
        "practice_number": salesperson.practice_number,
        "grade": salesperson.grade,
        "active": salesperson.active,
        "staff": salesperson.staff_id,
        "partner": salesperson.partner_id,
    }
