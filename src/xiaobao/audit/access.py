"""Who may read the audit log: auditors and compliance within their own insurer.

An auditor finds a case by its reference (``case_for``) among the kinds of case the log chains, always within
their own insurer: a reference of another insurer's case, a mistyped one and an auditor without the right to
verify all get the same ``NotFound``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from xiaobao.audit.models import AuditEvent, ChainHead, Verification
from xiaobao.identity.access import one, tenant_scoped
from xiaobao.identity.domain.permissions import Permission, staff_may
from xiaobao.kernel.actors import Actor
from xiaobao.kernel.errors import NotFound


def audit_events_for(actor: Actor) -> QuerySet[AuditEvent]:
    return tenant_scoped(AuditEvent.objects.all(), actor, Permission.VIEW_AUDIT, insurer_field="insurer_id")


@dataclass(frozen=True)
class CaseKind:
    model: str
    """The subject type its events carry (the model's ``label_lower``)."""
    name: str | Promise


CASE_KINDS: tuple[CaseKind, ...] = (
    CaseKind("complaints.complaint", _("Complaint")),
    CaseKind("claims.claim", _("Claim")),
    CaseKind("rights.datarequest", _("Data request")),
    CaseKind("breaches.incident", _("Data breach")),
    CaseKind("callbacks.callbackrequest", _("Call-back request")),
    CaseKind("sales.sale", _("Sale")),
)
"""Every kind of case with a reference and an insurer whose story the log chains. Named by label, not
imported: the audit log sits below the apps it records."""

KIND_BY_MODEL = {kind.model: kind for kind in CASE_KINDS}
REFERENCE_MAX = 100


@dataclass(frozen=True)
class Case:
    subject_type: str
    subject_id: str
    reference: str
    """As the auditor finds it again: the case's reference, or ``type:id`` for a chain without one."""
    insurer_id: int

    @property
    def kind_name(self) -> str:
        kind = KIND_BY_MODEL.get(self.subject_type)
        return str(kind.name) if kind else self.subject_type


def case_for(actor: Actor, reference: str) -> Case:
    """The case of the actor's insurer with this reference (any kind, case-insensitive), or a chain named
    ``type:id`` (a staff member's, a consumer's…) holding an event of the actor's insurer; else ``NotFound``."""
    if not staff_may(actor, Permission.VERIFY_AUDIT) or actor.insurer_id is None:
        raise NotFound()
    text = reference.strip()
    if not text or len(text) > REFERENCE_MAX:
        raise NotFound()
    for kind in CASE_KINDS:
        model: Any = _model(kind.model)
        if model is None:
            continue
        found = model.objects.filter(reference__iexact=text, insurer_id=actor.insurer_id).values_list("pk", "reference")
        row = found.first()
        if row is not None:
            return Case(kind.model, str(row[0]), row[1], actor.insurer_id)
    subject_type, _colon, subject_id = text.lower().partition(":")
    if subject_id and _chain_of_insurer(subject_type, subject_id, actor.insurer_id):
        return Case(subject_type, subject_id, f"{subject_type}:{subject_id}", actor.insurer_id)
    raise NotFound()


def references_of(actor: Actor, subjects: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The references of those subjects that are cases of the actor's insurer (to name a broken chain as people
    know it); any other subject is left out."""
    if not staff_may(actor, Permission.VERIFY_AUDIT) or actor.insurer_id is None:
        return {}
    found: dict[tuple[str, str], str] = {}
    for kind in CASE_KINDS:
        ids = [subject_id for subject_type, subject_id in subjects if subject_type == kind.model]
        model: Any = _model(kind.model) if ids else None
        if model is None:
            continue
        numeric = [int(i) for i in ids if i.isdigit()]
        rows = model.objects.filter(pk__in=numeric, insurer_id=actor.insurer_id).values_list("pk", "reference")
        found.update({(kind.model, str(pk)): reference for pk, reference in rows if reference})
    return found


def _model(label: str) -> Any:
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _chain_of_insurer(subject_type: str, subject_id: str, insurer_id: int) -> bool:
    """A chain the insurer may verify: it holds the insurer's events and no other insurer's (a consumer's chain
    shared by two insurers would show one the other's events: such a chain is verified only by ``audit_verify``)."""
    chain = AuditEvent.objects.filter(subject_type=subject_type, subject_id=subject_id)
    if chain.exclude(insurer_id=insurer_id).exclude(insurer_id__isnull=True).exists():
        return False
    heads = ChainHead.objects.filter(subject_type=subject_type, subject_id=subject_id, insurer_id=insurer_id)
    return chain.filter(insurer_id=insurer_id).exists() or heads.exists()


def verifications_for(actor: Actor) -> QuerySet[Verification]:
    return tenant_scoped(Verification.objects.all(), actor, Permission.VERIFY_AUDIT, insurer_field="insurer_id")


def verification_for(actor: Actor, verification_id: Any, *, for_update: bool = False) -> Verification:
    return one(verifications_for(actor), verification_id, for_update=for_update)
