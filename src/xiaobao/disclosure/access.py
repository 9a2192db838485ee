"""The one gate of public disclosure (issue #18 item 4).

- an insurer's reports: its staff whose roles grant ``disclosure.prepare`` or ``disclosure.approve``; nobody
  else's (not found and not allowed give the same answer);
- the public: approved reports only, and the open data set as last published;
- a consent to the open data set: read for the complaint its caller already opened through ``complaints.access``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from xiaobao.disclosure.domain.reports import ReportState
from xiaobao.disclosure.models import DisclosureReport, OpenDataConsent, OpenDataPublication
from xiaobao.identity import access as identity_access
from xiaobao.identity.domain.permissions import Permission, staff_may
from xiaobao.identity.models import Insurer
from xiaobao.kernel.actors import Actor
from xiaobao.kernel.errors import NotFound


def may_see_reports(actor: Actor) -> bool:
    return staff_may(actor, Permission.PREPARE_DISCLOSURE) or staff_may(actor, Permission.APPROVE_DISCLOSURE)


def reports_for(actor: Actor) -> QuerySet[DisclosureReport]:
    """The actor's insurer's reports, prepared or approved; none for anyone else."""
    if not may_see_reports(actor):
        return DisclosureReport.objects.none()
    return DisclosureReport.objects.filter(insurer_id=actor.insurer_id or 0).select_related(
        "insurer", "prepared_by", "approved_by"
    )


def report_for(actor: Actor, report_id: Any, *, for_update: bool = False) -> DisclosureReport:
    if for_update:
        return identity_access.one(
            DisclosureReport.objects.filter(pk__in=reports_for(actor).values("pk")), report_id, for_update=True
        )
    return identity_access.one(reports_for(actor), report_id)


def preparer_insurer(actor: Actor) -> Insurer:
    """The insurer whose report the actor prepares: their own, if their roles allow it."""
    identity_access.require(actor, Permission.PREPARE_DISCLOSURE)
    return identity_access.one(Insurer.objects.all(), actor.insurer_id, for_update=True)


def report_of_year(insurer_id: int, year: int) -> DisclosureReport | None:
    """The insurer's report of that year, locked (the caller checked the actor through ``preparer_insurer``)."""
    return DisclosureReport.objects.select_for_update().filter(insurer_id=insurer_id, year=year).first()


def approved_reports() -> QuerySet[DisclosureReport]:
    """Every insurer's approved reports: public (the only reports anyone outside an insurer sees)."""
    return DisclosureReport.objects.filter(state=ReportState.APPROVED.value).select_related("insurer")


def approved_report(insurer_code: str, year: int) -> DisclosureReport:
    report = approved_reports().filter(insurer__code=insurer_code, year=year).first()
    if report is None:
        raise NotFound()
    return report


def consent_of(complaint_id: int, *, for_update: bool = False) -> OpenDataConsent | None:
    """The consent of a complaint the caller already opened through ``complaints.access``."""
    rows = OpenDataConsent.objects.filter(complaint_id=complaint_id)
    return (rows.select_for_update() if for_update else rows).first()


def standing_consents() -> QuerySet[OpenDataConsent]:
    """Consents given and not withdrawn: what the publication (the system's work) may include."""
    return OpenDataConsent.objects.filter(withdrawn_at__isnull=True)


def latest_publication() -> OpenDataPublication | None:
    return OpenDataPublication.objects.order_by("-published_at", "-pk").first()
