"""The one gate to breach incidents and to the logs a breach is assessed from (SEC-3, PI-5).

Staff whose roles grant ``breaches.handle`` (compliance officers) see their own insurer's incidents and no
other's; not found and not allowed give the same answer. The assessment reads the insurer's own access logs —
staff reveals, partner reads — and its cases, within the incident's window, as plain values for the pure rules.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from xiaobao.breaches.domain.incidents import CaseKind, Holding, PartnerRead, Reveal
from xiaobao.breaches.models import AffectedConsumer, Incident, IncidentNotice
from xiaobao.claims.models import Claim, ClaimDocument
from xiaobao.complaints.models import Complaint
from xiaobao.identity.access import one, tenant_scoped
from xiaobao.identity.domain.permissions import Permission
from xiaobao.identity.models import Partner, PartnerKey, Staff
from xiaobao.kernel.actors import Actor
from xiaobao.kernel.errors import NotFound
from xiaobao.privacy.models import PartnerDataRead, PersonalDataAccess


def incidents_for(actor: Actor) -> QuerySet[Incident]:
    return tenant_scoped(Incident.objects.all(), actor, Permission.HANDLE_BREACHES).order_by("-opened_at", "-pk")


def incident_for(actor: Actor, incident_id: Any, *, for_update: bool = False) -> Incident:
    return one(incidents_for(actor), incident_id, for_update=for_update)


def sources_for(actor: Actor) -> dict[str, QuerySet[Any]]:
    """The staff accounts, partners and partner keys of the actor's insurer an incident may name as its source."""
    staff = tenant_scoped(Staff.objects.all(), actor, Permission.HANDLE_BREACHES).order_by("display_name", "pk")
    partners = tenant_scoped(Partner.objects.all(), actor, Permission.HANDLE_BREACHES).order_by("name", "pk")
    keys = tenant_scoped(
        PartnerKey.objects.select_related("partner"),
        actor,
        Permission.HANDLE_BREACHES,
        insurer_field="partner__insurer_id",
    ).order_by("partner__name", "pk")
    return {"staff": staff, "partner": partners, "partner_key": keys}


def source_of_insurer(actor: Actor, kind: str, source_id: int) -> None:
    """The named source belongs to the actor's insurer; else ``NotFound`` (a guessed id reveals nothing)."""
    if not sources_for(actor)[kind].filter(pk=source_id).exists():
        raise NotFound()


def reveals_in(insurer_id: int, start: datetime, end: datetime) -> list[Reveal]:
    rows = PersonalDataAccess.objects.filter(insurer_id=insurer_id, at__gte=start, at__lte=end)
    return [Reveal(c, s, f, at) for c, s, f, at in rows.values_list("consumer_id", "staff_id", "field", "at")]


def partner_reads_in(insurer_id: int, start: datetime, end: datetime) -> list[PartnerRead]:
    rows = PartnerDataRead.objects.filter(insurer_id=insurer_id, at__gte=start, at__lte=end)
    return [
        PartnerRead(c, p, k, list(cats), at)
        for c, p, k, cats, at in rows.values_list("consumer_id", "partner_id", "partner_key_id", "categories", "at")
    ]


def holdings_in(insurer_id: int, start: datetime, end: datetime) -> list[Holding]:
    """Every case of the insurer received in the window, and every claim document received in it."""
    complaints = Complaint.objects.filter(insurer_id=insurer_id, received_at__gte=start, received_at__lte=end)
    claims = Claim.objects.filter(insurer_id=insurer_id, reported_at__gte=start, reported_at__lte=end)
    documents = ClaimDocument.objects.filter(claim__insurer_id=insurer_id, received_at__gte=start, received_at__lte=end)
    return [
        *(Holding(c, CaseKind.COMPLAINT, at) for c, at in complaints.values_list("complainant_id", "received_at")),
        *(Holding(c, CaseKind.CLAIM, at) for c, at in claims.values_list("claimant_id", "reported_at")),
        *(
            Holding(c, CaseKind.CLAIM_DOCUMENT, at)
            for c, at in documents.values_list("claim__claimant_id", "received_at")
        ),
    ]


def affected_of(incident: Incident) -> QuerySet[AffectedConsumer]:
    """The frozen list, of an incident its caller already opened through ``incident_for``."""
    return AffectedConsumer.objects.filter(incident=incident).select_related("consumer").order_by("pk")


def notices_of(incident: Incident) -> QuerySet[IncidentNotice]:
    return IncidentNotice.objects.filter(incident=incident).select_related("notification").order_by("pk")
